"""Rebuilding the roll-up tables from the raw tables: the daily rows, then the period rows derived from them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import unscoped
from portal.audit import record_event
from portal.errors import DomainError
from portal.models import Centre
from reports.audit import ReportsAudit
from reports.indicators import SNAPSHOT_CODES, STORED, compute_people
from reports.models import DailyCount, Level, PeopleCount, PeriodCount, PersonDay, RollupFreshness

# Rebuilds of overlapping ranges wait for each other instead of colliding on the unique keys.
REBUILD_LOCK = 7_000_007
BATCH = 2000


@transaction.atomic  # not durable: also part of the nightly rebuild and check (checks.py)
def rebuild_rollups(*, start: dt.date, end: dt.date, actor: Any = None) -> int:
    """Replace every roll-up row of the days ``start``..``end`` by a fresh computation from the raw tables.

    Idempotent: a delete and an insert of the same range in one transaction, under an advisory
    lock, so two rebuilds never interleave. Returns the number of rows written; audited as
    ``reports.rollup.rebuilt``. A rebuild that reaches today also sets the dashboards' "data as of"
    (`RollupFreshness`) to the moment it began reading.
    """
    if end < start:
        raise DomainError(_("The end of the range is before its start."))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REBUILD_LOCK])
    began = timezone.now()  # after the lock: every write committed before this moment is read below
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
    if end >= timezone.localdate(began):
        RollupFreshness.objects.update_or_create(pk=1, defaults={"as_of": began})
    record_event(
        actor=actor,
        action=ReportsAudit.ROLLUP_REBUILT,
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
