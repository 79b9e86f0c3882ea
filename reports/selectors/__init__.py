"""Reads of the reports, already scoped: the scopes a user may open (scopes), the roll-up tables in SQL
(rollups), the dashboard's indicator tables (tables), comparisons side by side (comparison), the PDF
archive (builds). Aggregates only: the roll-ups hold no name.
"""

from reports.selectors.builds import get_build, list_builds
from reports.selectors.comparison import Comparison, get_comparison
from reports.selectors.rollups import count_people, data_as_of
from reports.selectors.scopes import (
    CENTRE,
    COUNTRY,
    PROGRAMME,
    REPORT_ROLES,
    Scope,
    default_scope,
    get_centre_scope,
    get_country_scope,
    get_programme_scope,
    get_scope,
    list_scope_centres,
    scope_key,
    scope_of_build,
)
from reports.selectors.tables import (
    Breakdown,
    Histogram,
    IndicatorResult,
    Report,
    TableRow,
    get_report,
    indicator_codes,
)

__all__ = [
    "CENTRE",
    "COUNTRY",
    "PROGRAMME",
    "REPORT_ROLES",
    "Breakdown",
    "Comparison",
    "Histogram",
    "IndicatorResult",
    "Report",
    "Scope",
    "TableRow",
    "count_people",
    "data_as_of",
    "default_scope",
    "get_build",
    "get_centre_scope",
    "get_comparison",
    "get_country_scope",
    "get_programme_scope",
    "get_report",
    "get_scope",
    "indicator_codes",
    "list_builds",
    "list_scope_centres",
    "scope_key",
    "scope_of_build",
]
