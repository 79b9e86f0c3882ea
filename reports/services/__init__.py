"""Writes of the reports: rebuilding the roll-up tables (rollups), checking them (checks), PDF builds (builds).

Small-cell suppression is in reports.suppression, period arithmetic in reports.periods.
"""

from reports.services.builds import (
    PeriodNotAllowed,
    build_report,
    manager_language,
    request_report,
    restart_stale_builds,
    schedule_monthly_reports,
)
from reports.services.checks import check_rollups, latest_check, rebuild_and_check_rollups
from reports.services.rollups import rebuild_period_rollups, rebuild_rollups

__all__ = [
    "PeriodNotAllowed",
    "build_report",
    "check_rollups",
    "latest_check",
    "manager_language",
    "rebuild_and_check_rollups",
    "rebuild_period_rollups",
    "rebuild_rollups",
    "request_report",
    "restart_stale_builds",
    "schedule_monthly_reports",
]
