"""Faults of the background machinery, against real PostgreSQL and a private Redis broker.

(a) the broker is down while a counsellor logs a session; (b) a worker is SIGKILLed in the middle of a
PDF build. Nothing saved is lost, nothing is done twice.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from counselling.models import Session
from portal.access import Role, get_access, unscoped
from portal.models import OutboxMessage
from portal.outbox import dispatch, dispatch_pending
from tests.conftest import _member, wait_for
from tests.factories import CaseFactory, ClientFactory

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent


def _log_session(client, case, summary: str):
    url = reverse("counselling:session-create", kwargs={"public_id": case.public_id})
    return client.post(
        url,
        {
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "45",
            "mode": "phone",
            "kind": "individual",
            "topics": ["housing"],
            "summary": summary,
        },
    )


def test_broker_down_session_saved_and_notice_sent_once_when_it_is_back(client, redis_broker, counsellor) -> None:
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    holder = _member(Role.COUNSELLOR, centre=counsellor.centre)  # the case's own counsellor gets the notice
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre), counsellor=holder.user)
    redis_broker.stop()  # the broker goes away

    client.force_login(counsellor.user)
    started = timezone.now()
    response = _log_session(client, case, "Saved while the broker was down")
    assert response.status_code == 302, "the counsellor's work is saved and the page answers"
    assert timezone.now() - started < dt.timedelta(seconds=10), "the request does not hang on the broker"
    with unscoped():
        assert Session.objects.filter(case=case, summary="Saved while the broker was down").count() == 1
    message = OutboxMessage.objects.get(task="counselling.tasks.send_session_notice_task")
    assert message.dispatched_at is None and message.completed_at is None
    assert message.attempts == 1 and message.last_error
    health = client.get("/healthz")
    assert health.status_code == 503 and json.loads(health.content)["broker"].startswith("error")
    assert dispatch_pending(grace=dt.timedelta(0)) == 0, "still down: the row stays"

    redis_broker.start()  # the broker is back (same port, empty)
    assert dispatch_pending(grace=dt.timedelta(0)) == 1
    worker = start_worker(app, queues=["email"], perform_ping_check=False, shutdown_timeout=10, loglevel="ERROR")
    with worker:
        assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).completed_at is not None, timeout=30)
        # The same message arriving again (broker redelivery, a stale re-dispatch) sends nothing more.
        task = app.tasks[message.task]
        task.apply_async(kwargs=message.kwargs, headers={"outbox_id": message.pk})
        assert dispatch(message.pk) is True  # completed: not published again
        # Re-sending what is not completed (here also the reports' rebuild after the session, reports/live.py,
        # which no worker of this test consumes) does not send the completed notice again.
        attempts = OutboxMessage.objects.get(pk=message.pk).attempts
        dispatch_pending(stale_after=dt.timedelta(0), grace=dt.timedelta(0))
        assert OutboxMessage.objects.get(pk=message.pk).attempts == attempts
        wait_for(lambda: redis_broker.client().llen("email") == 0, timeout=10)
    notices = [m for m in mail.outbox if holder.user.email in m.to]
    assert len(notices) == 1, "exactly one e-mail"
    assert case.client.code in notices[0].subject


def test_worker_killed_mid_pdf_build_is_finished_by_another_worker_once(
    redis_broker, manager, settings, tmp_path, worker_processes
) -> None:
    from reports.models import BuildStatus, ReportBuild
    from reports.services import build_report, request_report, restart_stale_builds
    from reports.services.builds import STALE_AFTER

    media = tmp_path / "worker-media"
    settings.MEDIA_ROOT = media
    today = timezone.localdate()
    build = request_report(
        access=get_access(manager.user),
        actor=manager.user,
        scope_kind="centre",
        scope_key=manager.centre.public_id,
        period_kind="month",
        start=today.replace(day=1),
        end=today,
        language="en",
    )
    # request_report's transaction committed (transactional test): the outbox dispatched it to Redis.
    message = OutboxMessage.objects.get(task="reports.tasks.build_report_task")
    assert message.dispatched_at is not None

    first = worker_processes(redis_broker.url, media, "reports", script=HERE / "slow_worker.py")
    assert wait_for(lambda: ReportBuild.objects.get(pk=build.pk).status == BuildStatus.RUNNING, timeout=90)
    first.kill()  # SIGKILL in the middle of the build: no ack, no clean-up
    build.refresh_from_db()
    assert build.status == BuildStatus.RUNNING and not build.file
    assert OutboxMessage.objects.get(pk=message.pk).completed_at is None

    worker_processes(redis_broker.url, media, "reports")  # a new worker
    # The beat task (every minute) finds the build's heartbeat STALE_AFTER old and queues it again.
    assert restart_stale_builds(now=timezone.now() + STALE_AFTER) == 1
    assert wait_for(lambda: ReportBuild.objects.get(pk=build.pk).status == BuildStatus.DONE, timeout=120)
    assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).completed_at is not None, timeout=10)
    build.refresh_from_db()
    assert build.file.name.endswith(".pdf")
    assert build_report(build_id=build.pk).file.name == build.file.name  # a late duplicate renders nothing
    files = list((media / "reports").rglob("*.pdf"))
    assert len(files) == 1, files
    assert files[0].read_bytes().startswith(b"%PDF")
