"""What an indicator is: its kinds, the dimensions it is broken down by and their labels, the age bands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from counselling.agebands import AgeBand, age_band_on
from counselling.models import Sex, TargetGroup
from referrals.models import ServiceCategory

Row = tuple[int, dt.date, str, str, int]  # centre id, day, dimension, value, count
PersonRow = tuple[int, dt.date, int, str, str, str]  # centre id, day, client id, sex, age band, target group

COUNT = "count"  # additive: sum the days of a period
PEOPLE = "people"  # unique people: counted once per period, from PersonDay
SNAPSHOT = "snapshot"  # a state: read on the last day of the period
RATE = "rate"  # numerator ÷ denominator, two other indicators
MEDIAN = "median"  # median of a histogram kept as dimension "days"

SEX = "sex"
AGE_BAND = "age_band"
TARGET_GROUP = "target_group"
CATEGORY = "category"
DAYS = "days"
PEOPLE_DIMENSIONS = (SEX, AGE_BAND, TARGET_GROUP)
UNKNOWN = "unknown"


def report_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def age_band(birth_date: dt.date | None, birth_year: int | None, on: dt.date) -> str:
    """The age band on the day of the event; only a year of birth gives the age reached that year."""
    band = age_band_on(birth_date, birth_year, on)
    return UNKNOWN if band is None else band.value


def dimension_labels(dimension: str) -> dict[str, Promise | str]:
    """Translated labels of a dimension's values, in display order (unknown last)."""
    unknown = pgettext_lazy("report value", "Not recorded")
    if dimension == SEX:
        return {**dict(Sex.choices), UNKNOWN: unknown}
    if dimension == AGE_BAND:
        return {**dict(AgeBand.choices), UNKNOWN: unknown}
    if dimension == TARGET_GROUP:
        return {**dict(TargetGroup.choices), UNKNOWN: unknown}
    if dimension == CATEGORY:
        return dict(ServiceCategory.choices)
    return {}


DIMENSION_NAMES = {
    SEX: _("By sex"),
    AGE_BAND: _("By age band"),
    TARGET_GROUP: _("By target group"),
    CATEGORY: _("By service category"),
}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Promise
    definition: Promise
    kind: str
    group: Promise
    dimensions: tuple[str, ...] = ()
    compute: Callable[[dt.date, dt.date], Iterable[Row]] | None = field(default=None, compare=False)
    numerator: str = ""
    denominator: str = ""

    @property
    def is_stored(self) -> bool:
        """Kept in DailyCount (people live in PersonDay; rates are computed when read)."""
        return self.kind in (COUNT, SNAPSHOT, MEDIAN)
