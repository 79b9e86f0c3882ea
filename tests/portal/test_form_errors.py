"""Forms (issue #18, point 9): an error summary that takes the focus and links to each field, required
fields marked, the appointment topic starting empty, cancelling a fair registration asking first, the
second-factor page focusing the code, and phone, address and code boxes reading left to right."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from cms.models import CentrePage, CountryPage
from counselling.models import AppointmentRequest
from jobfairs.models import RegistrationStatus
from portal.access import unscoped
from tests.cms.conftest import add_page, home, locales  # noqa: F401 - the information site's page fixtures
from tests.factories import TEST_PASSWORD
from tests.jobfairs.factories import FairFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


class _Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text of each element with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _elements(body: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(body)
    return parser.tags


def _ids(body: str) -> set[str]:
    return {str(attrs["id"]) for _tag, attrs in _elements(body) if attrs.get("id")}


def _summary(body: str) -> str:
    assert 'class="error-summary"' in body, "no error summary"
    return body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]


def _input(body: str, name: str) -> dict[str, str | None]:
    return next(
        attrs for tag, attrs in _elements(body) if tag in ("input", "select", "textarea") and attrs.get("name") == name
    )


# --- The shared form template (portal/form_fields.html) --------------------------------------------


def test_invalid_form_shows_a_focused_summary_linking_to_each_field(client, manager) -> None:
    client.force_login(manager.user)
    response = client.post(reverse("portal:staff-invite"), {"full_name": "", "email": "not an address"})

    assert response.status_code == 200
    body = response.content.decode()
    summary_tag = next(attrs for tag, attrs in _elements(body) if "error-summary" in (attrs.get("class") or ""))
    assert summary_tag["tabindex"] == "-1" and "autofocus" in summary_tag
    # The summary comes before the first field, so it is what the browser focuses.
    assert body.index('class="error-summary"') < body.index('name="full_name"')
    summary = _summary(body)
    for field in ("full_name", "email", "role"):
        assert f'href="#id_{field}"' in summary, field
        assert f"id_{field}" in _ids(body), f"the link to {field} points at nothing"
    assert "Full name: This field is required." in summary


def test_valid_page_has_no_summary(client, manager) -> None:
    client.force_login(manager.user)
    body = client.get(reverse("portal:staff-invite")).content.decode()
    assert "error-summary" not in body


def test_required_fields_are_marked_for_eyes_and_for_assistive_technology(client, manager) -> None:
    client.force_login(manager.user)
    body = client.get(reverse("portal:staff-invite")).content.decode()

    assert "Fields marked * are required." in body
    full_name = _input(body, "full_name")
    assert "required" in full_name and full_name["aria-required"] == "true"
    label = body.split('<label for="id_full_name">', 1)[1].split("</label>", 1)[0]
    assert 'class="required-mark"' in label
    # An optional field carries neither.
    centre = _input(body, "centre")
    assert "required" not in centre and "aria-required" not in centre
    assert 'class="required-mark"' not in body.split('<label for="id_centre">', 1)[1].split("</label>", 1)[0]


def test_allauth_forms_get_the_summary_too(client, counsellor) -> None:
    response = client.post(reverse("account_login"), {"login": counsellor.user.email, "password": "wrong"})
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert _input(body, "login")["dir"] == "ltr"


def test_phone_email_and_code_boxes_read_left_to_right_names_do_not(client, counsellor) -> None:
    client.force_login(counsellor.user)
    with translation.override("ar"):
        body = client.get(reverse("counselling:client-create")).content.decode()
    for name in ("phone", "phone_alt", "email"):
        assert _input(body, name).get("dir") == "ltr", name
    assert _input(body, "given_name").get("dir") is None


# --- The appointment request form -------------------------------------------------------------------


@pytest.fixture
def centre_page(home, add_page, centre_a):  # noqa: F811 - the imported fixtures
    country = add_page(home, CountryPage, title="Ghana", slug="ghana", country=centre_a.country)
    return add_page(country, CentrePage, title=centre_a.name, slug="accra", centre=centre_a, body=[])


def test_appointment_topic_starts_empty(client, centre_page) -> None:
    body = client.get("/en/ghana/accra/").content.decode()
    select = body.split('name="topic"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>Choose a topic</option>' in select
    assert select.count("selected") == 1


def test_appointment_without_a_topic_is_refused_with_a_clear_message(client, centre_page, centre_a) -> None:
    data = {
        "name": "Ama Mensah",
        "contact": "024 123 4567",
        "preferred_channel": "phone",
        "topic": "",
        "consent": "on",
        "website": "",
    }
    with translation.override("fr"):
        url = reverse("site:appointment-request", kwargs={"centre_id": centre_a.public_id})
    response = client.post(url, data)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Choisissez le sujet dont vous souhaitez parler." in _summary(body)
    assert 'href="#appointment-topic"' in _summary(body)
    assert 'value="Ama Mensah"' in body  # what was typed is kept
    with unscoped():
        assert not AppointmentRequest.objects.exists()


# --- Cancelling a fair registration -------------------------------------------------------------------


def test_cancelling_a_registration_asks_first(client, returnee, centre_a) -> None:
    fair = FairFactory(country=centre_a.country, centres=[centre_a], title="Zz Fair")
    registration = RegistrationFactory(fair=fair, user=returnee.user)
    client.force_login(returnee.user)
    url = reverse("jobfairs:registration-cancel", kwargs={"public_id": registration.public_id})

    listing = client.get(reverse("jobfairs:registration-list")).content.decode()
    assert f'action="{url}"' in listing and 'name="confirm"' not in listing

    question = client.post(url)
    assert question.status_code == 200
    body = question.content.decode()
    assert "Cancel your registration?" in body and "<bdi>Zz Fair</bdi>" in body
    assert '<input type="hidden" name="confirm" value="1">' in body
    assert f'href="{reverse("jobfairs:registration-list")}"' in body  # "No, keep" goes back
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED

    answer = client.post(url, {"confirm": "1"})
    assert answer.status_code == 302
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


# --- The second factor -----------------------------------------------------------------------------


def test_second_factor_page_focuses_the_code(client, counsellor) -> None:
    response = client.post(reverse("account_login"), {"login": counsellor.user.email, "password": TEST_PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    body = client.get(reverse("mfa_authenticate")).content.decode()
    code = _input(body, "code")
    assert "autofocus" in code and code["dir"] == "ltr"
    autofocused = [attrs for _tag, attrs in _elements(body) if "autofocus" in attrs]
    assert len(autofocused) == 1

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"}).content.decode()
    # A wrong code: the summary is focused first (it comes first), and links to the box.
    assert wrong.index("autofocus") == wrong.index('class="error-summary"') + wrong[
        wrong.index('class="error-summary"') :
    ].index("autofocus")
    assert 'href="#id_code"' in _summary(wrong)
