"""Issue #15, finding 6: the audit log could not answer "who saw this client?".

The attack on accountability, replayed through the views: a counsellor downloads a client's CV, opens the
client's edit page (name, phone, vulnerabilities), prints a referral slip; the partner reads the referral in
the inbox and through the e-mailed link; an employer reads the candidate list. The manager then searches the
audit log for the client's code: the download, the slip, the partner's and the link's views were missing
(their lines named the document or the referral, not the client) and the edit page wrote nothing at all.

Now every audit line about a client names the client (`portal.audit`, from the path each model declares in
`portal.dataprotection`), and every GET that shows a client's personal data writes one read line. The walker below
requests every URL of the access matrix whose id leads to a client, as each role the matrix lets in, and
fails on a page that writes no line naming that client: a new view cannot forget.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from counselling.models import Consent
from portal.access import get_access, unscoped
from portal.audit import CLIENT_KEY, client_of
from portal.dataprotection import CLIENTS, record_of_processing
from portal.models import AuditEvent
from referrals.links import make_token
from referrals.models import Referral
from tests.access import ROLES
from tests.factories import TEST_PASSWORD, CaseFactory, ClientFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, RegistrationFactory
from tests.referrals.factories import ServiceFactory
from tests.test_access_matrix import MATRIX

# Pages the issue names; the walker must reach each (a guard against a walker that silently covers nothing).
MUST_COVER = {
    "counselling:case-detail",
    "counselling:session-list",
    "counselling:session-create",
    "counselling:client-edit",
    "counselling:document-download",
    "counselling:transfer-decide",
    "referrals:referral-detail",
    "referrals:referral-slip",
    "referrals:partner-referral",
    "referrals:link",
    "returnees:client-link",
    "counselling:dsr-detail",
}


def _lines_naming(client_pk: int) -> int:
    with unscoped():
        return AuditEvent.objects.filter(**{f"details__{CLIENT_KEY}": client_pk}).count()


def _read_whole(response: Any) -> bytes:
    """The body; a file response is read to its end, which closes its file (as a server would)."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def _client_behind(kwargs: dict[str, Any]) -> int | None:
    """The client a URL's id leads to, through the same declarations the audit log uses; None if none."""
    if "token" in kwargs:
        from referrals.links import check_token

        referral = check_token(kwargs["token"]).referral
        return client_of(referral) if referral is not None else None
    public_id = kwargs.get("public_id")
    if public_id is None:
        return None
    for activity in record_of_processing():
        model = apps.get_model(activity.label)
        if activity.processing.client is None or not any(f.name == "public_id" for f in model._meta.fields):
            continue
        row = model._base_manager.filter(public_id=public_id).first()
        if row is not None:
            return client_of(row)
    return None


def test_every_page_that_shows_a_client_writes_one_read_line_naming_the_client(
    db, persona_for, request: pytest.FixtureRequest
) -> None:
    covered, missing = set(), []
    for name, (factory, statuses) in MATRIX.items():
        if factory is None:
            continue
        for role in ROLES:
            if statuses[role] != 200:
                continue
            arguments = factory(request)
            client_pk = _client_behind(arguments)
            if client_pk is None:
                break  # this URL's id leads to no client (a fair, a service, a visitor's request)
            browser = Client()  # a fresh one per role: nobody signed in yet
            persona = persona_for(role)
            if persona is not None:
                browser.force_login(persona.user)
            before = _lines_naming(client_pk)
            url = reverse(name, args=arguments.pop("args", None), kwargs=arguments or None)
            response = browser.get(url)
            _read_whole(response)
            assert response.status_code == 200, f"{role} GET {url}"
            covered.add(name)
            if _lines_naming(client_pk) - before != 1:
                missing.append(f"{name} as {role}: {_lines_naming(client_pk) - before} lines naming the client")
    assert not missing, "pages showing a client's data without exactly one read line:\n" + "\n".join(missing)
    assert MUST_COVER <= covered, f"not walked: {sorted(MUST_COVER - covered)}"


def test_every_model_about_a_client_declares_the_way_to_the_client() -> None:
    """A model about clients without a declared path would write lines that the client filter misses."""
    undeclared = [
        activity.label
        for activity in record_of_processing()
        if CLIENTS in activity.processing.data_subjects
        and activity.processing.client is None
        # The log itself, and group sessions (one row counts many participants).
        and activity.label not in ("portal.auditevent", "counselling.groupsession")
    ]
    assert not undeclared


