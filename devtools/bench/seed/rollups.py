"""The reports' roll-ups over the scale data, written with COPY."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection, transaction

from devtools.bench.copyload import copy_rows, reset_sequence
from devtools.bench.seed.common import (
    log_step,
)

# --- Roll-ups ----------------------------------------------------------------------------------------


def rebuild_rollups_for_year(*, today: dt.date, log: Callable[[str], None] = log_step) -> int:
    """The reports' roll-ups for the last twelve months and this one.

    The rows are computed by the reports' own indicator functions (reports.indicators, as
    `rebuild_rollups` does) and streamed into the tables with COPY instead of `bulk_create`: at a
    million clients the ORM inserts would take most of an hour.
    """
    from portal.access import unscoped
    from reports.indicators import STORED, compute_people
    from reports.models import DailyCount, PersonDay
    from reports.services import rebuild_period_rollups

    start = (today.replace(day=1) - dt.timedelta(days=366)).replace(day=1)
    written = 0
    with unscoped(), connection.cursor() as cursor:
        DailyCount.objects.filter(day__range=(start, today)).delete()
        PersonDay.objects.filter(day__range=(start, today)).delete()
        for indicator in STORED:
            rows = (
                {"centre_id": c, "day": d, "indicator": indicator.code, "dimension": dim, "value": val, "count": n}
                for c, d, dim, val, n in indicator.compute(start, today)
                if n
            )
            written += copy_rows(cursor, DailyCount, rows)
            log(f"roll-up {indicator.code}: {written:,} rows so far")
        month = start
        while month <= today:  # month by month: the rows are read in full before the COPY (one connection)
            end = min((month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), today)
            people = [
                {"centre_id": c, "day": d, "client_key": k, "sex": sx, "age_band": a, "target_group": t}
                for c, d, k, sx, a, t in compute_people(month, end)
            ]
            written += copy_rows(cursor, PersonDay, people)
            month = end + dt.timedelta(days=1)
        reset_sequence(cursor, DailyCount)
        reset_sequence(cursor, PersonDay)
    # The month and unique-people roll-ups are derived from those two tables in SQL (INSERT ... SELECT).
    with transaction.atomic():
        written += rebuild_period_rollups(since=start)
    log(f"roll-ups {start} .. {today}: {written:,} rows")
    return written
