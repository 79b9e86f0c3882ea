"""Reads of the reports: the scopes a user may open, and indicator tables read from the roll-ups only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from django.db import connection
from django.db.models import Q, Sum
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
from portal.reports.models import DailyCount, PersonDay, ReportBuild
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


def _period_q(period: Period) -> Q:
    """Additive indicators: the days of the period; snapshots: its last day."""
    return (Q(day__range=(period.start, period.end)) & ~Q(indicator__in=SNAPSHOT_CODES)) | Q(
        day=period.end, indicator__in=SNAPSHOT_CODES
    )


def _read_counts(scope: Scope, periods: list[Period]) -> dict[tuple[str, str, str], list[int]]:
    """One grouped query: (indicator, dimension, value) -> the sum in each period."""
    sums = {f"p{i}": Sum("count", filter=_period_q(p)) for i, p in enumerate(periods)}
    any_period = Q(pk__in=[])
    for period in periods:
        any_period |= _period_q(period)
    rows = (
        DailyCount.objects.filter(scope.centre_q())
        .filter(any_period)
        .values("indicator", "dimension", "value")
        .annotate(**sums)
        .order_by()
    )
    return {(r["indicator"], r["dimension"], r["value"]): [r[f"p{i}"] or 0 for i in range(len(periods))] for r in rows}


def count_people(scope: Scope, periods: list[Period]) -> dict[tuple[str, str], list[int]]:
    """Unique people per period, one SQL statement: each person once, with their sex, age band and
    target group at their first session of the period (and at that session's centre).

    Returns (dimension, value) -> counts per period, the total under ("", "").
    """
    table = PersonDay._meta.db_table
    parts, params = [], []
    for i, period in enumerate(periods):
        where = "day BETWEEN %s AND %s"
        params += [i, period.start, period.end]
        if scope.centre_ids is not None:
            where += " AND centre_id = ANY(%s)"
            params.append(list(scope.centre_ids))
        parts.append(
            f"(SELECT DISTINCT ON (client_key) %s AS p, sex, age_band, target_group FROM {table} "  # noqa: S608
            f"WHERE {where} ORDER BY client_key, day, centre_id)"
        )
    sql = (
        "SELECT p, sex, age_band, target_group, count(*) FROM ("  # noqa: S608
        + " UNION ALL ".join(parts)
        + ") AS firsts GROUP BY p, sex, age_band, target_group"
    )
    result: dict[tuple[str, str], list[int]] = {}

    def add(key: tuple[str, str], p: int, n: int) -> None:
        result.setdefault(key, [0] * len(periods))[p] += n

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for p, sex, band, group, n in cursor.fetchall():
            add(("", ""), p, n)
            add(("sex", sex), p, n)
            add(("age_band", band), p, n)
            add(("target_group", group), p, n)
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
            TableRow(labels.get(value, value), [columns[p][i] for p in range(n)])
            for i, value in enumerate(values)
            if value != "unknown" or any(rows[i])
        ]
        result.breakdowns.append(Breakdown(dimension, DIMENSION_NAMES[dimension], table_rows))
    return result


def _rate(indicator: Indicator, by_code: dict[str, IndicatorResult], n: int, scope: Scope) -> IndicatorResult:
    """A share of two shown numbers; hidden when either is hidden or their difference is small."""
    num, den = by_code[indicator.numerator], by_code[indicator.denominator]

    def share(a: Cell, b: Cell) -> Cell:
        if a.hidden or b.hidden or (scope.suppressed and is_small((b.count or 0) - (a.count or 0))):
            return Cell(None, SMALL if (a.display == SMALL or b.display == SMALL) else COMPLEMENTARY, True)
        if not b.count:
            return Cell(None, "—")
        percent = round(100 * (a.count or 0) / b.count)
        return Cell(percent, f"{percent} %")

    result = IndicatorResult(indicator, [share(num.total[p], den.total[p]) for p in range(n)])
    for num_b, den_b in zip(num.breakdowns, den.breakdowns, strict=True):
        rows = [
            TableRow(a.label, [share(a.cells[p], b.cells[p]) for p in range(n)])
            for a, b in zip(num_b.rows, den_b.rows, strict=True)
        ]
        result.breakdowns.append(Breakdown(num_b.dimension, num_b.name, rows))
    return result


def _median(indicator: Indicator, data: dict, n: int, scope: Scope) -> IndicatorResult:
    """The exact median of the stored histogram (days -> people); fewer than 5 people in a suppressed scope: hidden."""
    histograms: list[list[int]] = [[] for _ in range(n)]
    for (code, dimension, value), counts in data.items():
        if code == indicator.code and dimension == DAYS:
            for p, c in enumerate(counts):
                histograms[p] += [int(value)] * c
    cells, sample = [], []
    for values in histograms:
        sample.append(len(values))
        if not values:
            cells.append(Cell(None, "—"))
        elif scope.suppressed and is_small(len(values)):
            cells.append(Cell(None, SMALL, True))
        else:
            m = median(values)
            cells.append(Cell(round(m), f"{m:g}"))
    return IndicatorResult(indicator, cells, sample=sample)


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
