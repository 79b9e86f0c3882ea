"""Reads of the reports: the scopes a user may open, and indicator tables read from the roll-ups only."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from portal.access import Access, Role
from portal.models import Centre, Country
from portal.reports.indicators import (
    BY_CODE,
    DAYS,
    DIMENSION_NAMES,
    INDICATORS,
    MEDIAN,
    PEOPLE,
    RATE,
    SNAPSHOT_CODES,
    Indicator,
    dimension_labels,
)
from portal.reports.models import DailyCount, Level, PeopleCount, PeriodCount, PersonDay, ReportBuild
from portal.reports.services import COMPLEMENTARY, SMALL, Cell, is_small, suppress

REPORT_ROLES = (Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.PROGRAMME_ANALYST)
CENTRE, COUNTRY, PROGRAMME = "centre", "country", "programme"


@dataclass(frozen=True)
class Scope:
    """Whose numbers: one centre, one country or the programme. ``suppressed``: aggregates for eyes
    outside the centre, with small cells hidden."""

    kind: str
    label: str
    suppressed: bool
    centre_ids: tuple[int, ...] | None = None  # None: every centre
    centre: Centre | None = None
    country: Country | None = None

    def centre_q(self, prefix: str = "") -> Q:
        return Q() if self.centre_ids is None else Q(**{f"{prefix}centre_id__in": self.centre_ids})


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str


def get_centre_scope(*, access: Access, public_id: Any) -> Scope:
    """One centre: its managers (every number), the coordinators of its country and analysts
    (aggregated, suppressed). Anyone else, or an unknown centre: 404."""
    try:
        centre = Centre.objects.select_related("country").get(public_id=public_id)
    except (Centre.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    own = centre.pk in access.centre_ids(Role.CENTRE_MANAGER)
    coordinated = centre.country_id in access.country_codes(Role.COUNTRY_COORDINATOR)
    if not (own or coordinated or access.has_role(Role.PROGRAMME_ANALYST)):
        raise Http404
    return Scope(CENTRE, centre.name, suppressed=not own, centre_ids=(centre.pk,), centre=centre)


def get_country_scope(*, access: Access, code: str) -> Scope:
    """Every centre of one country, aggregated and suppressed: its coordinators and analysts."""
    code = code.upper()
    if code not in access.country_codes(Role.COUNTRY_COORDINATOR) and not access.has_role(Role.PROGRAMME_ANALYST):
        raise Http404
    try:
        country = Country.objects.get(code=code)
    except Country.DoesNotExist as exc:
        raise Http404 from exc
    centre_ids = tuple(Centre.objects.filter(country=country).values_list("pk", flat=True))
    return Scope(COUNTRY, str(country.name), suppressed=True, centre_ids=centre_ids, country=country)


def get_programme_scope(*, access: Access) -> Scope:
    """Every centre of the programme, aggregated and suppressed: analysts only."""
    if not access.has_role(Role.PROGRAMME_ANALYST):
        raise Http404
    return Scope(PROGRAMME, _("The whole programme"), suppressed=True)


def default_scope(access: Access) -> tuple[str, dict[str, Any]] | None:
    """The URL name and kwargs of the dashboard a user starts from, or None without a report role."""
    if access.has_role(Role.PROGRAMME_ANALYST):
        return "reports:programme-dashboard", {}
    countries = sorted(access.country_codes(Role.COUNTRY_COORDINATOR))
    if countries:
        return "reports:country-dashboard", {"code": countries[0]}
    managed = [m.centre for m in access.memberships if m.role == Role.CENTRE_MANAGER and m.centre_id]
    if managed:
        return "reports:centre-dashboard", {"public_id": managed[0].public_id}
    return None


def list_scope_centres(*, scope: Scope) -> list[Centre]:
    """The centres inside a country scope, to drill down to (aggregated as well)."""
    if scope.kind != COUNTRY:
        return []
    return list(Centre.objects.filter(pk__in=scope.centre_ids).only("public_id", "name").order_by("name"))


# --- Indicator tables ------------------------------------------------------------------------------------


@dataclass
class TableRow:
    label: str | Promise
    cells: list[Cell]
    key: str = ""  # the dimension value (e.g. "female"), or a column's code in a comparison


@dataclass
class Breakdown:
    dimension: str
    name: str | Promise
    rows: list[TableRow]


@dataclass
class IndicatorResult:
    indicator: Indicator
    total: list[Cell]
    breakdowns: list[Breakdown] = field(default_factory=list)
    sample: list[int] = field(default_factory=list)  # medians: how many people each stands on

    @property
    def chart_max(self) -> int:
        return max([cell.count or 0 for cell in self.total] + [1])


@dataclass
class Report:
    scope: Scope
    periods: list[Period]
    results: list[IndicatorResult]

    @property
    def is_empty(self) -> bool:
        return all(not (cell.count or 0) for r in self.results for cell in r.total[:1])


_ONE_DAY = dt.timedelta(days=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def month_split(start: dt.date, end: dt.date) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
    """The whole calendar months inside ``start``..``end`` (the first days of the first and last of them,
    or None) and the ranges of days left around them."""
    first = start if start.day == 1 else _next_month(start)
    last_end = end if (end + _ONE_DAY).day == 1 else end.replace(day=1) - _ONE_DAY
    if first > last_end:
        return None, [(start, end)]
    days = []
    if start < first:
        days.append((start, first - _ONE_DAY))
    if last_end < end:
        days.append((last_end + _ONE_DAY, end))
    return (first, last_end.replace(day=1)), days


def _level_where(scope: Scope) -> tuple[str, list[Any]] | None:
    """The period roll-up rows (PeriodCount, PeopleCount) of a scope: a WHERE clause and its parameters, or
    None when the scope is not one centre, one whole country or the whole programme."""
    if scope.kind == CENTRE and scope.centre_ids is not None and len(scope.centre_ids) == 1:
        return "level = %s AND centre_id = %s AND country_id IS NULL", [Level.CENTRE, scope.centre_ids[0]]
    if scope.kind == COUNTRY and scope.country is not None:
        return "level = %s AND centre_id IS NULL AND country_id = %s", [Level.COUNTRY, scope.country.pk]
    if scope.kind == PROGRAMME and scope.centre_ids is None:
        return "level = %s AND centre_id IS NULL AND country_id IS NULL", [Level.PROGRAMME]
    return None


def _centre_where(scope: Scope, column: str = "centre_id") -> tuple[str, list[Any]]:
    if scope.centre_ids is None:
        return "", []
    return f" AND {column} = ANY(%s)", [list(scope.centre_ids)]


def _read_counts(scope: Scope, periods: list[Period]) -> dict[tuple[str, str, str], list[int]]:
    """One statement: (indicator, dimension, value) -> the sum in each period.

    Whole months are read from PeriodCount (a dozen rows per indicator value for a year, whatever the
    number of centres), the days around them from its day rows (a country, the programme) or from
    DailyCount (a centre, any other set of centres), the snapshots (last day) from DailyCount.
    """
    daily, periods_table = DailyCount._meta.db_table, PeriodCount._meta.db_table
    level = _level_where(scope)
    centre_sql, centre_params = _centre_where(scope)
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
    level = _level_where(scope)
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
    centre_sql, centre_params = _centre_where(scope)
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


def _plain(counts: list[int]) -> list[Cell]:
    return [Cell.shown(n) for n in counts]


def _table(indicator: Indicator, data: dict, key: Any, scope: Scope, n: int) -> IndicatorResult:
    """The total and breakdowns of one count indicator; suppressed per period when the scope asks."""
    zero = [0] * n
    total = data.get(key(indicator.code, "", ""), zero)

    def cells_of(t: int, column: list[int]) -> tuple[Cell, list[Cell]]:
        return suppress(t, column) if scope.suppressed else (Cell.shown(t), _plain(column))

    result = IndicatorResult(indicator, [cells_of(t, [])[0] for t in total])
    for dimension in indicator.dimensions:
        labels = dimension_labels(dimension)
        prefix = key(indicator.code, dimension, "")[:-1]
        extra = sorted({k[-1] for k in data if k[:-1] == prefix} - set(labels))
        values = [*labels, *extra]
        rows = [data.get(key(indicator.code, dimension, v), zero) for v in values]
        columns = [cells_of(total[p], [row[p] for row in rows])[1] for p in range(n)]
        table_rows = [
            TableRow(labels.get(value, value), [columns[p][i] for p in range(n)], value)
            for i, value in enumerate(values)
            if value != "unknown" or any(rows[i])
        ]
        result.breakdowns.append(Breakdown(dimension, DIMENSION_NAMES[dimension], table_rows))
    return result


def _share(a: Cell, b: Cell, *, suppressed: bool) -> Cell:
    """a ÷ b as a percentage of two shown cells; hidden when either is, or (suppressed) when b − a is small."""
    if a.hidden or b.hidden or (suppressed and is_small((b.count or 0) - (a.count or 0))):
        return Cell(None, SMALL if (a.display == SMALL or b.display == SMALL) else COMPLEMENTARY, True)
    if not b.count:
        return Cell(None, "—")
    percent = round(100 * (a.count or 0) / b.count)
    return Cell(percent, f"{percent} %")


def _rate(indicator: Indicator, by_code: dict[str, IndicatorResult], n: int, scope: Scope) -> IndicatorResult:
    """A share of two shown numbers; hidden when either is hidden or their difference is small."""
    num, den = by_code[indicator.numerator], by_code[indicator.denominator]

    def share(a: Cell, b: Cell) -> Cell:
        return _share(a, b, suppressed=scope.suppressed)

    result = IndicatorResult(indicator, [share(num.total[p], den.total[p]) for p in range(n)])
    for num_b, den_b in zip(num.breakdowns, den.breakdowns, strict=True):
        # Rows by value: a value (e.g. "unknown") may be listed for the denominator only.
        numerators = {row.key: row for row in num_b.rows}
        zero = [Cell.shown(0)] * n
        rows = [
            TableRow(
                b.label,
                [share(numerators[b.key].cells[p] if b.key in numerators else zero[p], b.cells[p]) for p in range(n)],
                b.key,
            )
            for b in den_b.rows
        ]
        result.breakdowns.append(Breakdown(num_b.dimension, num_b.name, rows))
    return result


class Histogram(Counter):
    """value -> how many people: a median's data, kept as counts (a year of a programme is many people)."""

    def median(self) -> float | int:
        """statistics.median of the values repeated by their counts, without repeating them."""
        size = self.total()
        wanted = (size - 1) // 2, size // 2  # the middle element(s)
        found: list[int] = []
        seen = 0
        for value in sorted(self):
            seen += self[value]
            while len(found) < 2 and seen > wanted[len(found)]:
                found.append(value)
        return found[0] if size % 2 else (found[0] + found[1]) / 2


