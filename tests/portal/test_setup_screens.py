"""First run without a Python shell (issue #17): `manage.py setup`, and the administrators' screens for countries
and centres (`portal.services.create_country` and friends), audited; roles through the invitation screen."""

from __future__ import annotations

import io
import re
import time
from typing import Any

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from devtools.demo.portal import current_totp
from portal.access import Role, get_access, unscoped
from portal.audit import PortalAudit
from portal.errors import DomainError, NotAllowed
from portal.models import Centre, Country, Membership, StaffInvitation
from portal.services import create_centre, create_country, update_centre, update_country
from tests.audit import assert_audited, audit_lines
from tests.conftest import Persona
from tests.factories import CentreFactory, ClientFactory, CountryFactory

pytestmark = pytest.mark.django_db

ADDRESS = "first.admin@example.org"
PASSWORD = "the first administrator's own passphrase"
COUNTRY_FACTS: dict[str, Any] = {
    "time_zone": "Africa/Accra",
    "languages": ["en"],
    "phone_prefix": "+233",
    "retention_days": 1825,
}
CENTRE_FACTS: dict[str, Any] = {"name": "Accra Centre", "city": "Accra", "address": "1 Ring Road", "languages": ["en"]}


def _admin_access(persona: Persona):
    return get_access(persona.user)


# --- Services -----------------------------------------------------------------------------------------


def test_administrator_sets_up_a_country_and_it_is_audited(admin_user: Persona) -> None:
    country = create_country(
        access=_admin_access(admin_user), actor=admin_user.user, code="gh", is_partner_country=True, **COUNTRY_FACTS
    )
    assert (country.code, country.timezone, country.languages, country.retention_days) == (
        "GH",
        "Africa/Accra",
        ["en"],
        1825,
    )
    assert_audited(
        PortalAudit.COUNTRY_CREATED,
        target=country,
        actor=admin_user.user,
        details={"timezone": "Africa/Accra", "retention_days": 1825},
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Africa/Atlantis"}, "time_zone"),
        ({"languages": []}, "languages"),
        ({"languages": ["en", "xx"]}, "languages"),
        ({"phone_prefix": "233"}, "phone_prefix"),
        ({"retention_days": 3}, "retention_days"),
        ({"code": "ZZ"}, "code"),
    ],
)
def test_a_country_with_a_wrong_setting_is_refused_on_that_field(admin_user: Persona, change, field) -> None:
    with pytest.raises(DomainError) as refused:
        create_country(
            access=_admin_access(admin_user), actor=admin_user.user, **{"code": "GH", **COUNTRY_FACTS, **change}
        )
    assert refused.value.field == field
    assert not Country.objects.exists() and audit_lines(PortalAudit.COUNTRY_CREATED) == []


def test_a_country_set_up_already_is_refused(admin_user: Persona, country_a) -> None:
    with pytest.raises(DomainError, match="set up already"):
        create_country(access=_admin_access(admin_user), actor=admin_user.user, code="GH", **COUNTRY_FACTS)


def test_only_administrators_set_up_countries_and_centres(manager: Persona, coordinator: Persona, country_a) -> None:
    for persona in (manager, coordinator):
        access = get_access(persona.user)
        with pytest.raises(NotAllowed):
            create_country(access=access, actor=persona.user, code="RS", **COUNTRY_FACTS)
        with pytest.raises(NotAllowed):
            update_country(
                access=access, actor=persona.user, country=country_a, is_partner_country=True, **COUNTRY_FACTS
            )
        with pytest.raises(NotAllowed):
            create_centre(access=access, actor=persona.user, country=country_a, code="NEW", **CENTRE_FACTS)
        centre = persona.centre or CentreFactory(country=country_a)
        with pytest.raises(NotAllowed):
            update_centre(
                access=access, actor=persona.user, centre=centre, country=country_a, code="NEW", **CENTRE_FACTS
            )
    assert not Country.objects.filter(code="RS").exists() and not Centre.objects.filter(code="NEW").exists()


