"""Reads of the roll-up tables in SQL: counts and unique people per period, and per column of a comparison.

Whole months are read from the period roll-ups (PeriodCount, PeopleCount), other days from the daily ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from portal.models import Centre
from reports.indicators import DAYS, SNAPSHOT_CODES
from reports.models import DailyCount, Level, PeopleCount, PeriodCount, PersonDay, RollupFreshness
from reports.periods import Period, month_split
from reports.selectors.scopes import CENTRE, COUNTRY, PROGRAMME, Scope


def data_as_of() -> dt.datetime | None:
    """When the roll-ups were last rebuilt up to today (None before the first rebuild): one query."""
    return RollupFreshness.objects.values_list("as_of", flat=True).first()


def level_where(scope: Scope) -> tuple[str, list[Any]] | None:
    """The period roll-up rows (PeriodCount, PeopleCount) of a scope: a WHERE clause and its parameters, or
    None when the scope is not one centre, one whole country or the whole programme."""
    if scope.kind == CENTRE and scope.centre_ids is not None and len(scope.centre_ids) == 1:
        return "level = %s AND centre_id = %s AND country_id IS NULL", [Level.CENTRE, scope.centre_ids[0]]
    if scope.kind == COUNTRY and scope.country is not None:
        return "level = %s AND centre_id IS NULL AND country_id = %s", [Level.COUNTRY, scope.country.pk]
    if scope.kind == PROGRAMME and scope.centre_ids is None:
        return "level = %s AND centre_id IS NULL AND country_id IS NULL", [Level.PROGRAMME]
    return None


def centre_where(scope: Scope, column: str = "centre_id") -> tuple[str, list[Any]]:
    if scope.centre_ids is None:
        return "", []
    return f" AND {column} = ANY(%s)", [list(scope.centre_ids)]


def read_counts(scope: Scope, periods: list[Period]) -> dict[tuple[str, str, str], list[int]]:
    """One statement: (indicator, dimension, value) -> the sum in each period.

    Whole months are read from PeriodCount (a dozen rows per indicator value for a year, whatever the
    number of centres), the days around them from its day rows (a country, the programme) or from
    DailyCount (a centre, any other set of centres), the snapshots (last day) from DailyCount.
    """
    daily, periods_table = DailyCount._meta.db_table, PeriodCount._meta.db_table
    level = level_where(scope)
    centre_sql, centre_params = centre_where(scope)
    snapshots = sorted(SNAPSHOT_CODES)
    parts: list[str] = []
    params: list[Any] = []
    for i, period in enumerate(periods):
        months, days = month_split(period.start, period.end) if level else (None, [(period.start, period.end)])
        if months and level:
            parts.append(
                f"SELECT %s AS p, indicator, dimension, value, count FROM {periods_table} "  # noqa: S608 - model tables
                f"WHERE {level[0]} AND grain = 'month' AND day BETWEEN %s AND %s"
            )
            params += [i, *level[1], *months]
        for first, last in days:
            if level and scope.kind != CENTRE:
                parts.append(
                    f"SELECT %s AS p, indicator, dimension, value, count FROM {periods_table} "  # noqa: S608
                    f"WHERE {level[0]} AND grain = 'day' AND day BETWEEN %s AND %s"
                )
                params += [i, *level[1], first, last]
                continue
            parts.append(
                f"SELECT %s AS p, indicator, dimension, value, count FROM {daily} "  # noqa: S608
                f"WHERE day BETWEEN %s AND %s AND NOT (indicator = ANY(%s)){centre_sql}"
            )
            params += [i, first, last, snapshots, *centre_params]
        parts.append(
            f"SELECT %s AS p, indicator, dimension, value, count FROM {daily} "  # noqa: S608
            f"WHERE day = %s AND indicator = ANY(%s){centre_sql}"
        )
        params += [i, period.end, snapshots, *centre_params]
    sql = (
        "SELECT indicator, dimension, value, p, sum(count)::bigint FROM ("  # noqa: S608
        + " UNION ALL ".join(parts)
        + ") AS counts GROUP BY indicator, dimension, value, p"
    )
    result: dict[tuple[str, str, str], list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for indicator, dimension, value, p, n in cursor.fetchall():
            result.setdefault((indicator, dimension, value), [0] * len(periods))[p] = n or 0
    return result


_PEOPLE_VALUES = "(VALUES ('', ''), ('sex', f.sex), ('age_band', f.age_band), ('target_group', f.target_group))"


def _people_parts(scope: Scope, p: int, period: Period) -> tuple[list[str], list[Any]]:
    """SELECTs of (p, dimension, value, n) whose sums are the unique people of one period.

    A period starting on the first of a month in a centre, country or programme scope is read from
    PeopleCount (see its docstring); any other (a custom range, an ad-hoc set of centres) counts each
    person once from PersonDay, at their first visit of the period (order: day, centre).
    """
    level = level_where(scope)
    parts: list[str] = []
    params: list[Any] = []
    if level and period.start.day == 1:
        months, days = month_split(period.start, period.end)
        table = PeopleCount._meta.db_table
        ranges = ([("month", *months)] if months else []) + [("day", *d) for d in days]
        for grain, first, last in ranges:
            parts.append(
                f"SELECT %s AS p, dimension, value, count AS n FROM {table} "  # noqa: S608 - model tables
                f"WHERE {level[0]} AND grain = %s AND day BETWEEN %s AND %s "
                "AND (new_from IS NULL OR new_from <= %s)"
            )
            params += [p, *level[1], grain, first, last, period.start]
        return parts, params
    centre_sql, centre_params = centre_where(scope)
    parts.append(
        f"SELECT %s AS p, v.dimension, v.value, 1 AS n FROM (SELECT DISTINCT ON (client_key) sex, age_band, "  # noqa: S608
        f"target_group FROM {PersonDay._meta.db_table} WHERE day BETWEEN %s AND %s{centre_sql} "
        f"ORDER BY client_key, day, centre_id) AS f CROSS JOIN LATERAL {_PEOPLE_VALUES} AS v(dimension, value)"
    )
    params += [p, period.start, period.end, *centre_params]
    return parts, params


def count_people(scope: Scope, periods: list[Period]) -> dict[tuple[str, str], list[int]]:
    """Unique people per period, one SQL statement: each person once, with their sex, age band and
    target group at their first session of the period (and at that session's centre).

    Returns (dimension, value) -> counts per period, the total under ("", "").
    """
    parts: list[str] = []
    params: list[Any] = []
    for i, period in enumerate(periods):
        more, more_params = _people_parts(scope, i, period)
        parts += more
        params += more_params
    sql = (
        "SELECT p, dimension, value, sum(n)::bigint FROM ("  # noqa: S608
        + " UNION ALL ".join(parts)
        + ") AS firsts GROUP BY p, dimension, value"
    )
    result: dict[tuple[str, str], list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for p, dimension, value, n in cursor.fetchall():
            result.setdefault((dimension, value), [0] * len(periods))[p] = n or 0
    return result


def column_level(scope: Scope, keys: list[Any]) -> tuple[str, str, str, list[Any]] | None:
    """The period roll-up rows of a comparison's columns (``keys``: centre ids or country codes): (column,
    its NULL, WHERE clause, parameters), or None when they cannot be read from them (a programme scope
    limited to some centres)."""
    if scope.kind == COUNTRY:
        where = "level = %s AND centre_id = ANY(%s) AND country_id IS NULL"
        return "centre_id", "NULL::bigint", where, [Level.CENTRE, list(keys)]
    if scope.kind == PROGRAMME and scope.centre_ids is None:
        where = "level = %s AND centre_id IS NULL AND country_id = ANY(%s)"
        return "country_id", "NULL::varchar", where, [Level.COUNTRY, list(keys)]
    return None


def counts_by_column(scope: Scope, period: Period, keys: list[Any]) -> list[tuple[Any, str, str, str, int]]:
    """One statement: (column, indicator, dimension, value, sum) of the totals and median histograms of a
    period; whole months from PeriodCount (and, for countries, their days), other days and the snapshots
    from DailyCount."""
    daily, periods_table, centres = DailyCount._meta.db_table, PeriodCount._meta.db_table, Centre._meta.db_table
    level = column_level(scope, keys)
    dcol = "d.centre_id" if scope.kind == COUNTRY else "c.country_id"
    centre_sql, centre_params = centre_where(scope, "d.centre_id")
    snapshots = sorted(SNAPSHOT_CODES)
    months, days = month_split(period.start, period.end) if level else (None, [(period.start, period.end)])
    parts: list[str] = []
    params: list[Any] = []
    if months and level:
        parts.append(
            f"SELECT {level[0]} AS col, indicator, dimension, value, count FROM {periods_table} "  # noqa: S608
            f"WHERE {level[2]} AND grain = 'month' AND day BETWEEN %s AND %s AND dimension IN ('', %s)"
        )
        params += [*level[3], *months, DAYS]
    if level and scope.kind == PROGRAMME:  # the countries' own day rows
        for first, last in days:
            parts.append(
                f"SELECT {level[0]} AS col, indicator, dimension, value, count FROM {periods_table} "  # noqa: S608
                f"WHERE {level[2]} AND grain = 'day' AND day BETWEEN %s AND %s AND dimension IN ('', %s)"
            )
            params += [*level[3], first, last, DAYS]
        days = []
    base = (
        f"SELECT {dcol} AS col, d.indicator, d.dimension, d.value, d.count FROM {daily} d "  # noqa: S608
        f"JOIN {centres} c ON c.id = d.centre_id WHERE d.dimension IN ('', %s){centre_sql} AND "
    )
    for first, last in days:
        parts.append(base + "d.day BETWEEN %s AND %s AND NOT (d.indicator = ANY(%s))")
        params += [DAYS, *centre_params, first, last, snapshots]
    parts.append(base + "d.day = %s AND d.indicator = ANY(%s)")
    params += [DAYS, *centre_params, period.end, snapshots]
    sql = (
        "SELECT col, indicator, dimension, value, sum(count)::bigint FROM ("  # noqa: S608
        + " UNION ALL ".join(parts)
        + ") AS counts GROUP BY col, indicator, dimension, value"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def people_by_column(scope: Scope, period: Period, sql_column: str, keys: list[Any]) -> tuple[list[int], int]:
    """Unique people per column and in the whole scope, in one statement.

    A period starting on the first of a month is read from PeopleCount (each column and the total at
    their own level); otherwise each person is counted once per column and once in total from PersonDay.
    """
    index = {key: i for i, key in enumerate(keys)}
    level, total_level = column_level(scope, keys), level_where(scope)
    if level and total_level and period.start.day == 1:
        months, days = month_split(period.start, period.end)
        ranges = ([("month", *months)] if months else []) + [("day", *d) for d in days]
        table = PeopleCount._meta.db_table
        when = "grain = %s AND day BETWEEN %s AND %s AND dimension = '' AND (new_from IS NULL OR new_from <= %s)"
        parts: list[str] = []
        params: list[Any] = []
        for grain, first, last in ranges:
            parts.append(f"SELECT {level[0]} AS col, 0 AS total, count FROM {table} WHERE {level[2]} AND {when}")  # noqa: S608
            params += [*level[3], grain, first, last, period.start]
            parts.append(f"SELECT {level[1]}, 1, count FROM {table} WHERE {total_level[0]} AND {when}")  # noqa: S608
            params += [*total_level[1], grain, first, last, period.start]
        sql = "SELECT col, total, sum(count)::bigint FROM (" + " UNION ALL ".join(parts) + ") AS x GROUP BY col, total"  # noqa: S608
    else:
        table, centres = PersonDay._meta.db_table, Centre._meta.db_table
        where, params = "p.day BETWEEN %s AND %s", [period.start, period.end]
        if scope.centre_ids is not None:
            where += " AND p.centre_id = ANY(%s)"
            params.append(list(scope.centre_ids))
        sql = (
            f"SELECT {sql_column}, GROUPING({sql_column}), count(DISTINCT p.client_key) "  # noqa: S608
            f"FROM {table} p JOIN {centres} c ON c.id = p.centre_id WHERE {where} "
            f"GROUP BY GROUPING SETS (({sql_column}), ())"
        )
    counts, total = [0] * len(index), 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for key, grouped, n in cursor.fetchall():
            if grouped:
                total = n or 0
            elif key in index:
                counts[index[key]] = n or 0
    return counts, total