def _median(indicator: Indicator, data: dict, n: int, scope: Scope) -> IndicatorResult:
    """The exact median of the stored histogram (days -> people); fewer than 5 people in a suppressed scope: hidden."""
    histograms = [Histogram() for _ in range(n)]
    for (code, dimension, value), counts in data.items():
        if code == indicator.code and dimension == DAYS:
            for p, c in enumerate(counts):
                if c:
                    histograms[p][int(value)] += c
    cells = [_median_cell(histogram, scope.suppressed) for histogram in histograms]
    return IndicatorResult(indicator, cells, sample=[h.total() for h in histograms])


def get_report(*, scope: Scope, periods: list[Period]) -> Report:
    """Every indicator of the catalogue for a scope and periods, read from the roll-ups in two queries
    (counts, unique people), whatever the length or number of the periods.

    Suppressed scopes get each table suppressed per period (see services.suppress). Never a name:
    the roll-ups hold none.
    """
    n = len(periods)
    counts = _read_counts(scope, periods)
    people = count_people(scope, periods)
    by_code: dict[str, IndicatorResult] = {}
    for indicator in INDICATORS:
        if indicator.kind == PEOPLE:
            by_code[indicator.code] = _table(indicator, people, lambda _c, d, v: (d, v), scope, n)
        elif indicator.kind == MEDIAN:
            by_code[indicator.code] = _median(indicator, counts, n, scope)
        elif indicator.kind != RATE:
            by_code[indicator.code] = _table(indicator, counts, lambda c, d, v: (c, d, v), scope, n)
    for indicator in INDICATORS:
        if indicator.kind == RATE:
            by_code[indicator.code] = _rate(indicator, by_code, n, scope)
    return Report(scope, periods, [by_code[indicator.code] for indicator in INDICATORS])


