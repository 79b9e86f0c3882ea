"""Period arithmetic of the reports: the period a report covers, the ones it is compared with, whole months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext_lazy as _

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str


def shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - _ONE_DAY


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after the one of `day`."""
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the month before the one of `today`."""
    last = today.replace(day=1) - _ONE_DAY
    return last.replace(day=1), last


def bounds(kind: str, *, year: int, month: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a month, a quarter or a year (`kind` MONTH, QUARTER or YEAR)."""
    if kind == MONTH:
        return dt.date(year, month, 1), month_end(year, month)
    if kind == QUARTER:
        return dt.date(year, 3 * quarter - 2, 1), month_end(year, 3 * quarter)
    if kind == YEAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    raise ValueError(kind)


def month_split(start: dt.date, end: dt.date) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
    """The whole calendar months inside ``start``..``end`` (the first days of the first and last of them,
    or None) and the ranges of days left around them."""
    first = start if start.day == 1 else next_month(start)
    last_end = end if (end + _ONE_DAY).day == 1 else end.replace(day=1) - _ONE_DAY
    if first > last_end:
        return None, [(start, end)]
    days = []
    if start < first:
        days.append((start, first - _ONE_DAY))
    if last_end < end:
        days.append((last_end + _ONE_DAY, end))
    return (first, last_end.replace(day=1)), days


def range_label(start: dt.date, end: dt.date) -> str:
    return f"{formats.date_format(start, 'SHORT_DATE_FORMAT')} – {formats.date_format(end, 'SHORT_DATE_FORMAT')}"


def periods_for(kind: str, start: dt.date, end: dt.date) -> list[Period]:
    """A period of `kind` from `start` to `end`, the one before it and the same dates a year earlier.

    Labels are formatted in the active language (a PDF computes them inside its language).
    """
    if kind == MONTH:
        prev_end = start - _ONE_DAY
        previous = (prev_end.replace(day=1), prev_end)
    elif kind == QUARTER:
        prev_end = start - _ONE_DAY
        previous = (dt.date(prev_end.year, prev_end.month - 2, 1), prev_end)
    elif kind == YEAR:
        previous = (dt.date(start.year - 1, 1, 1), dt.date(start.year - 1, 12, 31))
    else:
        length = end - start
        previous = (start - length - _ONE_DAY, start - _ONE_DAY)
    last_start, last_end = shift_year(start, -1), shift_year(end, -1)
    return [
        Period(start, end, range_label(start, end)),
        Period(*previous, range_label(*previous)),
        Period(last_start, last_end, range_label(last_start, last_end)),
    ]


def period_names() -> list[str]:
    return [str(_("This period")), str(_("Previous period")), str(_("Same period last year"))]
