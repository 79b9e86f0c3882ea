"""Writes of the reports: rebuilding the roll-up tables; the suppression of small cells; PDF builds."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import Access, Role, unscoped
from portal.audit import record_event
from portal.errors import DomainError
from portal.models import Centre, Membership
from portal.reports.indicators import STORED, compute_people
from portal.reports.models import ACTIVE_STATUSES, BuildStatus, DailyCount, PersonDay, ReportBuild

# Rebuilds of overlapping ranges wait for each other instead of colliding on the unique keys.
_REBUILD_LOCK = 7_000_007
BATCH = 2000


@transaction.atomic
def rebuild_rollups(*, start: dt.date, end: dt.date, actor: Any = None) -> int:
    """Replace every roll-up row of the days ``start``..``end`` by a fresh computation from the raw tables.

    Idempotent: a delete and an insert of the same range in one transaction, under an advisory
    lock, so two rebuilds never interleave. Returns the number of rows written; audited as
    ``reports.rollup.rebuilt``.
    """
    if end < start:
        raise DomainError(_("The end of the range is before its start."))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REBUILD_LOCK])
    DailyCount.objects.filter(day__range=(start, end)).delete()
    PersonDay.objects.filter(day__range=(start, end)).delete()
    written = 0
    with unscoped():
        counts = [
            DailyCount(centre_id=c, day=d, indicator=indicator.code, dimension=dim, value=val, count=n)
            for indicator in STORED
            for c, d, dim, val, n in indicator.compute(start, end)
            if n
        ]
        people = [
            PersonDay(centre_id=c, day=d, client_key=k, sex=s, age_band=a, target_group=t)
            for c, d, k, s, a, t in compute_people(start, end)
        ]
    written += len(DailyCount.objects.bulk_create(counts, batch_size=BATCH))
    written += len(PersonDay.objects.bulk_create(people, batch_size=BATCH))
    record_event(
        actor=actor,
        action="reports.rollup.rebuilt",
        details={"start": start.isoformat(), "end": end.isoformat(), "rows": written},
    )
    return written


# --- Small-cell suppression ---------------------------------------------------------------------

THRESHOLD = 5
ROUNDING = 5


@dataclass(frozen=True)
class Cell:
    """A number as shown: ``display`` is the number, "<5" (small) or "×" (hidden so "<5" cannot be derived)."""

    count: int | None
    display: str
    hidden: bool = False

    @classmethod
    def shown(cls, count: int) -> Cell:
        return cls(count, str(count))

    @classmethod
    def rounded(cls, count: int) -> Cell:
        """Aggregate views round every shown count to the nearest 5, so that tables of different
        scopes or overlapping periods cannot be subtracted to an exact small number."""
        value = ROUNDING * ((count + ROUNDING // 2) // ROUNDING)
        return cls(value, str(value))


SMALL = "<5"
COMPLEMENTARY = "×"


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def suppress(total: int, counts: list[int]) -> tuple[Cell, list[Cell]]:
    """Suppress the small cells of one table (cells that add up to ``total``).

    Any count from 1 to 4 is shown as "<5". When exactly one cell of the table is small and the total
    is shown, the next smallest non-zero cell is hidden too ("×"), so the small one cannot be worked
    out as the total minus the others. A total from 1 to 4 is itself "<5" (then every non-zero cell
    is small). Zeros stay visible: they reveal nobody. Every other count, the total included, is
    rounded to the nearest 5: that defeats subtraction across tables (a country's total minus its
    other centres, one range minus an overlapping one), which suppression within one table cannot.
    """
    total_cell = Cell(None, SMALL, True) if is_small(total) else Cell.rounded(total)
    hidden = [is_small(n) for n in counts]
    if not total_cell.hidden and sum(hidden) == 1:
        others = [(n, i) for i, n in enumerate(counts) if n > 0 and not hidden[i]]
        if others:
            hidden[min(others)[1]] = True
    cells = []
    for n, hide in zip(counts, hidden, strict=True):
        if not hide:
            cells.append(Cell.rounded(n))
        else:
            cells.append(Cell(None, SMALL if is_small(n) else COMPLEMENTARY, True))
    return total_cell, cells


# --- PDF reports -------------------------------------------------------------------------------------------

logger = logging.getLogger(__name__)
MONTH = "month"


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
    transaction.on_commit(lambda: _start(build.pk))
    return build, True


def _start(build_id: int) -> None:
    from portal.reports.tasks import build_report_task

    build_report_task.delay(build_id=build_id)


@transaction.atomic
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
    from portal.reports.selectors import get_scope

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
        action="reports.build.requested",
        target=build,
        centre=scope.centre,
        details={"scope": scope.kind, "start": start.isoformat(), "language": language, "new": created},
    )
    return build


def _set(build_id: int, **fields: Any) -> None:
    """Write progress at once (outside any transaction), so the status page sees it while the build runs."""
    ReportBuild.objects.filter(pk=build_id).update(**fields)


def build_report(*, build_id: int) -> ReportBuild:
    """Render a queued build's PDF and store it; progress is written as it goes.

    Idempotent: a build that is done is returned as it is (a repeated or retried task renders
    nothing twice). A rendering error marks the build failed with the error kept for the admins.
    Side effect: scheduled builds notify their managers once done.
    """
    from portal.reports.pdf import render_report_pdf

    build = ReportBuild.objects.select_related("centre", "country").get(pk=build_id)
    if build.status == BuildStatus.DONE:
        return build
    _set(build.pk, status=BuildStatus.RUNNING, progress=10, error="")
    try:
        pdf = render_report_pdf(build, progress=lambda p: _set(build.pk, progress=p))
    except Exception as exc:  # WeasyPrint, fonts, storage: keep the reason, let the user ask again
        logger.exception("report build %s failed", build.public_id)
        _set(
            build.pk, status=BuildStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        build.refresh_from_db()
        return build
    name = f"report-{build.scope_kind}-{build.period_start:%Y%m%d}-{build.period_end:%Y%m%d}-{build.language}.pdf"
    with transaction.atomic():
        build = ReportBuild.objects.select_for_update().get(pk=build.pk)
        if build.status == BuildStatus.DONE:  # another worker finished first
            return build
        build.file.save(name, ContentFile(pdf), save=False)
        build.status, build.progress, build.finished_at = BuildStatus.DONE, 100, timezone.now()
        build.save(update_fields=["file", "status", "progress", "finished_at"])
        record_event(actor=None, action="reports.build.done", target=build, centre=build.centre_id)
        if build.scheduled:
            transaction.on_commit(lambda: _notify(build.pk))
    return build


def _notify(build_id: int) -> None:
    from portal.reports.tasks import send_report_notices_task

    send_report_notices_task.delay(build_id=build_id)


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def schedule_monthly_reports(*, today: dt.date) -> int:
    """For every active centre, queue last month's report in each language its managers read.

    Idempotent: a scheduled build exists once per centre, month and language (a constraint), and
    each manager is e-mailed once per build (see notifications). Reports already done are only
    re-notified, which sends nothing to managers told before. Returns the number of builds queued.
    """
    from portal.reports.selectors import CENTRE, Scope

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
            with transaction.atomic():
                build, created = _queue_build(
                    scope=scope, period_kind=MONTH, start=start, end=end, language=language, scheduled=True
                )
                if created:
                    record_event(
                        actor=None,
                        action="reports.build.scheduled",
                        target=build,
                        centre=centre,
                        details={"start": start.isoformat(), "language": language},
                    )
                    queued += 1
                elif build.status == BuildStatus.DONE:
                    transaction.on_commit(lambda pk=build.pk: _notify(pk))
                elif build.status == BuildStatus.FAILED:
                    transaction.on_commit(lambda pk=build.pk: _start(pk))
    return queued


def manager_language(user: Any) -> str:
    """The user's language if the portal has it, else the default."""
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
