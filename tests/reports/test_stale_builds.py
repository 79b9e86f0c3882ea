"""A report whose worker died (SIGKILL, the out-of-memory killer) is built again within minutes.

The worker rendering a build touches its heartbeat every HEARTBEAT_SECONDS; the beat task
`restart_stale_builds_task` (every minute) queues a running build again once its heartbeat is STALE_AFTER old,
through the outbox, once; a live worker's build is left alone and a redelivered message does not render it a
second time. Time travel: `now` is passed to the service. tests/reliability/test_broker_and_worker_faults.py
kills a real worker in the middle of a build and lets this restart finish it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from portal.models import OutboxMessage
from reports.models import BuildStatus, ReportBuild
from reports.services import build_report, restart_stale_builds
from reports.services.builds import BUILD_TASK, MAX_RESTARTS, STALE_AFTER
from tests.audit import assert_audited
from tests.conftest import wait_for
from tests.reports.test_builds import _request

pytestmark = pytest.mark.django_db


def _worker_died(build: ReportBuild, *, last_seen: dt.datetime) -> None:
    """As a worker leaves a build when it is killed mid-render: running, part done, heartbeat frozen."""
    ReportBuild.objects.filter(pk=build.pk).update(status=BuildStatus.RUNNING, progress=40, heartbeat_at=last_seen)


def _runs(build: ReportBuild):
    return OutboxMessage.objects.filter(task=BUILD_TASK, key__startswith=f"report:{build.public_id}:").order_by("pk")


def test_a_build_whose_worker_died_is_queued_again_within_minutes(manager) -> None:
    build = _request(manager)  # not committed: its outbox row stays undispatched, as the worker's message
    first_run = _runs(build).get()
    killed_at = timezone.now()
    _worker_died(build, last_seen=killed_at)

    assert restart_stale_builds(now=killed_at + STALE_AFTER - dt.timedelta(seconds=1)) == 0  # may still be alive
    assert ReportBuild.objects.get(pk=build.pk).status == BuildStatus.RUNNING

    assert restart_stale_builds(now=killed_at + STALE_AFTER + dt.timedelta(seconds=1)) == 1
    build.refresh_from_db()
    assert (build.status, build.progress) == (BuildStatus.QUEUED, 0)
    old, new = _runs(build)
    assert old.pk == first_run.pk and old.completed_at is not None  # the outbox does not send the dead run again
    assert new.key == f"report:{build.public_id}:restart-1" and new.kwargs == {"build_id": build.pk}
    assert new.completed_at is None
    assert_audited("reports.build.restarted", target=build, details={"restart": 1})

    # Within minutes: the beat runs every minute, the heartbeat is stale after STALE_AFTER.
    beat = settings.CELERY_BEAT_SCHEDULE["restart-stale-report-builds"]
    assert beat["task"] == "reports.tasks.restart_stale_builds_task"
    assert STALE_AFTER + dt.timedelta(seconds=beat["schedule"]) <= dt.timedelta(minutes=5)

    # The new message builds it.
    assert build_report(build_id=build.pk).status == BuildStatus.DONE


def test_restarting_is_idempotent(manager) -> None:
    build = _request(manager)
    killed_at = timezone.now()
    _worker_died(build, last_seen=killed_at)
    later = killed_at + STALE_AFTER + dt.timedelta(minutes=1)
    assert restart_stale_builds(now=later) == 1
    assert restart_stale_builds(now=later) == 0  # the next beat, or a second one at the same moment
    assert restart_stale_builds(now=later + dt.timedelta(minutes=10)) == 0  # queued, not running: not stale
    assert _runs(build).count() == 2
    assert_audited("reports.build.restarted", target=build, count=1)


def test_a_live_workers_build_is_left_alone_and_a_redelivered_message_renders_nothing(manager, monkeypatch) -> None:
    build = _request(manager)
    _worker_died(build, last_seen=timezone.now())  # the heartbeat is fresh: a worker is rendering it right now

    def must_not_render(*args, **kwargs):
        raise AssertionError("a second worker rendered a build that another is rendering")

    monkeypatch.setattr("reports.pdf.render_report_pdf", must_not_render)
    assert restart_stale_builds() == 0
    assert build_report(build_id=build.pk).status == BuildStatus.RUNNING  # the duplicate message: nothing done
    assert ReportBuild.objects.get(pk=build.pk).progress == 40


def test_a_build_that_kills_its_worker_every_time_fails_after_the_last_restart(manager) -> None:
    build = _request(manager)
    now = timezone.now()
    for restart in range(1, MAX_RESTARTS + 1):
        _worker_died(build, last_seen=now)
        now += STALE_AFTER + dt.timedelta(minutes=1)
        assert restart_stale_builds(now=now) == 1, restart
    _worker_died(build, last_seen=now)
    assert restart_stale_builds(now=now + STALE_AFTER + dt.timedelta(minutes=1)) == 0
    build.refresh_from_db()
    assert build.status == BuildStatus.FAILED
    assert build.error.startswith("WorkerLost:")
    assert _runs(build).count() == 1 + MAX_RESTARTS
    assert not _runs(build).filter(completed_at__isnull=True).exists()
    assert_audited("reports.build.restarted", target=build, count=MAX_RESTARTS)


def test_a_running_build_from_before_the_heartbeat_is_restarted_once_old(manager) -> None:
    build = _request(manager)
    ReportBuild.objects.filter(pk=build.pk).update(status=BuildStatus.RUNNING, heartbeat_at=None)
    build.refresh_from_db()
    assert restart_stale_builds(now=build.created_at + dt.timedelta(minutes=1)) == 0
    assert restart_stale_builds(now=build.created_at + STALE_AFTER + dt.timedelta(minutes=1)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_while_it_renders(manager, monkeypatch) -> None:
    """The heartbeat comes from a thread beside the renderer: a render longer than STALE_AFTER stays alive."""
    monkeypatch.setattr("reports.services.builds.HEARTBEAT_SECONDS", 0.05)
    beats: list[dt.datetime] = []

    def heartbeat(build) -> dt.datetime:
        seen = ReportBuild.objects.get(pk=build.pk).heartbeat_at
        assert seen is not None
        return seen

    def slow_render(build, *, progress):
        started = heartbeat(build)
        assert wait_for(lambda: heartbeat(build) > started, timeout=10)
        beats.append(heartbeat(build))
        return b"%PDF-1.7\n"

    monkeypatch.setattr("reports.pdf.render_report_pdf", slow_render)
    build = _request(manager)  # committed: the outbox dispatches it, the eager task renders it here
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE and beats
    assert restart_stale_builds(now=timezone.now() + STALE_AFTER * 2) == 0  # done: never restarted


def test_the_restart_runs_on_the_default_queue() -> None:
    """Not on the reports queue, whose worker may be the one that died or is busy with a long build."""
    from portal.celery import app

    assert app.amqp.router.route({}, "reports.tasks.restart_stale_builds_task")["queue"].name == "default"
