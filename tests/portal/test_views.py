"""Public pages in every language, the health check, the staff home and the team list."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from portal.access import Role
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

RTL = {"ar", "ur"}


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_home_answers_in_every_language_with_lang_and_dir(client, db, code: str) -> None:
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if code in RTL else "ltr"
    assert re.search(rf'<html lang="{code}" dir="{direction}">', html)


def test_bare_root_redirects_to_a_language(client, db) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert re.match(r"^/(en|de|fr|ar|sq|sr-latn|ur|id)/$", response["Location"])


def test_healthz_reports_every_part_ok(client, db) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["status"] == "ok"


def test_healthz_names_the_broken_broker_with_503(client, db, monkeypatch) -> None:
    from portal.celery import app

    for key in ("broker_url", "broker_write_url"):
        monkeypatch.setitem(app.conf, key, "redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["broker"].startswith("error")
    assert body["database"] == "ok"


def test_anonymous_is_sent_to_login_from_staff_home(client, db) -> None:
    response = client.get("/en/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_returnee_is_sent_to_own_page_from_staff_home(client, returnee) -> None:
    client.force_login(returnee.user)
    response = client.get("/en/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/en/my/"


def test_partner_is_sent_on_to_the_referral_inbox(client, partner) -> None:
    client.force_login(partner.user)
    response = client.get("/en/staff/")
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:partner-inbox")


@pytest.mark.parametrize("role", ["counsellor", "programme_analyst", "editor", "country_coordinator"])
def test_staff_home_shows_the_members_own_roles(client, persona_for, role: str) -> None:
    persona = persona_for(role)
    client.force_login(persona.user)
    response = client.get("/en/staff/")
    assert response.status_code == 200
    assert str(persona.membership.get_role_display()) in response.content.decode()


def test_staff_without_totp_is_sent_to_set_it_up(client, centre_a) -> None:
    user = UserFactory()
    MembershipFactory(user=user, role=Role.COUNSELLOR, centre=centre_a)
    response = client.post("/en/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    for url in ("/en/staff/", "/en/me/", "/ar/staff/team/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/2fa/totp/activate/" in response["Location"]
    # Setting it up stays reachable (allauth asks for the password once more first).
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    response = client.post(response.redirect_chain[-1][0], {"password": TEST_PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == reverse("mfa_activate_totp")
    assert response.status_code == 200


def test_returnee_needs_no_second_factor(client, returnee) -> None:
    client.force_login(returnee.user)
    assert client.get("/en/me/").status_code == 200


def test_returnee_sets_preferred_language(client, returnee) -> None:
    client.force_login(returnee.user)
    response = client.post("/en/me/", {"language": "ar"})
    assert response.status_code == 302
    returnee.user.refresh_from_db()
    assert returnee.user.preferred_language == "ar"


def test_unknown_language_preference_is_refused_and_nothing_changes(client, returnee) -> None:
    client.force_login(returnee.user)
    response = client.post("/ar/me/", {"language": "xx"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    returnee.user.refresh_from_db()
    assert returnee.user.preferred_language == "en"


def _members(centre, count: int) -> None:
    for _ in range(count):
        MembershipFactory(user=UserFactory(), role=Role.COUNSELLOR, centre=centre)


TEAM_LIST_QUERIES = 6


def test_team_list_query_count_is_flat(client, manager, centre_a, django_assert_num_queries) -> None:
    client.force_login(manager.user)
    client.get("/en/staff/team/")  # warm the session
    for extra in (1, 30):
        _members(centre_a, extra)
        with django_assert_num_queries(TEAM_LIST_QUERIES):  # a count that does not grow with rows
            response = client.get("/en/staff/team/")
        assert response.status_code == 200


def test_team_list_shows_own_centre_only(client, manager, outsider, centre_a) -> None:
    client.force_login(manager.user)
    html = client.get("/en/staff/team/").content.decode()
    assert manager.user.email in html
    assert outsider.user.email not in html


def test_staff_list_page_weighs_under_100_kb(client, manager, centre_a) -> None:
    from django.contrib.staticfiles import finders

    _members(centre_a, 50)
    client.force_login(manager.user)
    html = client.get("/en/staff/team/").content
    css = Path(finders.find("portal/site.css")).read_bytes()
    assert len(html) + len(css) < 100_000, len(html) + len(css)


@pytest.mark.parametrize("url", ["/cms-admin/login/", "/django-admin/login/"])
def test_admin_logins_go_through_the_portal_login_with_mfa(client, db, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_wagtail_admin_sends_anonymous_users_to_the_portal_login(client, db) -> None:
    response = client.get("/cms-admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


AUDIT_QUERIES = 6


def test_manager_finds_who_opened_a_clients_case(
    client, manager, counsellor, outsider, django_assert_num_queries
) -> None:
    from tests.factories import CaseFactory, ClientFactory

    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    other = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    for viewer in (counsellor, manager):
        client.force_login(viewer.user)
        client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id}))
    client.get(reverse("counselling:case-detail", kwargs={"public_id": other.public_id}))
    client.force_login(manager.user)
    response = client.get(reverse("portal:audit-log"), {"client_code": case.client.code})
    html = response.content.decode()
    assert html.count("<code>counselling.case.viewed</code>") == 2  # one per line (the search offers it too)
    assert str(other.public_id) not in html
    with django_assert_num_queries(AUDIT_QUERIES):
        client.get(reverse("portal:audit-log"), {"action": "counselling"})
    for _ in range(20):
        client.get(reverse("counselling:case-detail", kwargs={"public_id": other.public_id}))
    with django_assert_num_queries(AUDIT_QUERIES):
        client.get(reverse("portal:audit-log"), {"action": "counselling"})


def test_manager_of_another_centre_sees_none_of_it(client, counsellor, outsider_manager) -> None:
    from tests.factories import CaseFactory, ClientFactory

    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    client.force_login(counsellor.user)
    client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id}))
    client.force_login(outsider_manager.user)
    html = client.get(reverse("portal:audit-log"), {"client_code": case.client.code}).content.decode()
    assert "<code>counselling.case.viewed</code>" not in html  # no line (the search offers the code)


def test_strict_csp_with_nonce_everywhere_but_the_wagtail_admin(client, editor) -> None:
    from cms.services import sync_editor_group

    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    sync_editor_group(user=editor.user)  # editors reach the Wagtail admin (administrators are no superusers)
    client.force_login(editor.user)
    wagtail_home = client.get("/cms-admin/")
    assert wagtail_home.status_code == 200
    policy = wagtail_home.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" in policy  # Wagtail's own inline date pickers; staff with MFA only
    assert "frame-ancestors 'none'" in policy