def test_a_shorter_retention_period_is_audited_with_the_old_and_new_value(admin_user: Persona, country_a) -> None:
    facts = {**COUNTRY_FACTS, "retention_days": 365, "time_zone": country_a.timezone}
    update_country(
        access=_admin_access(admin_user), actor=admin_user.user, country=country_a, is_partner_country=True, **facts
    )
    country_a.refresh_from_db()
    assert country_a.retention_days == 365
    assert_audited(
        PortalAudit.COUNTRY_UPDATED,
        target=country_a,
        actor=admin_user.user,
        details={"changed": {"retention_days": [5 * 365, 365]}},
    )
    # The same settings again: nothing changes, nothing is written.
    update_country(
        access=_admin_access(admin_user), actor=admin_user.user, country=country_a, is_partner_country=True, **facts
    )
    assert len(audit_lines(PortalAudit.COUNTRY_UPDATED)) == 1


def test_administrator_opens_a_centre_with_an_upper_case_code_and_it_is_audited(admin_user: Persona, country_a) -> None:
    centre = create_centre(
        access=_admin_access(admin_user), actor=admin_user.user, country=country_a, code=" acc ", **CENTRE_FACTS
    )
    assert (centre.code, centre.slug, centre.is_active, centre.country_id) == ("ACC", "gh-acc", True, "GH")
    assert_audited(
        PortalAudit.CENTRE_CREATED, target=centre, centre=centre, actor=admin_user.user, details={"code": "ACC"}
    )


@pytest.mark.parametrize("code", ["aaa", "A", "TOOLONG", "A-B", "ÄÖÜ"])
def test_a_centre_code_taken_or_malformed_is_refused(admin_user: Persona, centre_a, code) -> None:
    with pytest.raises(DomainError) as refused:
        create_centre(
            access=_admin_access(admin_user), actor=admin_user.user, country=centre_a.country, code=code, **CENTRE_FACTS
        )
    assert refused.value.field == "code"
    assert Centre.objects.count() == 1 and audit_lines(PortalAudit.CENTRE_CREATED) == []


def _update(admin_user: Persona, centre: Centre, **change) -> Centre:
    values = {"country": centre.country, "code": centre.code, **CENTRE_FACTS, **change}
    return update_centre(access=_admin_access(admin_user), actor=admin_user.user, centre=centre, **values)


def test_a_centre_without_clients_may_change_its_code(admin_user: Persona, centre_a) -> None:
    _update(admin_user, centre_a, code="acr", is_active=False)
    centre_a.refresh_from_db()
    assert (centre_a.code, centre_a.is_active, centre_a.name) == ("ACR", False, "Accra Centre")
    assert_audited(
        PortalAudit.CENTRE_UPDATED,
        target=centre_a,
        centre=centre_a,
        actor=admin_user.user,
        details={"code": ["AAA", "ACR"], "is_active": [True, False]},
    )


@pytest.mark.parametrize("typed_from_paper", [False, True])
def test_a_centre_with_clients_keeps_its_country_and_code(
    admin_user: Persona, centre_a, country_b, typed_from_paper
) -> None:
    # A registered client moves the centre's counter; a code typed from a paper file does not.
    ClientFactory(centre=centre_a, code="GH-AAA-000007")
    if not typed_from_paper:
        Centre.objects.filter(pk=centre_a.pk).update(client_counter=7)
    with pytest.raises(DomainError, match="client codes") as refused:
        _update(admin_user, centre_a, code="ACR")
    assert refused.value.field == "code"
    with pytest.raises(DomainError, match="client codes") as refused:
        _update(admin_user, centre_a, country=country_b)
    assert refused.value.field == "country"
    centre_a.refresh_from_db()
    assert (centre_a.code, centre_a.country_id) == ("AAA", "GH")
    assert audit_lines(PortalAudit.CENTRE_UPDATED) == []
    _update(admin_user, centre_a, name="Accra Centre (new building)")  # everything else still changes
    centre_a.refresh_from_db()
    assert centre_a.name == "Accra Centre (new building)"
    assert_audited(PortalAudit.CENTRE_UPDATED, target=centre_a, details={"changed": ["name", "address"]})


