"""Celery tasks of the reports: thin wrappers around services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from portal.reports.services import (
    build_report,
    rebuild_and_check_rollups,
    rebuild_rollups,
    schedule_monthly_reports,
)

# Late corrections (a session logged a few days after it was held, a referral closed by a partner
# link) land within this many days; older days are rebuilt on demand.
NIGHTLY_DAYS = 35


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def rebuild_rollups_task(*, days: int = NIGHTLY_DAYS, start: str | None = None, end: str | None = None) -> int:
    """Rebuild the roll-ups of the last `days` days up to today (or of start..end, ISO dates)."""
    today = timezone.localdate()
    first = dt.date.fromisoformat(start) if start else today - dt.timedelta(days=days)
    last = dt.date.fromisoformat(end) if end else today
    return rebuild_rollups(start=first, end=last)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def rebuild_and_check_rollups_task(*, days: int = NIGHTLY_DAYS) -> bool:
    """Nightly: rebuild the roll-ups of the last `days` days, then check them against the raw tables.
    Returns whether the check found them equal (a mismatch is audited, logged and e-mailed)."""
    today = timezone.localdate()
    return rebuild_and_check_rollups(start=today - dt.timedelta(days=days), end=today)["ok"]


@shared_task(acks_late=True)
def build_report_task(*, build_id: int) -> str:
    """Render one queued PDF report (a done build is not rebuilt). Returns its status."""
    return build_report(build_id=build_id).status


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def build_monthly_reports_task() -> int:
    """On the first of the month: last month's report for every active centre, managers told by e-mail."""
    return schedule_monthly_reports(today=timezone.localdate())


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_report_notices_task(*, build_id: int) -> int:
    """E-mail a scheduled report's managers a link to it (each once)."""
    from portal.reports.notifications import send_report_notices

    return send_report_notices(build_id=build_id)