@pytest.fixture
def referred(counsellor, partner_org):
    """A client with a CV on file and a referral sent to the partner, with consent to share."""
    amina = ClientFactory(centre=counsellor.centre, given_name="Amina", family_name="Haddad", phone="+233241234567")
    case = CaseFactory(client=amina, counsellor=counsellor.user)
    Consent.objects.create(
        client=amina, purpose="share_partner", organisation=partner_org, method="signed", recorded_by=counsellor.user
    )
    from counselling.services import upload_document

    document = upload_document(
        access=get_access(counsellor.user),
        actor=counsellor.user,
        case=case,
        kind="cv",
        upload=SimpleUploadedFile("cv.pdf", b"%PDF-1.4 Amina Haddad", content_type="application/pdf"),
    )
    referral = Referral.objects.create(
        case=case,
        centre=counsellor.centre,
        service=ServiceFactory(organization=partner_org),
        organization=partner_org,
        created_by=counsellor.user,
        reason="Training",
        status="sent",
        shared_fields=["name", "phone"],
        due_on=dt.date.today() + dt.timedelta(days=7),
    )
    return amina, document, referral


def test_manager_finds_every_read_of_the_client_by_its_code(
    client, counsellor, manager, partner, referred, employer, employer_org
) -> None:
    amina, document, referral = referred
    client.force_login(counsellor.user)
    download = client.get(reverse("counselling:document-download", kwargs={"public_id": document.public_id}))
    assert download.status_code == 200 and _read_whole(download).startswith(b"%PDF")
    assert client.get(reverse("counselling:client-edit", kwargs={"public_id": amina.public_id})).status_code == 200
    assert client.get(reverse("referrals:referral-slip", kwargs={"public_id": referral.public_id})).status_code == 200
    client.force_login(partner.user)
    assert (
        client.get(reverse("referrals:partner-referral", kwargs={"public_id": referral.public_id})).status_code == 200
    )
    client.logout()
    assert client.get(reverse("referrals:link", kwargs={"token": make_token(referral)})).status_code == 200
    # An employer with an approved booth reads the fair's candidates; the client shared a profile.
    fair = FairFactory(country=counsellor.centre.country, centres=[counsellor.centre])
    booth = BoothFactory(fair=fair, employer=employer_org)
    RegistrationFactory(fair=fair, user=None, client=amina)
    Consent.objects.create(client=amina, purpose="share_employers", method="signed", recorded_by=counsellor.user)
    client.force_login(employer.user)
    page = client.get(reverse("jobfairs:candidate-list", kwargs={"public_id": booth.public_id}))
    assert page.status_code == 200 and "Amina" in page.content.decode()

    client.force_login(manager.user)
    page = client.get(reverse("portal:audit-log"), {"client_code": amina.code})
    assert page.status_code == 200
    actions = {event.action for event in page.context["page"]}
    assert {
        "counselling.document.downloaded",
        "counselling.client.viewed",
        "referrals.slip.printed",
        "referrals.referral.viewed",
        "referrals.link.used",
        "jobfairs.candidate.viewed",
    } <= actions
    # Lines about other clients stay out of the answer.
    other = ClientFactory(centre=counsellor.centre)
    client.force_login(counsellor.user)
    client.get(reverse("counselling:client-edit", kwargs={"public_id": other.public_id}))
    client.force_login(manager.user)
    page = client.get(reverse("portal:audit-log"), {"client_code": amina.code})
    assert all(event.details.get(CLIENT_KEY) in (None, amina.pk) for event in page.context["page"])


def test_data_subject_export_names_the_client_in_the_log(client, manager, referred) -> None:
    amina, _document, _referral = referred
    url = reverse("counselling:dsr-export-json", kwargs={"public_id": amina.public_id})
    client.force_login(manager.user)
    response = client.get(url)
    client.post(response["Location"], {"password": TEST_PASSWORD})
    before = _lines_naming(amina.pk)
    assert client.get(url).status_code == 200
    assert _lines_naming(amina.pk) == before + 1
    with unscoped():
        (event,) = AuditEvent.objects.filter(action="counselling.client.exported", actor=manager.user)
    assert event.details[CLIENT_KEY] == amina.pk and event.centre_id == amina.centre_id


def test_employer_dashboard_names_the_client_behind_each_shared_meeting(
    client, counsellor, employer, employer_org, referred
) -> None:
    from jobfairs.models import Booking
    from tests.jobfairs.factories import SlotFactory

    amina, _document, _referral = referred
    fair = FairFactory(country=counsellor.centre.country, centres=[counsellor.centre])
    registration = RegistrationFactory(fair=fair, user=None, client=amina)
    Consent.objects.create(client=amina, purpose="share_employers", method="signed", recorded_by=counsellor.user)
    Booking.objects.create(
        slot=SlotFactory(booth=BoothFactory(fair=fair, employer=employer_org)), registration=registration
    )
    client.force_login(employer.user)
    before = _lines_naming(amina.pk)
    page = client.get(reverse("jobfairs:employer-dashboard"))
    assert page.status_code == 200 and "Amina" in page.content.decode()
    assert _lines_naming(amina.pk) == before + 1
    with unscoped():
        line = AuditEvent.objects.filter(action="jobfairs.candidate.viewed").latest("pk")
    assert line.centre_id == amina.centre_id  # in the log of the client's centre