# --- Screens --------------------------------------------------------------------------------------------

COUNTRY_LIST_QUERIES = 6  # session, user, memberships, second factor set up, countries, centres


def test_country_list_query_count_is_flat(client, admin_user: Persona, django_assert_num_queries) -> None:
    client.force_login(admin_user.user)
    client.get(reverse("portal:country-list"))  # warm the session
    codes = iter(["GH", "RS", "MA", "PK", "SN", "TN", "EG", "AL"])
    for countries, centres in ((1, 1), (7, 5)):
        for _ in range(countries):
            CentreFactory.create_batch(centres, country=CountryFactory(code=next(codes)))
        with django_assert_num_queries(COUNTRY_LIST_QUERIES):
            response = client.get(reverse("portal:country-list"))
        assert response.status_code == 200
    edit_links = re.findall(r'href="/en/staff/centres/[0-9a-f-]{36}/"', response.content.decode())
    assert len(edit_links) == Centre.objects.count() == 36


def test_bad_centre_input_gets_a_translated_error_and_keeps_what_was_typed(client, admin_user: Persona, centre_a):
    client.force_login(admin_user.user)
    form = {"country": "GH", "code": "aaa", "name": "Kumasi Centre", "city": "Kumasi", "is_active": "on"}
    response = client.post("/fr/staff/centres/new/", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Un autre centre utilise déjà ce code." in html
    assert 'value="Kumasi Centre"' in html and 'value="Kumasi"' in html
    assert Centre.objects.count() == 1


def test_a_centre_with_clients_refuses_a_new_code_on_the_screen(client, admin_user: Persona, centre_a) -> None:
    ClientFactory(centre=centre_a, code="GH-AAA-000001")
    client.force_login(admin_user.user)
    url = reverse("portal:centre-update", kwargs={"public_id": centre_a.public_id})
    form = {"country": "GH", "code": "NEW", "name": "Centre A", "city": "Accra", "is_active": "on"}
    response = client.post(url, form)
    assert response.status_code == 200
    assert "cannot change once the centre has clients" in response.content.decode()
    centre_a.refresh_from_db()
    assert centre_a.code == "AAA"


def test_the_screens_work_in_arabic_with_data_isolated(client, admin_user: Persona, centre_a) -> None:
    client.force_login(admin_user.user)
    html = client.get("/ar/staff/countries/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "<bdi>Centre A</bdi>" in html and '<bdi dir="ltr">AAA</bdi>' in html
    assert '<bdi dir="ltr">Africa/Accra</bdi>' in html
    for url in ("/ar/staff/countries/new/", f"/ar/staff/countries/{centre_a.country_id}/", "/ar/staff/centres/new/"):
        assert client.get(url).status_code == 200, url


def test_administrators_find_the_screens_in_the_navigation_and_on_their_home(client, admin_user, manager) -> None:
    for persona, shown in ((admin_user, True), (manager, False)):
        client.force_login(persona.user)
        html = client.get(reverse("portal:staff-home")).content.decode()
        assert (html.count(f'href="{reverse("portal:country-list")}"') == 2) is shown  # the menu and the home


# --- First run ------------------------------------------------------------------------------------------


def _setup(django_capture_on_commit_callbacks, **options) -> str:
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("setup", stdout=out, **options)
    return out.getvalue()


def _post(browser: Client, url: str, data: dict) -> str:
    """POST a form; the address it sends the browser to (a form shown again fails with its errors)."""
    response = browser.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    return response["Location"]


def test_first_run_from_setup_to_a_centre_with_its_manager_invited(django_capture_on_commit_callbacks) -> None:
    output = _setup(django_capture_on_commit_callbacks, email=ADDRESS, name="Ada Admin")
    link = re.search(re.escape(settings.SITE_URL) + r"(/en/invitation/\S+/)", output).group(1)
    assert f"{settings.SITE_URL}/en/staff/countries/" in output  # the next steps name the new screen
    [invitation_mail] = mail.outbox
    assert invitation_mail.to == [ADDRESS]

    browser = Client()
    assert browser.get(link).status_code == 200
    assert _post(browser, link, {"password1": PASSWORD, "password2": PASSWORD}) == reverse("portal:staff-home")
    assert browser.get(reverse("portal:staff-home"))["Location"] == reverse("mfa_activate_totp")
    _post(browser, reverse("account_reauthenticate"), {"password": PASSWORD})
    assert browser.get(reverse("mfa_activate_totp")).status_code == 200
    secret = browser.session[SECRET_SESSION_KEY]
    activated_in = int(time.time()) // mfa_settings.TOTP_PERIOD
    with django_capture_on_commit_callbacks(execute=True):
        _post(browser, reverse("mfa_activate_totp"), {"code": current_totp(secret)})

    # Signed in again later: e-mail, password, code; the administrator (no centre) lands on the staff area.
    browser.logout()
    _post(browser, reverse("account_login"), {"login": ADDRESS, "password": PASSWORD})
    steps_back = 1 if int(time.time()) // mfa_settings.TOTP_PERIOD == activated_in else 0  # not the same code twice
    assert _post(browser, reverse("mfa_authenticate"), {"code": current_totp(secret, steps_back=steps_back)}) == (
        reverse("portal:staff-home")
    )
    home = browser.get(reverse("portal:staff-home"))
    assert home.status_code == 200 and reverse("portal:country-list") in home.content.decode()

    country = {"code": "GH", "is_partner_country": "on", "languages": ["en", "fr"], "phone_prefix": "+233"}
    country |= {"time_zone": "Africa/Accra", "retention_days": "1825"}
    assert _post(browser, reverse("portal:country-create"), country) == reverse("portal:country-list")
    centre = {"country": "GH", "code": "acc", "name": "Accra Centre", "city": "Accra", "is_active": "on"}
    assert _post(browser, reverse("portal:centre-create"), centre) == reverse("portal:country-list")
    listing = browser.get(reverse("portal:country-list")).content.decode()
    assert "Ghana" in listing and "<bdi>Accra Centre</bdi>" in listing

    accra = Centre.objects.get(code="ACC")
    manager: dict[str, Any] = {"full_name": "Kofi Manager", "email": "kofi@example.org", "role": Role.CENTRE_MANAGER}
    manager |= {"centre": accra.pk, "language": "en"}
    assert browser.get(reverse("portal:staff-invite")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(browser, reverse("portal:staff-invite"), manager) == reverse("portal:staff-list")
    with unscoped():
        invited = Membership.objects.get(role=Role.CENTRE_MANAGER)
    assert (invited.centre_id, invited.is_active) == (accra.pk, False)
    assert StaffInvitation.objects.get(membership=invited).email == "kofi@example.org"
    assert mail.outbox[-1].to == ["kofi@example.org"]
    assert_audited(PortalAudit.COUNTRY_CREATED, target=Country.objects.get(code="GH"))
    assert_audited(PortalAudit.CENTRE_CREATED, target=accra)


def test_setup_stops_before_anything_when_migrations_are_missing(django_capture_on_commit_callbacks, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("portal", "0099_new")])
    with pytest.raises(CommandError, match=r"manage\.py migrate"):
        _setup(django_capture_on_commit_callbacks, email=ADDRESS, name="Ada Admin")
    assert not StaffInvitation.objects.exists() and mail.outbox == []


def test_setup_again_changes_nothing_and_prints_the_next_steps(django_capture_on_commit_callbacks) -> None:
    with pytest.raises(CommandError, match="No administrator yet"):
        _setup(django_capture_on_commit_callbacks)
    with pytest.raises(CommandError, match="both"):
        _setup(django_capture_on_commit_callbacks, email=ADDRESS)
    _setup(django_capture_on_commit_callbacks, email=ADDRESS, name="Ada Admin")
    with unscoped():
        Membership.objects.filter(role=Role.ADMIN).update(is_active=True)
    again = _setup(django_capture_on_commit_callbacks)
    assert "An administrator exists already" in again and "/en/staff/countries/" in again
    assert StaffInvitation.objects.count() == 1 and len(mail.outbox) == 1
