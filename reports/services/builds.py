"""PDF reports: requests, the build task's work, the monthly schedule."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import outbox
from portal.access import Access, Role, unscoped
from portal.audit import record_event
from portal.errors import DomainError
from portal.models import Centre, Membership, OutboxMessage
from reports import pdf
from reports.audit import ReportsAudit
from reports.models import ACTIVE_STATUSES, BuildStatus, ReportBuild
from reports.periods import MONTH, previous_month
from reports.selectors import CENTRE, Scope, get_scope

logger = logging.getLogger(__name__)

# A worker rendering a build touches its `heartbeat_at` this often, from a thread beside the renderer. A running
# build not touched for STALE_AFTER lost its worker (SIGKILL, the out-of-memory killer, a machine gone):
# `restart_stale_builds` (beat, every minute) queues it again, so it is rebuilt within minutes; the outbox's own
# re-dispatch of unfinished work waits half an hour. After MAX_RESTARTS the build is marked failed instead: a
# report that kills its worker each time must not kill the next one forever.
HEARTBEAT_SECONDS = 30.0
STALE_AFTER = dt.timedelta(minutes=3)
MAX_RESTARTS = 3
BUILD_TASK = "reports.tasks.build_report_task"
RESTART_KEY = "restart-"


class PeriodNotAllowed(DomainError):
    """The period of a report request is empty, reversed or in the future."""


def _check_period(*, start: dt.date, end: dt.date, today: dt.date) -> None:
    if end < start:
        raise PeriodNotAllowed(_("The end of the range is before its start."))
    if start > today:
        raise PeriodNotAllowed(_("This period has not started yet: choose a period up to today."))


def _queue_build(
    *,
    scope: Any,
    period_kind: str,
    start: dt.date,
    end: dt.date,
    language: str,
    notes: str = "",
    actor: Any = None,
    scheduled: bool = False,
) -> tuple[ReportBuild, bool]:
    """Create a queued build, or return the one already building (or, scheduled, the one already made).

    The partial unique constraints decide under concurrency: the insert runs in a savepoint and,
    when it collides, the row that won is returned. Returns (build, created).
    """
    same = {
        "scope_kind": scope.kind,
        "centre": scope.centre if scope.kind == "centre" else None,
        "country": scope.country if scope.kind == "country" else None,
        "suppressed": scope.suppressed,
        "period_kind": period_kind,
        "period_start": start,
        "period_end": end,
        "language": language,
    }
    existing = ReportBuild.objects.filter(**same)
    existing = existing.filter(scheduled=True) if scheduled else existing.filter(status__in=ACTIVE_STATUSES)
    found = existing.first()
    if found is not None:
        return found, False
    try:
        with transaction.atomic():
            build = ReportBuild.objects.create(
                **same, notes=notes, requested_by=actor if getattr(actor, "pk", None) else None, scheduled=scheduled
            )
    except IntegrityError:
        # A scheduled report collides with the same report a manager has building: use theirs.
        found = existing.first() or ReportBuild.objects.filter(**same, status__in=ACTIVE_STATUSES).first()
        if found is None:  # the other build finished in between: nothing is building any more
            raise
        return found, False
    _start(build)
    return build, True


def _start(build: ReportBuild, again: str = "") -> None:
    """Queue the build through the outbox: kept when the broker is down, re-sent if a worker dies mid-build.

    `again` (any new value) queues a build that ran before once more (a failed one retried).
    """
    key = f"report:{build.public_id}:{again}"
    outbox.enqueue(BUILD_TASK, kwargs={"build_id": build.pk}, key=key)


@transaction.atomic(durable=True)
def request_report(
    *,
    access: Access,
    actor: Any,
    scope_kind: str,
    scope_key: Any = None,
    period_kind: str,
    start: dt.date,
    end: dt.date,
    language: str,
    notes: str = "",
    today: dt.date | None = None,
) -> ReportBuild:
    """Queue the PDF report of a scope and period in `language`; the same report already building is
    returned instead of a second build.

    The scope is checked as the dashboards check it (404 outside it); a reversed or future period
    raises PeriodNotAllowed; a period running past today stops at today. Audited as
    ``reports.build.requested``; the build task starts after commit.
    """
    scope = get_scope(access=access, kind=scope_kind, key=scope_key)
    today = today or timezone.localdate()
    _check_period(start=start, end=end, today=today)
    if language not in dict(settings.LANGUAGES):
        raise DomainError(_("Choose one of the portal's languages."), field="language")
    build, created = _queue_build(
        scope=scope,
        period_kind=period_kind,
        start=start,
        end=min(end, today),
        language=language,
        notes=notes.strip(),
        actor=actor,
    )
    record_event(
        actor=actor,
        action=ReportsAudit.BUILD_REQUESTED,
        target=build,
        centre=scope.centre,
        details={"scope": scope.kind, "start": start.isoformat(), "language": language, "new": created},
    )
    return build


def _set(build_id: int, **fields: Any) -> None:
    """Write progress at once (outside any transaction), so the status page sees it while the build runs."""
    ReportBuild.objects.filter(pk=build_id).update(**fields)


def _running_elsewhere(now: dt.datetime) -> Q:
    """Builds a live worker is rendering: running, with a recent heartbeat."""
    return Q(status=BuildStatus.RUNNING, heartbeat_at__gte=now - STALE_AFTER)


def build_report(*, build_id: int) -> ReportBuild:
    """Render a queued build's PDF and store it; progress is written as it goes, and a heartbeat.

    Idempotent: a build that is done is returned as it is (a repeated or retried task renders
    nothing twice), and so is one another worker is rendering right now (a redelivered message);
    the build is claimed in one UPDATE, so two messages never render it at once. A rendering error
    marks the build failed with the error kept for the admins.
    Side effect: scheduled builds notify their managers once done.
    """
    build = ReportBuild.objects.select_related("centre", "country").get(pk=build_id)
    now = timezone.now()
    claimed = (
        ReportBuild.objects.filter(pk=build.pk)
        .exclude(status=BuildStatus.DONE)
        .exclude(_running_elsewhere(now))
        .update(status=BuildStatus.RUNNING, progress=10, error="", heartbeat_at=now)
    )
    if not claimed:
        build.refresh_from_db()
        return build
    try:
        with _heartbeat(build.pk):
            document = pdf.render_report_pdf(build, progress=lambda p: _set(build.pk, progress=p))
    except Exception as exc:  # WeasyPrint, fonts, storage: keep the reason, let the user ask again
        logger.exception("report build %s failed", build.public_id)
        _set(
            build.pk, status=BuildStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        build.refresh_from_db()
        return build
    name = f"report-{build.scope_kind}-{build.period_start:%Y%m%d}-{build.period_end:%Y%m%d}-{build.language}.pdf"
    with transaction.atomic(durable=True):
        build = ReportBuild.objects.select_for_update().get(pk=build.pk)
        if build.status == BuildStatus.DONE:  # another worker finished first
            return build
        build.file.save(name, ContentFile(document), save=False)
        build.status, build.progress, build.finished_at = BuildStatus.DONE, 100, timezone.now()
        build.save(update_fields=["file", "status", "progress", "finished_at"])
        record_event(actor=None, action=ReportsAudit.BUILD_DONE, target=build, centre=build.centre_id)
        if build.scheduled:
            _notify(build)
    return build


@contextmanager
def _heartbeat(build_id: int, *, every: float | None = None) -> Iterator[None]:
    """While the block runs, a thread touches the build's `heartbeat_at` every `every` seconds.

    It dies with the worker process, which is the point: a build whose heartbeat stops lost its worker.
    """
    stop = threading.Event()
    interval = HEARTBEAT_SECONDS if every is None else every

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    ReportBuild.objects.filter(pk=build_id, status=BuildStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except DatabaseError:  # a database hiccup: the next beat tries again
                    logger.warning("report build %s: heartbeat not written", build_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"report-build-{build_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)  # a beat blocked on the database must not hold the build up (daemon thread)


def restart_stale_builds(*, now: dt.datetime | None = None) -> int:
    """Queue again every running build whose worker stopped (no heartbeat for STALE_AFTER); a build that
    stopped its worker MAX_RESTARTS times is marked failed instead. Returns the number queued again.

    Idempotent: each build goes back to "queued" in the same transaction as its new outbox row (keyed by
    the restart's number), and rows are claimed with SKIP LOCKED, so a second run, at once or concurrent,
    finds nothing to do. The dead run's outbox rows are closed: the outbox does not send them again.
    Audited as ``reports.build.restarted``.
    """
    now = now or timezone.now()
    cutoff = now - STALE_AFTER
    restarted = 0
    with transaction.atomic():
        stale = list(
            ReportBuild.objects.select_for_update(skip_locked=True)
            .filter(status=BuildStatus.RUNNING)
            .filter(Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff))
            .order_by("pk")
        )
        for build in stale:
            runs = OutboxMessage.objects.filter(task=BUILD_TASK, key__startswith=f"report:{build.public_id}:")
            restarts = runs.filter(key__contains=f":{RESTART_KEY}").count()
            runs.filter(completed_at__isnull=True).update(completed_at=now)
            if restarts >= MAX_RESTARTS:
                logger.error("report build %s stopped its worker %s times: marked failed", build.public_id, restarts)
                build.status, build.finished_at = BuildStatus.FAILED, now
                build.error = f"WorkerLost: the worker stopped while building this report, {restarts + 1} times"
                build.save(update_fields=["status", "finished_at", "error"])
                continue
            logger.warning("report build %s lost its worker: queued again", build.public_id)
            build.status, build.progress, build.heartbeat_at = BuildStatus.QUEUED, 0, None
            build.save(update_fields=["status", "progress", "heartbeat_at"])
            _start(build, again=f"{RESTART_KEY}{restarts + 1}")
            record_event(
                actor=None,
                action=ReportsAudit.BUILD_RESTARTED,
                target=build,
                centre=build.centre_id,
                details={"restart": restarts + 1},
            )
            restarted += 1
    return restarted


def _notify(build: ReportBuild, again: str = "") -> None:
    outbox.enqueue(
        "reports.tasks.send_report_notices_task",
        kwargs={"build_id": build.pk},
        key=f"report-notices:{build.public_id}:{again}",
    )


def schedule_monthly_reports(*, today: dt.date) -> int:
    """For every active centre, queue last month's report in each language its managers read.

    Idempotent: a scheduled build exists once per centre, month and language (a constraint), and
    each manager is e-mailed once per build (see notifications). Reports already done are only
    re-notified, which sends nothing to managers told before. Returns the number of builds queued.
    """
    start, end = previous_month(today)
    with unscoped():
        managers = list(
            Membership.objects.filter(
                role=Role.CENTRE_MANAGER, is_active=True, user__is_active=True, centre__is_active=True
            ).select_related("centre", "user")
        )
    languages: dict[Centre, set[str]] = {}
    for membership in managers:
        languages.setdefault(membership.centre, set()).add(manager_language(membership.user))
    queued = 0
    for centre, langs in sorted(languages.items(), key=lambda item: item[0].pk):
        scope = Scope(CENTRE, centre.name, suppressed=False, centre_ids=(centre.pk,), centre=centre)
        for language in sorted(langs):
            with transaction.atomic(durable=True):
                build, created = _queue_build(
                    scope=scope, period_kind=MONTH, start=start, end=end, language=language, scheduled=True
                )
                if created:
                    record_event(
                        actor=None,
                        action=ReportsAudit.BUILD_SCHEDULED,
                        target=build,
                        centre=centre,
                        details={"start": start.isoformat(), "language": language},
                    )
                    queued += 1
                elif build.status == BuildStatus.DONE:
                    _notify(build, again=today.isoformat())  # managers added since are told; nobody twice
                elif build.status == BuildStatus.FAILED:
                    _start(build, again=uuid.uuid4().hex)
    return queued


def manager_language(user: Any) -> str:
    """The user's language if the portal has it, else the default."""
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