def indicator_codes() -> list[str]:
    return list(BY_CODE)


# --- PDF reports ------------------------------------------------------------------------------------------


def get_scope(*, access: Access, kind: str, key: Any = None) -> Scope:
    """The scope of `kind` (centre: its public id; country: its code), checked as the dashboards check it: 404."""
    if kind == CENTRE:
        return get_centre_scope(access=access, public_id=key)
    if kind == COUNTRY:
        return get_country_scope(access=access, code=str(key or ""))
    if kind == PROGRAMME:
        return get_programme_scope(access=access)
    raise Http404


def scope_key(scope: Scope) -> Any:
    """What names a scope in a URL or a build: the centre's public id, the country's code, or nothing."""
    if scope.kind == CENTRE and scope.centre is not None:
        return scope.centre.public_id
    if scope.kind == COUNTRY and scope.country is not None:
        return scope.country.code
    return None


def scope_of_build(build: ReportBuild) -> Scope:
    """System work (the build task): the scope a build was requested for, without an access check.

    The suppression is the build's, fixed when it was requested.
    """
    if build.scope_kind == CENTRE:
        centre = build.centre
        return Scope(CENTRE, centre.name, suppressed=build.suppressed, centre_ids=(centre.pk,), centre=centre)
    if build.scope_kind == COUNTRY:
        centre_ids = tuple(Centre.objects.filter(country=build.country_id).values_list("pk", flat=True))
        return Scope(
            COUNTRY, str(build.country.name), suppressed=build.suppressed, centre_ids=centre_ids, country=build.country
        )
    return Scope(PROGRAMME, _("The whole programme"), suppressed=True)


