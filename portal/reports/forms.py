"""The period a report covers: a month, a quarter, a year or a custom range, with what it is compared to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.dates import MONTHS
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.forms_base import SafeTextMixin
from portal.reports.selectors import Period

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
MAX_CUSTOM_DAYS = 3 * 366
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def _range_label(start: dt.date, end: dt.date) -> str:
    return f"{formats.date_format(start, 'SHORT_DATE_FORMAT')} – {formats.date_format(end, 'SHORT_DATE_FORMAT')}"


class PeriodForm(SafeTextMixin, forms.Form):
    """Validation only: the chosen period, the previous one and the same period a year before."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[(MONTH, _("Month")), (QUARTER, _("Quarter")), (YEAR, _("Year")), (CUSTOM, _("Custom range"))],
        initial=MONTH,
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, required=False, choices=[("", "—"), *MONTHS.items()])
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        choices=[("", "—")] + [(q, format_lazy(_("Quarter {number}"), number=q)) for q in range(1, 5)],
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, data: Any = None, *, today: dt.date | None = None, **kwargs: Any) -> None:
        self.today = today or timezone.localdate()
        if data is not None and not data:
            data = None
        if data is None:
            data = {"period": MONTH, "year": self.today.year, "month": self.today.month}
        super().__init__(data, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("period")
        year = cleaned.get("year") or self.today.year
        if kind == MONTH:
            month = cleaned.get("month") or self.today.month
            start, end = dt.date(year, month, 1), _month_end(year, month)
        elif kind == QUARTER:
            quarter = cleaned.get("quarter") or (self.today.month - 1) // 3 + 1
            start, end = dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
        elif kind == YEAR:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        elif kind == CUSTOM:
            start, end = cleaned.get("start"), cleaned.get("end")
            if start is None or end is None:
                raise forms.ValidationError(_("Enter both the first and the last day of the range."))
            if end < start:
                raise forms.ValidationError(_("The end of the range is before its start."))
            if (end - start).days > MAX_CUSTOM_DAYS:
                raise forms.ValidationError(_("A custom range can cover at most three years."))
        else:
            return cleaned
        if start > self.today:
            raise forms.ValidationError(_("This period has not started yet: choose a period up to today."))
        cleaned["range"] = (start, min(end, self.today))
        return cleaned

    def periods(self) -> list[Period]:
        """The chosen period (up to today), the one before it, and the same dates a year earlier."""
        return periods_for(self.cleaned_data["period"], *self.cleaned_data["range"])

    @property
    def period_names(self) -> list[str]:
        return period_names()


def periods_for(kind: str, start: dt.date, end: dt.date) -> list[Period]:
    """A period of `kind` from `start` to `end`, the one before it and the same dates a year earlier.

    Labels are formatted in the active language (a PDF computes them inside its language).
    """
    if kind == MONTH:
        prev_end = start - dt.timedelta(days=1)
        previous = (prev_end.replace(day=1), prev_end)
    elif kind == QUARTER:
        prev_end = start - dt.timedelta(days=1)
        previous = (dt.date(prev_end.year, prev_end.month - 2, 1), prev_end)
    elif kind == YEAR:
        previous = (dt.date(start.year - 1, 1, 1), dt.date(start.year - 1, 12, 31))
    else:
        length = end - start
        previous = (start - length - dt.timedelta(days=1), start - dt.timedelta(days=1))
    last_start, last_end = _shift_year(start, -1), _shift_year(end, -1)
    return [
        Period(start, end, _range_label(start, end)),
        Period(*previous, _range_label(*previous)),
        Period(last_start, last_end, _range_label(last_start, last_end)),
    ]


def period_names() -> list[str]:
    return [str(_("This period")), str(_("Previous period")), str(_("Same period last year"))]


class ReportRequestForm(PeriodForm):
    """The period of a PDF report, its language and the manager's notes printed in it."""

    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Printed in the report under “Notes”. Do not write the names of clients."),
    )
