"""The nightly check: roll-ups compared with the raw tables, mismatches named exactly, recorded and e-mailed."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core import mail

from reports.models import DailyCount, PersonDay
from reports.services import check_rollups, checks, rebuild_and_check_rollups, rebuild_rollups
from reports.tasks import rebuild_and_check_rollups_task
from tests.audit import assert_audited
from tests.factories import CentreFactory, CountryFactory
from tests.reports.builders import random_data

ORIGIN = dt.date(2026, 1, 1)
WINDOW = (ORIGIN, ORIGIN + dt.timedelta(days=120))


@pytest.fixture
def random_rollups(db) -> None:
    centres = [CentreFactory(country=CountryFactory(code="GH")), CentreFactory(country=CountryFactory(code="RS"))]
    random_data(centres, seed=11, start=ORIGIN, days=90)


def test_check_passes_on_random_data(random_rollups, admin_user) -> None:
    result = rebuild_and_check_rollups(start=WINDOW[0], end=WINDOW[1])
    assert result["ok"] is True and result["mismatch_count"] == 0 and result["mismatches"] == []
    assert result["rows"] > 100  # the random data really filled the roll-ups
    [event] = assert_audited("reports.rollup.checked", actor=False, details={"ok": True})
    assert event.details["start"] == "2026-01-01" and event.details["end"] == "2026-05-01"
    assert event.details["started_at"] <= event.details["finished_at"]
    assert mail.outbox == []


def test_a_corrupted_count_is_reported_exactly(random_rollups) -> None:
    rebuild_rollups(start=WINDOW[0], end=WINDOW[1])
    row = DailyCount.objects.filter(indicator="new_cases", dimension="sex").order_by("pk").first()
    DailyCount.objects.filter(pk=row.pk).update(count=row.count + 3)
    result = check_rollups(start=WINDOW[0], end=WINDOW[1])
    assert result["ok"] is False
    assert result["mismatches"] == [
        {
            "table": "count",
            "centre": row.centre_id,
            "day": row.day.isoformat(),
            "indicator": "new_cases",
            "dimension": "sex",
            "value": row.value,
            "expected": row.count,
            "stored": row.count + 3,
        }
    ]
    assert result["mismatch_count"] == 1


def test_a_missing_row_and_a_wrong_person_are_reported(random_rollups) -> None:
    rebuild_rollups(start=WINDOW[0], end=WINDOW[1])
    gone = DailyCount.objects.filter(indicator="sessions_held").order_by("pk").first()
    gone.delete()
    person = PersonDay.objects.order_by("pk").first()
    PersonDay.objects.filter(pk=person.pk).update(age_band="50_plus" if person.age_band != "50_plus" else "18_24")
    result = check_rollups(start=WINDOW[0], end=WINDOW[1])
    assert result["mismatch_count"] == 2
    kinds = {m["table"]: m for m in result["mismatches"]}
    assert kinds["count"]["indicator"] == "sessions_held" and kinds["count"]["stored"] == 0
    assert kinds["count"]["expected"] == gone.count
    assert kinds["person"]["client"] == person.client_key
    assert kinds["person"]["expected"][1] == person.age_band


def test_check_outside_the_rebuilt_window_ignores_other_days(random_rollups) -> None:
    rebuild_rollups(start=WINDOW[0], end=WINDOW[1])
    outside = DailyCount.objects.order_by("-day").first()
    DailyCount.objects.filter(pk=outside.pk).update(count=outside.count + 1)
    assert check_rollups(start=WINDOW[0], end=outside.day - dt.timedelta(days=1))["ok"] is True


def test_a_mismatch_is_recorded_logged_and_mailed_to_the_admins(
    random_rollups, admin_user, analyst, monkeypatch, caplog, django_capture_on_commit_callbacks
) -> None:
    """A storage fault after the rebuild (simulated) fails the nightly check: audit, error log, admin e-mail."""
    original = checks.rebuild_rollups

    def faulty_rebuild(**kwargs):
        written = original(**kwargs)
        DailyCount.objects.filter(pk=DailyCount.objects.order_by("pk").values("pk")[:1]).update(count=999)
        return written

    monkeypatch.setattr(checks, "rebuild_rollups", faulty_rebuild)
    with caplog.at_level(logging.ERROR, logger="reports.services.checks"):
        with django_capture_on_commit_callbacks(execute=True):
            result = rebuild_and_check_rollups(start=WINDOW[0], end=WINDOW[1])
    assert result["ok"] is False and result["mismatch_count"] == 1
    assert result["mismatches"][0]["stored"] == 999
    assert "1 mismatches" in caplog.text
    [event] = assert_audited("reports.rollup.checked", details={"ok": False})
    assert event.details["mismatches"] == result["mismatches"]
    assert [m.to for m in mail.outbox] == [[admin_user.user.email]]  # the admins, not the analyst
    assert "2026-01-01" in mail.outbox[0].subject
    assert "999" in mail.outbox[0].body


def test_nightly_check_is_idempotent(random_rollups) -> None:
    first = rebuild_and_check_rollups(start=WINDOW[0], end=WINDOW[1])
    rows = sorted(DailyCount.objects.values_list("centre_id", "day", "indicator", "dimension", "value", "count"))
    second = rebuild_and_check_rollups(start=WINDOW[0], end=WINDOW[1])
    assert rows == sorted(
        DailyCount.objects.values_list("centre_id", "day", "indicator", "dimension", "value", "count")
    )
    same = ("ok", "rows", "written", "mismatch_count", "mismatches", "start", "end")
    assert {k: first[k] for k in same} == {k: second[k] for k in same}
    assert [e.details["ok"] for e in assert_audited("reports.rollup.checked", count=2)] == [True, True]


def test_nightly_task_rebuilds_and_checks_the_recent_days(db, centre_a, admin_user) -> None:
    from tests.factories import CaseFactory, ClientFactory, SessionFactory, UserFactory

    SessionFactory(case=CaseFactory(client=ClientFactory(centre=centre_a)), counsellor=UserFactory())
    assert rebuild_and_check_rollups_task.delay().get() is True
    assert DailyCount.objects.filter(indicator="sessions_held").exists()
    assert assert_audited("reports.rollup.checked", count=None)[-1].details["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_nightly_check_outside_a_transaction_takes_one_snapshot(centre_a) -> None:
    """As a worker runs it: its own transaction (REPEATABLE READ) under the session lock, released after."""
    from django.db import connection

    from tests.factories import CaseFactory, ClientFactory, SessionFactory, UserFactory

    SessionFactory(case=CaseFactory(client=ClientFactory(centre=centre_a)), counsellor=UserFactory())
    from django.utils import timezone

    today = timezone.localdate()
    assert rebuild_and_check_rollups(start=today - dt.timedelta(days=3), end=today)["ok"] is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        assert cursor.fetchone()[0] == 0
