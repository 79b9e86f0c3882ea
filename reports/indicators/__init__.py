"""The indicators of the reports: what an indicator is (definitions), how each is computed from the raw tables
(computations), and the catalogue that defines each one once (catalogue)."""

from reports.indicators.catalogue import BY_CODE, INDICATORS, SNAPSHOT_CODES, STORED
from reports.indicators.computations import compute_people
from reports.indicators.definitions import (
    AGE_BAND,
    CATEGORY,
    COUNT,
    DAYS,
    DIMENSION_NAMES,
    MEDIAN,
    PEOPLE,
    PEOPLE_DIMENSIONS,
    RATE,
    SEX,
    SNAPSHOT,
    TARGET_GROUP,
    UNKNOWN,
    Indicator,
    PersonRow,
    Row,
    age_band,
    dimension_labels,
    report_tz,
)

__all__ = [
    "AGE_BAND",
    "BY_CODE",
    "CATEGORY",
    "COUNT",
    "DAYS",
    "DIMENSION_NAMES",
    "INDICATORS",
    "MEDIAN",
    "PEOPLE",
    "PEOPLE_DIMENSIONS",
    "RATE",
    "SEX",
    "SNAPSHOT",
    "SNAPSHOT_CODES",
    "STORED",
    "TARGET_GROUP",
    "UNKNOWN",
    "Indicator",
    "PersonRow",
    "Row",
    "age_band",
    "compute_people",
    "dimension_labels",
    "report_tz",
]
