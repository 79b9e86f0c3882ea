"""The period a report covers (a month, a quarter, a year or a custom range) and the PDF request form.

The arithmetic (bounds, the periods compared, their labels) is in reports.periods."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.forms_base import SafeTextMixin
from reports.periods import CUSTOM, MONTH, QUARTER, YEAR, Period, bounds, period_names, periods_for

MAX_CUSTOM_DAYS = 3 * 366
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
        if kind in (MONTH, QUARTER, YEAR):
            month = cleaned.get("month") or self.today.month
            quarter = cleaned.get("quarter") or (self.today.month - 1) // 3 + 1
            start, end = bounds(kind, year=year, month=month, quarter=quarter)
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
