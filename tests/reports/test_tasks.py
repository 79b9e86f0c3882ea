"""The reports' background work: the task names from before the reports were an app still run, and an
accepted transfer queues one rebuild of the case's roll-ups through the outbox."""

from __future__ import annotations

import datetime as dt
import inspect

from django.utils import timezone

from counselling.models import Transfer
from counselling.services import decide_transfer, request_transfer
from counselling.signals import case_transferred
from portal import outbox
from portal.access import get_access
from portal.celery import app
from portal.models import OutboxMessage
from tests.factories import CaseFactory, ClientFactory

TASKS = (
    "rebuild_rollups_task",
    "rebuild_and_check_rollups_task",
    "build_report_task",
    "build_monthly_reports_task",
    "send_report_notices_task",
)


def test_every_task_keeps_its_old_name() -> None:
    for name in TASKS:
        new, old = app.tasks[f"reports.tasks.{name}"], app.tasks[f"portal.reports.tasks.{name}"]
        assert inspect.unwrap(old.run) is inspect.unwrap(new.run)
        for option in ("acks_late", "max_retries", "autoretry_for", "retry_backoff"):
            assert getattr(old, option, None) == getattr(new, option, None)


def test_an_outbox_row_with_the_old_name_still_runs(db, django_capture_on_commit_callbacks, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr("reports.tasks.rebuild_rollups", lambda **kwargs: calls.append(kwargs) or 0)
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.enqueue(
            "portal.reports.tasks.rebuild_rollups_task", kwargs={"start": "2026-03-01", "end": "2026-03-31"}
        )
    assert calls == [{"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}]
    message.refresh_from_db()
    assert message.completed_at is not None


def test_an_accepted_transfer_queues_one_rebuild_of_the_cases_history(
    counsellor, outsider_manager, centre_b, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre), opened_on=dt.date(2025, 6, 1))
    transfer = request_transfer(
        access=get_access(counsellor.user), actor=counsellor.user, case=case, to_centre=centre_b, reason="Moved"
    )
    calls = []
    monkeypatch.setattr("reports.tasks.rebuild_rollups", lambda **kwargs: calls.append(kwargs) or 0)
    with django_capture_on_commit_callbacks(execute=True):
        decide_transfer(
            access=get_access(outsider_manager.user), actor=outsider_manager.user, transfer=transfer, accept=True
        )
    today = timezone.localdate()
    message = OutboxMessage.objects.get(task="reports.tasks.rebuild_rollups_task")
    assert message.kwargs == {"start": "2025-06-01", "end": today.isoformat()}
    assert calls == [{"start": dt.date(2025, 6, 1), "end": today}]
    with django_capture_on_commit_callbacks(execute=True):  # the same transfer announced again: nothing new
        case_transferred.send(sender=Transfer, transfer=transfer, opened_on=dt.date(2025, 6, 1), end=today)
    assert OutboxMessage.objects.filter(task="reports.tasks.rebuild_rollups_task").count() == 1
    assert len(calls) == 1


def test_a_declined_transfer_queues_nothing(
    counsellor, outsider_manager, centre_b, django_capture_on_commit_callbacks
) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    transfer = request_transfer(
        access=get_access(counsellor.user), actor=counsellor.user, case=case, to_centre=centre_b, reason="Moved"
    )
    with django_capture_on_commit_callbacks(execute=True):
        decide_transfer(
            access=get_access(outsider_manager.user), actor=outsider_manager.user, transfer=transfer, accept=False
        )
    assert not OutboxMessage.objects.filter(task="reports.tasks.rebuild_rollups_task").exists()
