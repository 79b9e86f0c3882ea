"""Age bands: the one definition the statistics use (group sessions, job-fair declarations, the reports)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("under 18")
    FROM_18_TO_24 = "18_24", _("18 to 24")
    FROM_25_TO_34 = "25_34", _("25 to 34")
    FROM_35_TO_49 = "35_49", _("35 to 49")
    FROM_50 = "50_plus", _("50 and older")


def band_of_age(age: int) -> AgeBand:
    """The band of an age in whole years."""
    if age < 18:
        return AgeBand.UNDER_18
    if age < 25:
        return AgeBand.FROM_18_TO_24
    if age < 35:
        return AgeBand.FROM_25_TO_34
    if age < 50:
        return AgeBand.FROM_35_TO_49
    return AgeBand.FROM_50


def age_band_on(birth_date: dt.date | None, birth_year: int | None, on: dt.date) -> AgeBand | None:
    """The age band on the day `on`, or None when neither is known; only a year of birth gives the age
    reached that year."""
    if birth_date is not None:
        return band_of_age(on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day)))
    if birth_year:
        return band_of_age(on.year - birth_year)
    return None
