"""The nightly check: the roll-up tables compared, key by key, with a fresh computation from the raw tables."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import unscoped
from portal.audit import record_event
from portal.errors import DomainError
from portal.models import AuditEvent, Centre
from reports import notifications
from reports.audit import ReportsAudit
from reports.indicators import SNAPSHOT_CODES, STORED, compute_people
from reports.models import DailyCount, Level, PeopleCount, PeriodCount, PersonDay
from reports.services.rollups import BATCH, REBUILD_LOCK, rebuild_rollups

logger = logging.getLogger(__name__)

# How many mismatches the audit entry and the e-mail list one by one (all are counted).
MISMATCHES_LISTED = 50
_SNAPSHOT = "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"


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
            cursor.execute("SELECT pg_advisory_lock(%s)", [REBUILD_LOCK])
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
            event = record_event(actor=actor, action=ReportsAudit.ROLLUP_CHECKED, details=details)
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
                cursor.execute("SELECT pg_advisory_unlock(%s)", [REBUILD_LOCK])
    return details


def _alert(event_id: int) -> None:
    notifications.send_check_alerts(event_id=event_id)


def latest_check() -> Any:
    """The newest recorded roll-up check (an AuditEvent), or None."""
    with unscoped():
        return AuditEvent.objects.filter(action=ReportsAudit.ROLLUP_CHECKED).order_by("-occurred_at", "-pk").first()