def _builds_of(scope: Scope) -> Any:
    """Builds of a scope that its reader may open: eyes outside a centre only ever get suppressed builds."""
    builds = ReportBuild.objects.filter(scope_kind=scope.kind)
    if scope.kind == CENTRE:
        builds = builds.filter(centre=scope.centre)
    elif scope.kind == COUNTRY:
        builds = builds.filter(country=scope.country)
    if scope.suppressed:
        builds = builds.filter(suppressed=True)
    return builds


def get_build(*, access: Access, public_id: Any) -> tuple[ReportBuild, Scope]:
    """A build and its scope, if the user may open that scope (and, outside the centre, only a
    suppressed build). Unknown or forbidden: 404."""
    try:
        build = ReportBuild.objects.select_related("centre", "country").get(public_id=public_id)
    except (ReportBuild.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    key = build.centre.public_id if build.centre_id else build.country_id
    scope = get_scope(access=access, kind=build.scope_kind, key=key)
    if scope.suppressed and not build.suppressed:
        raise Http404
    return build, scope


def list_builds(*, scope: Scope, limit: int = 200) -> list[ReportBuild]:
    """The report archive of a scope, newest first, in one query."""
    return list(_builds_of(scope).order_by("-created_at")[:limit])


# --- Comparison tables ------------------------------------------------------------------------------------


@dataclass
class Comparison:
    """The main indicators of one period side by side: the centres of a country, or the countries of the
    programme. ``rows`` hold one cell per column, then the scope's total; every row is suppressed as one
    table (its cells add up to the total), so no small cell can be worked out from the total."""

    scope: Scope
    period: Period
    heading: str | Promise
    columns: list[str]
    rows: list[TableRow]


def _median_cell(values: Histogram, suppressed: bool) -> Cell:
    size = values.total()
    if not size:
        return Cell(None, "—")
    if suppressed and is_small(size):
        return Cell(None, SMALL, True)
    m = values.median()
    return Cell(round(m), f"{m:g}")


def get_comparison(*, scope: Scope, period: Period) -> Comparison | None:
    """Country scope: its centres side by side; programme scope: its countries. Other scopes: None.

    Three queries whatever the number of columns: the columns, the roll-up counts grouped by column
    and indicator, and the unique people per column with the scope's total (GROUPING SETS). Unique
    people are counted once per column and once in the total, so a person counselled in two centres
    counts in both columns and once in the total. Suppressed like the dashboards (see services.suppress).
    """
    if scope.kind == COUNTRY:
        centres = sorted(Centre.objects.filter(pk__in=scope.centre_ids).only("pk", "name"), key=lambda c: c.name)
        keys: list[Any] = [c.pk for c in centres]
        labels = [c.name for c in centres]
        heading, sql_column = _("Centres side by side"), "p.centre_id"
    elif scope.kind == PROGRAMME:
        codes = Centre.objects.filter(scope.centre_q("")).values_list("country_id", flat=True).distinct()
        countries = sorted(Country.objects.filter(code__in=codes), key=lambda c: str(c.name))
        keys = [c.code for c in countries]
        labels = [str(c.name) for c in countries]
        heading, sql_column = _("Countries side by side"), "c.country_id"
    else:
        return None
    index = {key: i for i, key in enumerate(keys)}
    n = len(keys)
    sums: dict[str, list[int]] = {}
    histograms: dict[str, list[Histogram]] = {}
    for col, indicator_code, dimension, value, count in _counts_by_column(scope, period, keys):
        i = index.get(col)
        if i is None:
            continue
        if dimension == DAYS:
            histograms.setdefault(indicator_code, [Histogram() for _ in range(n)])[i][int(value)] += count
        else:
            sums.setdefault(indicator_code, [0] * n)[i] += count
    people, people_total = _people_by_column(scope, period, sql_column, keys)

    by_code: dict[str, TableRow] = {}
    for indicator in INDICATORS:
        if indicator.kind == RATE:
            continue
        if indicator.kind == MEDIAN:
            per_column = histograms.get(indicator.code, [Histogram() for _ in range(n)])
            cells = [_median_cell(values, scope.suppressed) for values in per_column]
            everyone = Histogram()
            for histogram in per_column:
                everyone.update(histogram)
            total_cell = _median_cell(everyone, scope.suppressed)
        else:
            if indicator.kind == PEOPLE:
                counts, total = people, people_total
            else:
                counts = sums.get(indicator.code, [0] * n)
                total = sum(counts)
            if scope.suppressed:
                total_cell, cells = suppress(total, counts)
            else:
                total_cell, cells = Cell.shown(total), _plain(counts)
        by_code[indicator.code] = TableRow(indicator.name, [*cells, total_cell], indicator.code)
    for indicator in INDICATORS:
        if indicator.kind == RATE:
            num, den = by_code[indicator.numerator], by_code[indicator.denominator]
            cells = [_share(a, b, suppressed=scope.suppressed) for a, b in zip(num.cells, den.cells, strict=True)]
            by_code[indicator.code] = TableRow(indicator.name, cells, indicator.code)
    table = [by_code[indicator.code] for indicator in INDICATORS]
    return Comparison(scope, period, heading, labels, table)


def _column_level(scope: Scope, keys: list[Any]) -> tuple[str, str, str, list[Any]] | None:
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


def _counts_by_column(scope: Scope, period: Period, keys: list[Any]) -> list[tuple[Any, str, str, str, int]]:
    """One statement: (column, indicator, dimension, value, sum) of the totals and median histograms of a
    period; whole months from PeriodCount (and, for countries, their days), other days and the snapshots
    from DailyCount."""
    daily, periods_table, centres = DailyCount._meta.db_table, PeriodCount._meta.db_table, Centre._meta.db_table
    level = _column_level(scope, keys)
    dcol = "d.centre_id" if scope.kind == COUNTRY else "c.country_id"
    centre_sql, centre_params = _centre_where(scope, "d.centre_id")
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


def _people_by_column(scope: Scope, period: Period, sql_column: str, keys: list[Any]) -> tuple[list[int], int]:
    """Unique people per column and in the whole scope, in one statement.

    A period starting on the first of a month is read from PeopleCount (each column and the total at
    their own level); otherwise each person is counted once per column and once in total from PersonDay.
    """
    index = {key: i for i, key in enumerate(keys)}
    level, total_level = _column_level(scope, keys), _level_where(scope)
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
