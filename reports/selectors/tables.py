"""The dashboard's tables: every indicator of the catalogue for a scope and periods, suppressed where it must be."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext

from reports.indicators import (
    BY_CODE,
    DAYS,
    DIMENSION_NAMES,
    INDICATORS,
    MEDIAN,
    PEOPLE,
    RATE,
    Indicator,
    dimension_labels,
)
from reports.periods import Period
from reports.selectors.rollups import count_people, read_counts
from reports.selectors.scopes import Scope
from reports.suppression import COMPLEMENTARY, SMALL, Cell, is_small, suppress

# A rate shown to eyes outside the centre is rounded to the nearest 5 percent (see `share_of`).
RATE_ROUNDING = 5


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


def plain_cells(counts: list[int]) -> list[Cell]:
    return [Cell.shown(n) for n in counts]


def _table(indicator: Indicator, data: dict, key: Any, scope: Scope, n: int) -> IndicatorResult:
    """The total and breakdowns of one count indicator; suppressed per period when the scope asks."""
    zero = [0] * n
    total = data.get(key(indicator.code, "", ""), zero)

    def cells_of(t: int, column: list[int]) -> tuple[Cell, list[Cell]]:
        return suppress(t, column) if scope.suppressed else (Cell.shown(t), plain_cells(column))

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


def share_of(a: Cell, b: Cell, *, suppressed: bool) -> Cell:
    """a ÷ b as a percentage of two shown cells, from their exact counts (the shown ones may be rounded);
    hidden when either cell is, or (suppressed) when b − a is small. A suppressed rate is itself rounded to
    the nearest 5 %, so that it does not give back the exact counts its rounded cells hide."""
    numerator = a.exact if a.exact is not None else a.count
    denominator = b.exact if b.exact is not None else b.count
    if a.hidden or b.hidden or (suppressed and is_small((denominator or 0) - (numerator or 0))):
        return Cell(None, SMALL if (a.display == SMALL or b.display == SMALL) else COMPLEMENTARY, True)
    if not denominator:
        return Cell(None, "—")
    percent = 100 * (numerator or 0) / denominator
    shown = RATE_ROUNDING * round(percent / RATE_ROUNDING) if suppressed else round(percent)
    return Cell(shown, f"{shown} %")


def _rate(indicator: Indicator, by_code: dict[str, IndicatorResult], n: int, scope: Scope) -> IndicatorResult:
    """A share of two shown numbers; hidden when either is hidden or their difference is small."""
    num, den = by_code[indicator.numerator], by_code[indicator.denominator]

    def share(a: Cell, b: Cell) -> Cell:
        return share_of(a, b, suppressed=scope.suppressed)

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


def median_cell(values: Histogram, suppressed: bool) -> Cell:
    size = values.total()
    if not size:
        return Cell(None, "—")
    if suppressed and is_small(size):
        # Too few people for a median: "hidden", not "<5", which would read as "under 5 days".
        return Cell(None, gettext("hidden"), True)
    m = values.median()
    return Cell(round(m), f"{m:g}")


def _median(indicator: Indicator, data: dict, n: int, scope: Scope) -> IndicatorResult:
    """The exact median of the stored histogram (days -> people); fewer than 5 people in a suppressed scope: hidden."""
    histograms = [Histogram() for _ in range(n)]
    for (code, dimension, value), counts in data.items():
        if code == indicator.code and dimension == DAYS:
            for p, c in enumerate(counts):
                if c:
                    histograms[p][int(value)] += c
    cells = [median_cell(histogram, scope.suppressed) for histogram in histograms]
    return IndicatorResult(indicator, cells, sample=[h.total() for h in histograms])


def get_report(*, scope: Scope, periods: list[Period]) -> Report:
    """Every indicator of the catalogue for a scope and periods, read from the roll-ups in two queries
    (counts, unique people), whatever the length or number of the periods.

    Suppressed scopes get each table suppressed per period (see reports.suppression). Never a name:
    the roll-ups hold none.
    """
    n = len(periods)
    counts = read_counts(scope, periods)
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
