"""A demo that survives being used (issue #19, point 11): people use `make run`'s demo through its screens
(a returnee cancels a fair registration and registers again, managers transfer a case, a manager erases a
client on the data-protection screen, a counsellor withdraws a consent, a returnee deletes their account);
then `seed_demo` runs again, as `make run` does on every start, without an error, the site answers, and what
people did stays done.

Everything goes through HTTP as the person who does it: signed in with the demo password (and the TOTP code
for staff), pages opened by the links a person would follow, forms read from the page and sent back with
their CSRF token.
"""

from __future__ import annotations

from html.parser import HTMLParser
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from counselling.models import CaseFile, CaseStatus, Client, Consent, Transfer, TransferStatus
from devtools.demo.portal import current_totp, demo_totp_secret
from jobfairs.models import JobFair, Registration, RegistrationStatus
from portal.access import unscoped
from portal.models import Centre, User

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"
SECOND_FACTOR = "/en/accounts/2fa/authenticate/"


class _Forms(HTMLParser):
    """The forms of a page as a browser would send them: hidden and text inputs, ticked boxes, the
    selected radio button and option (the first option of a select when none is selected), text areas."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": {}, "options": {}})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    form["fields"][name] = a.get("value", "on")
                form["options"].setdefault(name, []).append(a.get("value", "on"))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                form["fields"][name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            form["options"][name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form["options"][self._select].append(value)
            if "selected" in a or self._select not in form["fields"]:
                form["fields"][self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"][name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_form(response: Any, *, action: str | None = None, having: str | None = None) -> dict[str, Any]:
    """The page's form that posts to `action` (or has a field `having`); fails the test when there is none."""
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    parser = _Forms()
    parser.feed(response.content.decode())
    for form in parser.forms:
        if (action is None or form["action"] == action) and (
            having is None or having in form["options"] or having in form["fields"]
        ):
            return form
    raise AssertionError(f"no form for {action or having} on {response.request['PATH_INFO']}")


def submit(browser: Browser, response: Any, *, action: str | None = None, having: str | None = None, **data: Any):
    """Fill in the page's form as a person would (only the fields it has) and send it, CSRF token included."""
    form = page_form(response, action=action, having=having)
    for name in data:
        assert name in form["fields"] or name in form["options"], (name, form)
    assert "csrfmiddlewaretoken" in form["fields"], "the form carries its CSRF token"
    return browser.post(form["action"] or response.request["PATH_INFO"], {**form["fields"], **data})


def links(response: Any) -> str:
    return response.content.decode()


def problems(response: Any) -> str:
    """What a refused form says (its error summary), for the failure message."""
    page = response.content.decode()
    start = page.find('class="error-summary"')
    return page[start : start + 1500] if start >= 0 else f"{response.status_code}: {page[:1500]}"


def sign_in(email: str, *, staff: bool) -> Browser:
    """A browser that enforces CSRF, signed in through the real forms (and the second factor for staff)."""
    browser = Browser(enforce_csrf_checks=True)
    answer = submit(browser, browser.get(LOGIN), having="password", login=email, password=settings.DEMO_PASSWORD)
    assert answer.status_code == 302, answer.content.decode()[:500]
    if staff:
        assert answer["Location"] == SECOND_FACTOR
        answer = submit(browser, browser.get(SECOND_FACTOR), having="code", code=current_totp(demo_totp_secret(email)))
        assert answer.status_code == 302 and answer["Location"] != SECOND_FACTOR
    return browser


def open_page(browser: Browser, url: str, *, password: str = settings.DEMO_PASSWORD) -> Any:
    """Open a page; when it asks for the password again first (erasing, deleting an account), give it."""
    response = browser.get(url)
    if response.status_code == 302 and "reauthenticate" in response["Location"]:
        confirmed = submit(browser, browser.get(response["Location"]), having="password", password=password)
        assert confirmed.status_code == 302, confirmed.content.decode()[:500]
        response = browser.get(url)
    return response


