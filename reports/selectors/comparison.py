"""Comparison tables: the centres of a country, or the countries of the programme, side by side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from portal.models import Centre, Country
from reports.indicators import DAYS, INDICATORS, MEDIAN, PEOPLE, RATE
from reports.periods import Period
from reports.selectors.rollups import counts_by_column, people_by_column
from reports.selectors.scopes import COUNTRY, PROGRAMME, Scope
from reports.selectors.tables import Histogram, TableRow, median_cell, plain_cells, share_of
from reports.suppression import Cell, suppress


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


def get_comparison(*, scope: Scope, period: Period) -> Comparison | None:
    """Country scope: its centres side by side; programme scope: its countries. Other scopes: None.

    Three queries whatever the number of columns: the columns, the roll-up counts grouped by column
    and indicator, and the unique people per column with the scope's total (GROUPING SETS). Unique
    people are counted once per column and once in the total, so a person counselled in two centres
    counts in both columns and once in the total. Suppressed like the dashboards (see reports.suppression).
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
    for col, indicator_code, dimension, value, count in counts_by_column(scope, period, keys):
        i = index.get(col)
        if i is None:
            continue
        if dimension == DAYS:
            histograms.setdefault(indicator_code, [Histogram() for _ in range(n)])[i][int(value)] += count
        else:
            sums.setdefault(indicator_code, [0] * n)[i] += count
    people, people_total = people_by_column(scope, period, sql_column, keys)

    by_code: dict[str, TableRow] = {}
    for indicator in INDICATORS:
        if indicator.kind == RATE:
            continue
        if indicator.kind == MEDIAN:
            per_column = histograms.get(indicator.code, [Histogram() for _ in range(n)])
            cells = [median_cell(values, scope.suppressed) for values in per_column]
            everyone = Histogram()
            for histogram in per_column:
                everyone.update(histogram)
            total_cell = median_cell(everyone, scope.suppressed)
        else:
            if indicator.kind == PEOPLE:
                counts, total = people, people_total
            else:
                counts = sums.get(indicator.code, [0] * n)
                total = sum(counts)
            if scope.suppressed:
                total_cell, cells = suppress(total, counts)
            else:
                total_cell, cells = Cell.shown(total), plain_cells(counts)
        by_code[indicator.code] = TableRow(indicator.name, [*cells, total_cell], indicator.code)
    for indicator in INDICATORS:
        if indicator.kind == RATE:
            num, den = by_code[indicator.numerator], by_code[indicator.denominator]
            cells = [share_of(a, b, suppressed=scope.suppressed) for a, b in zip(num.cells, den.cells, strict=True)]
            by_code[indicator.code] = TableRow(indicator.name, cells, indicator.code)
    table = [by_code[indicator.code] for indicator in INDICATORS]
    return Comparison(scope, period, heading, labels, table)
