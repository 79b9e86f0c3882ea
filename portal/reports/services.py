"""Writes of the reports: rebuilding the roll-up tables; the suppression of small cells; PDF builds."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import Access, Role, unscoped
from portal.audit import record_event
from portal.errors import DomainError
from portal.models import Centre, Membership
from portal.reports.indicators import SNAPSHOT_CODES, STORED, compute_people
from portal.reports.models import (
    ACTIVE_STATUSES,
    BuildStatus,
    DailyCount,
    Level,
    PeopleCount,
    PeriodCount,
    PersonDay,
    ReportBuild,
)

# Rebuilds of overlapping ranges wait for each other instead of colliding on the unique keys.
_REBUILD_LOCK = 7_000_007
BATCH = 2000
logger = logging.getLogger(__name__)


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
    written += rebuild_period_rollups(since=start)
    record_event(
        actor=actor,
        action="reports.rollup.rebuilt",
        details={"start": start.isoformat(), "end": end.isoformat(), "rows": written},
    )
    return written


# --- Period roll-ups: derived from the daily ones, so a year is read as months ------------------------

_LEVEL_OF_GROUPING = f"""CASE GROUPING(centre_id, country_id) WHEN 1 THEN '{Level.CENTRE.value}'
    WHEN 2 THEN '{Level.COUNTRY.value}' ELSE '{Level.PROGRAMME.value}' END"""


def _period_counts_sql() -> str:
    """(level, centre, country, grain, day, indicator, dimension, value, count) from %(since)s on: months of
    every level, days of countries and of the programme (a centre's days are its DailyCount rows)."""
    daily, centres = DailyCount._meta.db_table, Centre._meta.db_table
    return f"""
        SELECT {_LEVEL_OF_GROUPING}, centre_id, country_id, CASE WHEN GROUPING(day) = 0 THEN 'day' ELSE 'month' END,
               COALESCE(day, month), indicator, dimension, value, sum(count)::bigint
        FROM (
            SELECT d.centre_id, c.country_id, d.day, date_trunc('month', d.day)::date AS month,
                   d.indicator, d.dimension, d.value, d.count
            FROM {daily} d JOIN {centres} c ON c.id = d.centre_id
            WHERE d.day >= %(since)s AND NOT (d.indicator = ANY(%(snapshots)s))
        ) AS days
        GROUP BY GROUPING SETS (
            (centre_id, month, indicator, dimension, value),
            (country_id, month, indicator, dimension, value),
            (month, indicator, dimension, value),
            (country_id, day, indicator, dimension, value),
            (day, indicator, dimension, value)
        )
    """  # noqa: S608 - table names come from the models, values are parameters


def _people_counts_sql() -> str:
    """(level, centre, country, grain, day, new_from, dimension, value, count) from %(since)s on.

    Each visit (a PersonDay row) is compared with the same person's previous visit at its centre, in
    its country and in the programme (order: day, centre); see PeopleCount.
    """
    people, centres = PersonDay._meta.db_table, Centre._meta.db_table
    levels = " UNION ALL ".join(
        f"SELECT '{level.value}' AS level, {centre} AS centre_id, {country} AS country_id, day, {prev} AS prev, "  # noqa: S608
        "sex, age_band, target_group FROM visits WHERE day >= %(since)s"
        for level, centre, country, prev in (
            (Level.CENTRE, "centre_id", "NULL::varchar", "prev_centre"),
            (Level.COUNTRY, "NULL::bigint", "country_id", "prev_country"),
            (Level.PROGRAMME, "NULL::bigint", "NULL::varchar", "prev_all"),
        )
    )
    return f"""
        WITH visits AS (
            SELECT p.centre_id, c.country_id, p.day, p.sex, p.age_band, p.target_group,
                lag(p.day) OVER (PARTITION BY p.client_key, p.centre_id ORDER BY p.day) AS prev_centre,
                lag(p.day) OVER (PARTITION BY p.client_key, c.country_id ORDER BY p.day, p.centre_id) AS prev_country,
                lag(p.day) OVER (PARTITION BY p.client_key ORDER BY p.day, p.centre_id) AS prev_all
            FROM {people} p JOIN {centres} c ON c.id = p.centre_id
            WHERE p.client_key IN (SELECT client_key FROM {people} WHERE day >= %(since)s)
        ), counted AS (
            SELECT level, centre_id, country_id, day, date_trunc('month', day)::date AS month,
                   (date_trunc('month', prev) + interval '1 month')::date AS new_from, sex, age_band, target_group
            FROM ({levels}) AS l
            WHERE prev IS NULL OR date_trunc('month', prev) < date_trunc('month', day)
        )
        SELECT level, centre_id, country_id, CASE WHEN GROUPING(day) = 0 THEN 'day' ELSE 'month' END,
               COALESCE(day, month), new_from, v.dimension, v.value, count(*)
        FROM counted
        CROSS JOIN LATERAL (VALUES ('', ''), ('sex', sex), ('age_band', age_band), ('target_group', target_group))
            AS v(dimension, value)
        GROUP BY level, centre_id, country_id, new_from, v.dimension, v.value, GROUPING SETS ((day), (month))
    """  # noqa: S608 - table names come from the models, values are parameters


def rebuild_period_rollups(*, since: dt.date, people: bool = True) -> int:
    """Recompute PeriodCount and (``people``) PeopleCount from the month of ``since`` on, from DailyCount and
    PersonDay.

    From ``since`` to the end and not just a range: whether a later visit counts as new depends on the
    visits before it. Two INSERT ... SELECT statements (set-based, also at a million clients); the caller
    holds the rebuild lock. Returns the number of rows written.
    """
    since = since.replace(day=1)
    PeriodCount.objects.filter(day__gte=since).delete()
    params = {"since": since, "snapshots": sorted(SNAPSHOT_CODES)}
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # the window sorts of a long history fit in memory instead of on disk
            cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute(
            f"INSERT INTO {PeriodCount._meta.db_table} "
            "(level, centre_id, country_id, grain, day, indicator, dimension, value, count) " + _period_counts_sql(),
            params,
        )
        written = cursor.rowcount
        if not people:
            return written
        PeopleCount.objects.filter(day__gte=since).delete()
        cursor.execute(
            f"INSERT INTO {PeopleCount._meta.db_table} "
            "(level, centre_id, country_id, grain, day, new_from, dimension, value, count) " + _people_counts_sql(),
            params,
        )
        written += cursor.rowcount
    return written


def _expected_period_rollups(
    start: dt.date, end: dt.date, fresh: dict[tuple, int], people: dict[tuple, tuple]
) -> tuple[dict[tuple, int], dict[tuple, int], dt.date, dt.date]:
    """What PeriodCount and PeopleCount must hold for the whole months inside ``start``..``end`` (and the
    day rows of every day of it), computed in Python from a fresh computation of the window; the visits before
    it are taken from PersonDay. Returns (months, people, first month, first day checked)."""
    country_of = dict(Centre.objects.values_list("pk", "country_id"))
    first_month = start if start.day == 1 else (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last_day_of_months = end if (end + dt.timedelta(days=1)).day == 1 else end.replace(day=1) - dt.timedelta(days=1)
    months: dict[tuple, int] = {}
    for (c, d, code, dim, val), n in fresh.items():
        if code in SNAPSHOT_CODES:
            continue
        levels = (
            (Level.CENTRE.value, c, None),
            (Level.COUNTRY.value, None, country_of[c]),
            (Level.PROGRAMME.value, None, None),
        )
        rows = [(*key, "day", d) for key in levels[1:]]
        if first_month <= d <= last_day_of_months:
            rows += [(*key, "month", d.replace(day=1)) for key in levels]
        for row in rows:
            months[(*row, code, dim, val)] = months.get((*row, code, dim, val), 0) + n
    # Every visit of the people seen in the window: the window's fresh ones, the earlier ones as stored.
    clients = {k for (_c, _d, k) in people}
    visits: dict[int, list[tuple]] = {}
    earlier = PersonDay.objects.using(DEFAULT_DB_ALIAS).filter(day__lt=start, client_key__in=clients)
    for c, d, k, s, a, t in earlier.values_list("centre_id", "day", "client_key", "sex", "age_band", "target_group"):
        visits.setdefault(k, []).append((d, c, s, a, t))
    for (c, d, k), (s, a, t) in people.items():
        visits.setdefault(k, []).append((d, c, s, a, t))
    counted: dict[tuple, int] = {}
    for rows in visits.values():
        rows.sort(key=lambda row: (row[0], row[1]))
        last: dict[tuple, dt.date] = {}
        for d, c, s, a, t in rows:
            for level, centre, country in (
                (Level.CENTRE.value, c, None),
                (Level.COUNTRY.value, None, country_of[c]),
                (Level.PROGRAMME.value, None, None),
            ):
                prev = last.get((level, centre, country))
                last[(level, centre, country)] = d
                if d < start or (prev is not None and prev.replace(day=1) >= d.replace(day=1)):
                    continue
                new_from = None if prev is None else (prev.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
                grains = [("day", d)] + (
                    [("month", d.replace(day=1))] if d >= first_month and d <= last_day_of_months else []
                )
                for grain, day in grains:
                    for dim, val in (("", ""), ("sex", s), ("age_band", a), ("target_group", t)):
                        key = (level, centre, country, grain, day, new_from, dim, val)
                        counted[key] = counted.get(key, 0) + 1
    return months, counted, first_month, last_day_of_months


def _check_period_rollups(
    start: dt.date, end: dt.date, fresh: dict[tuple, int], people: dict[tuple, tuple]
) -> tuple[list[dict[str, Any]], int]:
    """Mismatches of PeriodCount and PeopleCount in the window, and the number of their rows compared."""
    months, counted, first_month, last_day = _expected_period_rollups(start, end, fresh, people)
    in_window = Q(grain="day", day__range=(start, end)) | Q(grain="month", day__gte=first_month, day__lte=last_day)
    stored_months = {
        (lv, c, k, g, d, i, dim, v): n
        for lv, c, k, g, d, i, dim, v, n in PeriodCount.objects.using(DEFAULT_DB_ALIAS)
        .filter(in_window)
        .values_list("level", "centre_id", "country_id", "grain", "day", "indicator", "dimension", "value", "count")
        .iterator(chunk_size=BATCH)
    }
    stored_people = {
        (lv, c, k, g, d, nf, dim, v): n
        for lv, c, k, g, d, nf, dim, v, n in PeopleCount.objects.using(DEFAULT_DB_ALIAS)
        .filter(in_window)
        .values_list("level", "centre_id", "country_id", "grain", "day", "new_from", "dimension", "value", "count")
        .iterator(chunk_size=BATCH)
    }
    mismatches: list[dict[str, Any]] = []
    for table, expected, stored, names in (
        (
            "period",
            months,
            stored_months,
            ("level", "centre", "country", "grain", "day", "indicator", "dimension", "value"),
        ),
        (
            "people",
            counted,
            stored_people,
            ("level", "centre", "country", "grain", "day", "new_from", "dimension", "value"),
        ),
    ):
        wrong = [key for key in expected.keys() | stored.keys() if expected.get(key, 0) != stored.get(key, 0)]
        for key in sorted(wrong, key=lambda k: tuple(str(part) for part in k)):
            row = {
                name: part.isoformat() if isinstance(part, dt.date) else part
                for name, part in zip(names, key, strict=True)
            }
            mismatches.append({"table": table, **row, "expected": expected.get(key, 0), "stored": stored.get(key, 0)})
    return mismatches, len(stored_months) + len(stored_people)


# --- The nightly check ------------------------------------------------------------------------------

# How many mismatches the audit entry and the e-mail list one by one (all are counted).
MISMATCHES_LISTED = 50
CHECK_ACTION = "reports.rollup.checked"
_SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"


def _stored_counts(start: dt.date, end: dt.date) -> dict[tuple, int]:
    # From the primary: the replica (portal.routers) may lag behind the rebuild just written.
    rows = (
        DailyCount.objects.using(DEFAULT_DB_ALIAS)
        .filter(day__range=(start, end))
        .values_list("centre_id", "day", "indicator", "dimension", "value", "count")
    )
    return {(c, d, i, dim, v): n for c, d, i, dim, v, n in rows.iterator(chunk_size=BATCH)}


def _fresh_counts(start: dt.date, end: dt.date) -> dict[tuple, int]:
    fresh: dict[tuple, int] = {}
    for indicator in STORED:
        for c, d, dim, val, n in indicator.compute(start, end):
            if n:
                key = (c, d, indicator.code, dim, val)
                fresh[key] = fresh.get(key, 0) + n
    return fresh


def check_rollups(*, start: dt.date, end: dt.date) -> dict[str, Any]:
    """Compare every roll-up row of ``start``..``end`` with a fresh computation from the raw tables.

    Every indicator and every dimension value (DailyCount) and every person-day with its sex, age
    band and target group (PersonDay) is compared key by key, so a wrong, missing or extra row is
    named exactly. Reads only; writes nothing. Returns ``{"ok", "rows", "mismatch_count",
    "mismatches"}`` with at most MISMATCHES_LISTED mismatches listed (codes and numbers, no names).
    """
    if end < start:
        raise DomainError(_("The end of the range is before its start."))
    with unscoped():
        fresh = _fresh_counts(start, end)
        people = {(c, d, k): (s, a, t) for c, d, k, s, a, t in compute_people(start, end)}
    stored = _stored_counts(start, end)
    mismatches: list[dict[str, Any]] = []
    wrong = [key for key in fresh.keys() | stored.keys() if fresh.get(key, 0) != stored.get(key, 0)]
    for key in sorted(wrong, key=lambda k: (k[1], k[0], k[2], k[3], k[4])):
        expected, found = fresh.get(key, 0), stored.get(key, 0)
        c, d, code, dim, val = key
        mismatches.append(
            {
                "table": "count",
                "centre": c,
                "day": d.isoformat(),
                "indicator": code,
                "dimension": dim,
                "value": val,
                "expected": expected,
                "stored": found,
            }
        )
    stored_people = {
        (c, d, k): (s, a, t)
        for c, d, k, s, a, t in PersonDay.objects.using(DEFAULT_DB_ALIAS)
        .filter(day__range=(start, end))
        .values_list("centre_id", "day", "client_key", "sex", "age_band", "target_group")
        .iterator(chunk_size=BATCH)
    }
    wrong_people = [key for key in people.keys() | stored_people.keys() if people.get(key) != stored_people.get(key)]
    for key in sorted(wrong_people, key=lambda k: (k[1], k[0], k[2])):
        expected_p, found_p = people.get(key), stored_people.get(key)
        c, d, k = key
        mismatches.append(
            {
                "table": "person",
                "centre": c,
                "day": d.isoformat(),
                "client": k,
                "expected": list(expected_p or ()),
                "stored": list(found_p or ()),
            }
        )
    with unscoped():
        period_mismatches, period_rows = _check_period_rollups(start, end, fresh, people)
    mismatches += period_mismatches
    return {
        "ok": not mismatches,
        "rows": len(stored) + len(stored_people) + period_rows,
        "mismatch_count": len(mismatches),
        "mismatches": mismatches[:MISMATCHES_LISTED],
    }


def rebuild_and_check_rollups(*, start: dt.date, end: dt.date, actor: Any = None) -> dict[str, Any]:
    """The nightly work: rebuild the roll-ups of ``start``..``end``, then check them against the raw tables.

    Both steps read one snapshot of the database (REPEATABLE READ, taken after the rebuild lock is
    held), so a session logged while the task runs cannot pass for a mismatch: any mismatch is a
    real fault (a bug in a computation, a row written by hand, a storage fault). The result is
    audited as ``reports.rollup.checked`` (window, ok, rows, mismatches, start and finish times);
    on a mismatch an error is logged and the programme's administrators are e-mailed after commit.
    Idempotent: run twice, it writes the same rows and records the same result.
    """
    started_at = timezone.now()
    outermost = not connection.in_atomic_block
    if outermost:
        # A session-level lock first, so the snapshot below already sees a rebuild that just finished.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_REBUILD_LOCK])
    try:
        with transaction.atomic():
            if outermost:
                with connection.cursor() as cursor:
                    cursor.execute(_SNAPSHOT)
            written = rebuild_rollups(start=start, end=end, actor=actor)
            result = check_rollups(start=start, end=end)
            details = {
                "start": start.isoformat(),
                "end": end.isoformat(),
                "written": written,
                **result,
                "started_at": started_at.isoformat(),
                "finished_at": timezone.now().isoformat(),
            }
            event = record_event(actor=actor, action=CHECK_ACTION, details=details)
            if not result["ok"]:
                logger.error(
                    "roll-up check of %s..%s found %s mismatches: %s",
                    start,
                    end,
                    result["mismatch_count"],
                    result["mismatches"][:5],
                )
                transaction.on_commit(lambda: _alert(event.pk))
    finally:
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_REBUILD_LOCK])
    return details


def _alert(event_id: int) -> None:
    from portal.reports.notifications import send_check_alerts

    send_check_alerts(event_id=event_id)


def latest_check() -> Any:
    """The newest recorded roll-up check (an AuditEvent), or None."""
    from portal.models import AuditEvent

    with unscoped():
        return AuditEvent.objects.filter(action=CHECK_ACTION).order_by("-occurred_at", "-pk").first()


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
    _start(build)
    return build, True


def _start(build: ReportBuild, again: str = "") -> None:
    """Queue the build through the outbox: kept when the broker is down, re-sent if a worker dies mid-build.

    `again` (any new value) queues a build that ran before once more (a failed one retried).
    """
    from portal import outbox

    key = f"report:{build.public_id}:{again}"
    outbox.enqueue("portal.reports.tasks.build_report_task", kwargs={"build_id": build.pk}, key=key)


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
            _notify(build)
    return build


def _notify(build: ReportBuild, again: str = "") -> None:
    from portal import outbox

    outbox.enqueue(
        "portal.reports.tasks.send_report_notices_task",
        kwargs={"build_id": build.pk},
        key=f"report-notices:{build.public_id}:{again}",
    )


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
                    _notify(build, again=today.isoformat())  # managers added since are told; nobody twice
                elif build.status == BuildStatus.FAILED:
                    _start(build, again=uuid.uuid4().hex)
    return queued


def manager_language(user: Any) -> str:
    """The user's language if the portal has it, else the default."""
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
