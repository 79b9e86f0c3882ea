"""Signed-in sessions are refreshed once a minute, not written on every request (portal.middleware)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import middleware

pytestmark = pytest.mark.django_db

HOME = "/en/staff/"


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]


def _session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_the_first_request_records_the_session_and_the_next_ones_write_nothing(client, counsellor) -> None:
    client.force_login(counsellor.user)
    client.get(HOME)
    seen = UserSession.objects.get(user=counsellor.user)
    expiry = _session_row(client).expire_date

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(HOME)

    assert response.status_code == 200
    assert _writes(ctx.captured_queries) == []
    assert UserSession.objects.get(pk=seen.pk).last_seen_at == seen.last_seen_at
    assert _session_row(client).expire_date == expiry


def test_a_minute_later_the_expiry_and_last_seen_move_on(client, counsellor, monkeypatch) -> None:
    client.force_login(counsellor.user)
    client.get(HOME)
    seen = UserSession.objects.get(user=counsellor.user)
    expiry = _session_row(client).expire_date

    real_time = middleware.time.time
    monkeypatch.setattr(middleware.time, "time", lambda: real_time() + middleware.SESSION_TOUCH_SECONDS + 1)
    client.get(HOME)

    assert UserSession.objects.get(pk=seen.pk).last_seen_at > seen.last_seen_at
    assert _session_row(client).expire_date > expiry


def test_a_new_address_is_recorded_at_once(client, counsellor) -> None:
    client.force_login(counsellor.user)
    client.get(HOME, REMOTE_ADDR="10.0.0.1")
    client.get(HOME, REMOTE_ADDR="10.0.0.2")

    assert UserSession.objects.get(user=counsellor.user).ip == "10.0.0.2"


def test_an_idle_session_still_ends(client, counsellor) -> None:
    client.force_login(counsellor.user)
    client.get(HOME)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=_session_row(client).expire_date - timedelta(minutes=31)
    )

    response = client.get(HOME)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
