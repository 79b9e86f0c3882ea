"""The "ask for an appointment" form on centre pages: it lands in the right queue, spam guards, errors."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cms.models import CentrePage, CountryPage
from counselling.models import AppointmentRequest, AppointmentStatus
from portal.access import unscoped
from tests.audit import assert_audited
from tests.factories import CentreFactory, CountryFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Ama Mensah",
    "contact": "024 123 4567",
    "preferred_channel": "message",
    "topic": "training_jobs",
    "message": "I came back from Germany in May and look for a training.",
    "consent": "on",
    "website": "",
}


@pytest.fixture
def centre_page(home, add_page, centre_a):
    country = add_page(home, CountryPage, title="Ghana", slug="ghana", country=centre_a.country)
    return add_page(country, CentrePage, title=centre_a.name, slug="accra", centre=centre_a, body=[])


def _url(centre, name: str = "site:appointment-request", lang: str = "en") -> str:
    with translation.override(lang):
        return reverse(name, kwargs={"centre_id": centre.public_id})


def _rows() -> list[AppointmentRequest]:
    with unscoped():
        return list(AppointmentRequest.objects.order_by("pk"))


def test_centre_page_shows_the_form_with_a_hidden_honeypot(client, centre_page, centre_a) -> None:
    body = client.get("/en/ghana/accra/").content.decode()
    assert f'action="{_url(centre_a)}"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert '<div class="hp-field" aria-hidden="true">' in body
    assert "style=" not in body.split('class="appointment-form"')[1]


def test_valid_request_lands_in_its_centre_queue_only(client, centre_page, centre_a, centre_b, counsellor, outsider):
    response = client.post(_url(centre_a), VALID)

    assert response.status_code == 302
    assert response["Location"] == _url(centre_a, "site:appointment-thanks")
    [row] = _rows()
    assert (row.centre, row.status, row.user) == (centre_a, AppointmentStatus.NEW, None)
    assert row.contact == "+233241234567"  # normalised with the centre's country
    assert row.consent_given_at is not None
    assert_audited("counselling.appointment.requested", target=row, centre=centre_a)
    assert list(AppointmentRequest.objects.visible_to(counsellor.user)) == [row]
    assert list(AppointmentRequest.objects.visible_to(outsider.user)) == []
    assert client.get(response["Location"]).status_code == 200


def test_signed_in_returnee_request_is_linked_to_the_account(client, centre_page, centre_a, returnee) -> None:
    client.force_login(returnee.user)
    client.post(_url(centre_a), VALID)
    [row] = _rows()
    assert row.user == returnee.user
    assert list(AppointmentRequest.objects.visible_to(returnee.user)) == [row]


def test_contact_is_stored_encrypted(client, centre_page, centre_a) -> None:
    from django.db import connection

    client.post(_url(centre_a), VALID)
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact, message FROM counselling_appointmentrequest")
        contact, message = cursor.fetchone()
    assert "241234567" not in contact and "Germany" not in message


def test_filled_honeypot_gets_the_thank_you_page_and_stores_nothing(client, centre_page, centre_a) -> None:
    response = client.post(_url(centre_a), {**VALID, "website": "http://spam.example"})
    assert response.status_code == 302
    assert response["Location"] == _url(centre_a, "site:appointment-thanks")
    assert _rows() == []


def test_rate_limit_answers_429_with_a_translated_message(client, centre_page, centre_a, settings) -> None:
    for _ in range(settings.APPOINTMENT_RATE_PER_IP):
        assert client.post(_url(centre_a), VALID).status_code == 302

    response = client.post(_url(centre_a), VALID)
    assert response.status_code == 429
    assert "Please try again in an hour" in response.content.decode()
    french = client.post(_url(centre_a, lang="fr"), VALID)
    assert french.status_code == 429
    assert '<html lang="fr"' in french.content.decode()
    assert len(_rows()) == settings.APPOINTMENT_RATE_PER_IP


def test_rate_limit_per_centre_counts_every_address(client, centre_page, centre_a, settings) -> None:
    settings.APPOINTMENT_RATE_PER_CENTRE = 2
    for ip in ("10.0.0.1", "10.0.0.2"):
        assert client.post(_url(centre_a), VALID, REMOTE_ADDR=ip).status_code == 302
    assert client.post(_url(centre_a), VALID, REMOTE_ADDR="10.0.0.3").status_code == 429


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"consent": ""}, "consent", "Please agree so that the centre may keep your details"),
        ({"contact": ""}, "contact", "This field is required."),
        ({"contact": "ama@example"}, "contact", "This e-mail address does not look right."),
        ({"contact": "12"}, "contact", "Enter a phone number (with the country code"),
        ({"preferred_channel": "email"}, "contact", "You chose e-mail: please give an e-mail address."),
        ({"name": "<script>x</script>"}, "name", "Remove the HTML or script code"),
    ],
)
def test_bad_input_gets_a_clear_error_and_keeps_the_typed_values(
    client, centre_page, centre_a, change, field, message
) -> None:
    response = client.post(_url(centre_a), {**VALID, **change})

    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "I came back from Germany in May" in body  # the typed message is kept
    if field != "name":
        assert 'value="Ama Mensah"' in body
    assert "cms/centre_page.html" in [t.name for t in response.templates]
    assert _rows() == []


def test_errors_are_translated(client, centre_page, centre_a) -> None:
    response = client.post(_url(centre_a, lang="fr"), {**VALID, "consent": ""})
    assert response.status_code == 200
    assert '<html lang="fr"' in response.content.decode()


def test_unknown_or_inactive_centre_is_404(client, db) -> None:
    inactive = CentreFactory(country=CountryFactory(code="AL"), is_active=False)
    assert client.post(_url(inactive), VALID).status_code == 404
    assert client.get(_url(inactive, "site:appointment-thanks")).status_code == 404