def test_seed_demo_runs_again_after_people_used_the_screens() -> None:
    call_command("seed_demo", stdout=StringIO())
    now = timezone.now()
    with unscoped():
        accra, kumasi = Centre.objects.get(slug="gh-accra"), Centre.objects.get(slug="gh-kumasi")
        fair = JobFair.objects.get(title="Hybrid job fair Kumasi")
        assert fair.registration_opens_at <= now < fair.registration_closes_at
        open_cases = CaseFile.objects.filter(centre=accra).exclude(status=CaseStatus.CLOSED).order_by("pk")
        case = open_cases.first()
        consent = (
            Consent.objects.filter(client__centre=accra, withdrawn_at=None, purpose="follow_up")
            .exclude(client=case.client)
            .order_by("pk")
            .first()
        )
        erased = (
            Client.objects.filter(centre=accra, anonymised_at=None)
            .exclude(pk__in=[case.client_id, consent.client_id])
            .order_by("pk")
            .first()
        )

    # A returnee cancels their registration for the Kumasi fair, and registers again.
    returnee = sign_in("returnee1@demo.example.org", staff=False)
    mine = returnee.get(reverse("jobfairs:registration-list"))
    with unscoped():
        registration = Registration.objects.get(fair=fair, user__email="returnee1@demo.example.org")
    cancel = reverse("jobfairs:registration-cancel", args=[registration.public_id])
    question = submit(returnee, mine, action=cancel)
    assert submit(returnee, question, action=cancel, confirm="1").status_code == 302
    fair_page = returnee.get(reverse("jobfairs:fair-detail", args=[fair.public_id]))
    register = reverse("jobfairs:registration-create", args=[fair.public_id])
    assert register in links(fair_page)
    registered = submit(returnee, returnee.get(register), having="q0", q0="Driving and logistics", share_profile="on")
    assert registered.status_code == 302, problems(registered)
    with unscoped():
        statuses = sorted(
            Registration.objects.filter(fair=fair, user__email__startswith="returnee1").values_list("status", flat=True)
        )
    assert statuses == [RegistrationStatus.CANCELLED, RegistrationStatus.REGISTERED]

    # The Accra manager transfers a case to Kumasi; the Kumasi manager accepts it and names its counsellor.
    accra_manager = sign_in("manager.gh-accra@demo.example.org", staff=True)
    case_page = accra_manager.get(reverse("counselling:case-detail", args=[case.public_id]))
    transfer_url = reverse("counselling:transfer-create", args=[case.public_id])
    assert transfer_url in links(case_page)
    sent = submit(
        accra_manager,
        accra_manager.get(transfer_url),
        having="to_centre",
        to_centre=str(kumasi.pk),
        reason="Moved to Kumasi",
    )
    assert sent.status_code == 302, problems(sent)
    with unscoped():
        transfer = Transfer.objects.get(case=case, status=TransferStatus.PENDING)
    kumasi_manager = sign_in("manager.gh-kumasi@demo.example.org", staff=True)
    decide = reverse("counselling:transfer-decide", args=[transfer.public_id])
    assert decide in links(kumasi_manager.get(reverse("counselling:transfer-list")))
    decision_page = kumasi_manager.get(decide)
    counsellor = User.objects.get(email="counsellor.gh-kumasi@demo.example.org")
    assert str(counsellor.pk) in page_form(decision_page, having="decision")["options"]["counsellor"]
    decided = submit(kumasi_manager, decision_page, having="decision", decision="accept", counsellor=str(counsellor.pk))
    assert decided.status_code == 302, problems(decided)

    # The Accra manager erases a client on the data-protection screen (code typed again, password asked again).
    found = accra_manager.get(reverse("counselling:dsr-search"), {"q": erased.code})
    detail = reverse("counselling:dsr-detail", args=[erased.public_id])
    assert detail in links(found)
    erase = reverse("counselling:dsr-erase", args=[erased.public_id])
    assert erase in links(accra_manager.get(detail))
    done = submit(
        accra_manager,
        open_page(accra_manager, erase),
        having="confirm",
        reason="erasure_request",
        confirm=erased.code,
    )
    assert done.status_code == 302, problems(done)

    # An Accra counsellor withdraws a client's consent to be contacted, from the client's case page.
    counsellor_browser = sign_in("counsellor.gh-accra@demo.example.org", staff=True)
    with unscoped():
        consent_case = CaseFile.objects.filter(client=consent.client).order_by("-opened_on", "-pk").first()
    consent_page = counsellor_browser.get(reverse("counselling:case-detail", args=[consent_case.public_id]))
    withdraw = reverse("counselling:consent-withdraw", args=[consent.public_id])
    assert submit(counsellor_browser, consent_page, action=withdraw).status_code == 302

    # Another returnee deletes their account (password asked again, the box ticked).
    leaving_email = "returnee3@demo.example.org"
    leaving_pk = User.objects.get(email=leaving_email).pk
    leaving = sign_in(leaving_email, staff=False)
    assert reverse("returnees:delete") in links(leaving.get(reverse("returnees:data")))
    deleted = submit(leaving, open_page(leaving, reverse("returnees:delete")), having="confirm", confirm="yes")
    assert deleted.status_code == 302, problems(deleted)

    # `make run` stops and starts: the seed runs again, without an error, and the site answers.
    call_command("seed_demo", stdout=StringIO())
    visitor = Browser()
    assert visitor.get("/en/").status_code == 200
    assert visitor.get(reverse("healthz")).status_code == 200
    assert visitor.get(reverse("jobfairs:fair-detail", args=[fair.public_id])).status_code == 200

    # What people did stays done.
    with unscoped():
        active = Registration.objects.filter(fair=fair, user__email="returnee1@demo.example.org").exclude(
            status=RegistrationStatus.CANCELLED
        )
        assert [(r.status, r.answers) for r in active] == [
            (RegistrationStatus.REGISTERED, {fair.questions[0]: "Driving and logistics"})
        ]
        moved = CaseFile.objects.get(pk=case.pk)
        assert (moved.centre_id, moved.counsellor_id) == (kumasi.pk, counsellor.pk)
        assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.ACCEPTED
        assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None
        assert Client.objects.get(pk=erased.pk).anonymised_at is not None
        assert not User.objects.filter(pk=leaving_pk, is_active=True, email=leaving_email).exists()
    # The seed signs the returnee's demo login up again, as a new account that holds nothing of the old one.
    again = User.objects.get(email=leaving_email)
    assert again.pk != leaving_pk
    # And the returnee who stayed finds their registration on their page after the restart.
    assert fair.title in links(returnee.get(reverse("jobfairs:registration-list")))
