"""(c) the database connection drops between requests; (d) two counsellors edit the same case at once;
(e) the same form sent twice. Real PostgreSQL, real requests through Django's handler."""

from __future__ import annotations

import io
import json

import psycopg2
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from counselling import services
from counselling.models import CaseFile, Client, PlanGoal, Session
from portal.access import get_access, unscoped
from tests.factories import CaseFactory, ClientFactory


def _wsgi_get(path: str) -> tuple[str, bytes]:
    """A request through the real WSGI handler: request_started/finished close or check connections as in production."""
    environ = RequestFactory().get(path).environ
    environ["wsgi.input"] = io.BytesIO(b"")
    status: list[str] = []
    body = b"".join(WSGIHandler()(environ, lambda s, _headers, *_a: status.append(s)))
    return status[0], body


def _terminate_backend(pid: int) -> None:
    settings = connection.settings_dict
    other = psycopg2.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone()[0] is True
    finally:
        other.close()


def test_connection_killed_between_requests_next_request_recovers(transactional_db, settings) -> None:
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0  # persistent connections: the case that can go stale
    status, _body = _wsgi_get("/healthz")
    assert status.startswith("200")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    _terminate_backend(pid)  # the server restarts, a proxy drops idle connections, a failover happens

    status, body = _wsgi_get("/healthz")
    assert status.startswith("200"), body
    assert json.loads(body)["database"] == "ok"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid  # a new connection


# --- (d) optimistic locking ------------------------------------------------------------------------
# The case status form carries the version it was shown with: see also
# tests/counselling/test_services_cases.py (stale version refused) and test_views.py (the message shown).


def test_two_counsellors_change_the_same_case_the_second_is_told(client, counsellor, centre_a) -> None:
    from tests.conftest import _member

    colleague = _member("counsellor", centre=centre_a)
    case = CaseFactory(client=ClientFactory(centre=centre_a), counsellor=counsellor.user)
    url = reverse("counselling:case-status", kwargs={"public_id": case.public_id})
    shown = case.version  # both opened the form at this version
    client.force_login(counsellor.user)
    assert client.post(url, {"status": "on_hold", "version": shown}).status_code == 302
    client.force_login(colleague.user)
    response = client.post(url, {"status": "closed", "closure_reason": "other", "version": shown})
    assert response.status_code == 200
    assert "Someone else changed this case" in response.content.decode()
    with unscoped():
        assert CaseFile.objects.get(pk=case.pk).status == "on_hold", "the first change is kept"


def test_a_plan_change_raises_the_case_version_so_a_stale_status_form_is_refused(counsellor) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre), counsellor=counsellor.user)
    access = get_access(counsellor.user)
    shown = case.version
    services.add_goal(access=access, actor=counsellor.user, case=case, title="Find a training")
    with pytest.raises(services.StaleVersion):
        services.change_case_status(
            access=access, actor=counsellor.user, case=case, status="on_hold", expected_version=shown
        )
    with unscoped():
        assert PlanGoal.objects.filter(case=case).count() == 1


# --- (e) the same form sent twice ------------------------------------------------------------------


def test_session_form_sent_twice_logs_one_session(client, counsellor) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre), counsellor=counsellor.user)
    client.force_login(counsellor.user)
    url = reverse("counselling:session-create", kwargs={"public_id": case.public_id})
    data = {
        "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "30",
        "mode": "phone",
        "kind": "individual",
        "topics": ["housing"],
        "summary": "Sent twice",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    with unscoped():
        assert Session.objects.filter(case=case).count() == 1
    # A genuinely different session the same minute is still logged.
    assert client.post(url, {**data, "summary": "Another one"}).status_code == 302
    with unscoped():
        assert Session.objects.filter(case=case).count() == 2


def test_intake_confirmed_twice_registers_one_client(client, counsellor) -> None:
    client.force_login(counsellor.user)
    url = reverse("counselling:client-create")
    data = {
        "given_name": "Ama",
        "family_name": "Mensah",
        "sex": "female",
        "birth_year": "1994",
        "phone": "+233 24 123 4567",
        "target_group": "returnee_de",
        "preferred_channel": "phone",
        "consent_method": "signed",
        "confirm_new": "on",
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert second.status_code == 302
    assert first["Location"] == second["Location"]
    with unscoped():
        assert Client.objects.filter(given_name="Ama", family_name="Mensah").count() == 1
