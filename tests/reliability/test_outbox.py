"""The outbox, the heartbeat and the task settings: fast tests with tasks run inline (eager)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from portal import outbox
from portal.models import OutboxMessage, WorkerHeartbeat
from portal.tasks import dispatch_outbox_task, heartbeat_task

NOTICE = "counselling.tasks.send_session_notice_task"


@pytest.fixture
def session_of_colleague(counsellor, centre_a):
    from tests.conftest import _member
    from tests.factories import CaseFactory, ClientFactory, SessionFactory

    holder = _member("counsellor", centre=centre_a)
    case = CaseFactory(client=ClientFactory(centre=centre_a), counsellor=holder.user)
    return SessionFactory(case=case, counsellor=counsellor.user), holder


def test_enqueue_is_part_of_the_transaction(db, django_capture_on_commit_callbacks, session_of_colleague) -> None:
    session, _holder = session_of_colleague
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.enqueue(NOTICE, kwargs={"session_id": session.pk}, key="rolled-back")
            raise RuntimeError("the business change failed")
    # (the fixture's session asked for today's roll-ups to be rebuilt: reports/live.py; that row is not ours)
    assert not OutboxMessage.objects.filter(task=NOTICE).exists()
    assert mail.outbox == []


def test_enqueue_dispatches_after_commit_once_per_key(db, django_capture_on_commit_callbacks, session_of_colleague):
    session, holder = session_of_colleague
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = outbox.enqueue(NOTICE, kwargs={"session_id": session.pk}, key="k1")
        second = outbox.enqueue(NOTICE, kwargs={"session_id": session.pk}, key="k1")
    assert first.pk == second.pk
    assert len(callbacks) == 1
    message = OutboxMessage.objects.get(task=NOTICE)
    assert message.dispatched_at is not None and message.completed_at is not None  # eager: run and marked
    assert message.attempts == 1 and message.last_error == ""
    assert [m.to for m in mail.outbox] == [[holder.user.email]]


def test_a_second_delivery_of_the_same_message_does_nothing(db, session_of_colleague) -> None:
    from counselling.tasks import send_session_notice_task

    session, _holder = session_of_colleague
    message = OutboxMessage.objects.create(key="once", task=NOTICE, kwargs={"session_id": session.pk})
    for _ in range(3):
        send_session_notice_task.apply_async(kwargs=message.kwargs, headers={outbox.HEADER: message.pk})
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.completed_at is not None


def test_dispatch_pending_sends_what_is_due_and_only_that(db, session_of_colleague) -> None:
    session, _holder = session_of_colleague
    now = timezone.now()
    kwargs = {"session_id": session.pk}
    never = OutboxMessage.objects.create(
        key="never", task=NOTICE, kwargs=kwargs, created_at=now - dt.timedelta(minutes=5)
    )
    fresh = OutboxMessage.objects.create(key="fresh", task=NOTICE, kwargs=kwargs)  # its own after-commit dispatch runs
    stale = OutboxMessage.objects.create(
        key="stale", task=NOTICE, kwargs=kwargs, dispatched_at=now - dt.timedelta(hours=1), attempts=1
    )
    recent = OutboxMessage.objects.create(key="recent", task=NOTICE, kwargs=kwargs, dispatched_at=now, attempts=1)
    done = OutboxMessage.objects.create(
        key="done", task=NOTICE, kwargs=kwargs, dispatched_at=now - dt.timedelta(hours=1), completed_at=now
    )
    given_up = OutboxMessage.objects.create(key="given-up", task=NOTICE, kwargs=kwargs, attempts=outbox.MAX_ATTEMPTS)
    old = OutboxMessage.objects.create(
        key="old", task=NOTICE, kwargs=kwargs, completed_at=now - outbox.KEEP_COMPLETED - dt.timedelta(days=1)
    )
    assert dispatch_outbox_task() == 2
    for sent in (never, stale):
        sent.refresh_from_db()
        assert sent.completed_at is not None
    for untouched in (fresh, recent, given_up, done):
        attempts = untouched.attempts
        untouched.refresh_from_db()
        assert untouched.attempts == attempts
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


def test_a_failed_dispatch_keeps_the_row_with_its_error(db, monkeypatch, session_of_colleague) -> None:
    from kombu.exceptions import OperationalError

    from counselling.tasks import send_session_notice_task

    session, _holder = session_of_colleague

    def broker_down(*_args, **_kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(send_session_notice_task, "apply_async", broker_down)
    message = OutboxMessage.objects.create(key="down", task=NOTICE, kwargs={"session_id": session.pk})
    assert outbox.dispatch(message.pk) is False
    message.refresh_from_db()
    assert message.dispatched_at is None and message.attempts == 1
    assert "Connection refused" in message.last_error


def test_heartbeat_and_healthz_worker_status(client, db, monkeypatch) -> None:
    from portal.celery import app

    assert json.loads(client.get("/healthz").content)["worker"] == "inline"  # eager: no worker needed
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["worker"] == "stale: default, email, reports"
    for queue in settings.HEARTBEAT_QUEUES:
        heartbeat_task.apply(kwargs={"queue": queue})
    body = json.loads(client.get("/healthz").content)
    assert (body["worker"], body["status"]) == ("ok", "ok")
    WorkerHeartbeat.objects.filter(queue="reports").update(
        seen_at=timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_AFTER_SECONDS + 1)
    )
    body = json.loads(client.get("/healthz").content)
    assert (body["worker"], body["status"]) == ("stale: reports", "degraded")


def test_beat_and_task_settings() -> None:
    from portal.celery import app

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["dispatch-outbox"]["schedule"] <= 60
    for queue in ("default", "email", "reports"):
        entry = schedule[f"heartbeat-{queue}"]
        assert 30 <= entry["schedule"] <= 60 and entry["options"]["queue"] == queue
        assert entry["options"]["expires"] < settings.WORKER_STALE_AFTER_SECONDS
    for name in ("reports.tasks.build_report_task", "portal.reports.tasks.build_report_task"):  # and its old name
        build = app.tasks[name]
        assert build.soft_time_limit < build.time_limit <= 600
        assert build.acks_late is True and app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_serializer == "json" and app.conf.accept_content == ["json"]
    for name in ("counselling.tasks.send_session_notice_task", "referrals.tasks.send_referral_to_partner_task"):
        __import__(name.rpartition(".")[0])
        task = app.tasks[name]
        assert OSError in task.autoretry_for and task.retry_backoff
