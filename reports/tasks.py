"""Celery tasks of the reports: thin wrappers around services.

Each task is also registered under its name from before the reports were an app of their own
(``portal.reports.tasks.<name>``): outbox rows, broker messages and beat schedules written before the
move may still carry it. The aliases can go once no such row or message can be left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.utils import timezone

from reports import live
from reports.notifications import send_report_notices
from reports.services import (
    build_report,
    rebuild_and_check_rollups,
    rebuild_rollups,
    restart_stale_builds,
    schedule_monthly_reports,
)
from reports.services import rollups as rollup_services

# Late corrections (a session logged a few days after it was held, a referral closed by a partner
# link) land within this many days; older days are rebuilt on demand.
NIGHTLY_DAYS = 35
OLD_PREFIX = "portal.reports.tasks."


def task(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """`shared_task(**options)`, also registered under the task's old name (see the module docstring)."""

    def register(func: Callable[..., Any]) -> Any:
        shared_task(name=OLD_PREFIX + func.__name__, **options)(func)
        return shared_task(**options)(func)

    return register


@task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def rebuild_rollups_task(*, days: int = NIGHTLY_DAYS, start: str | None = None, end: str | None = None) -> int:
    """Rebuild the roll-ups of the last `days` days up to today (or of start..end, ISO dates)."""
    today = timezone.localdate()
    first = dt.date.fromisoformat(start) if start else today - dt.timedelta(days=days)
    last = dt.date.fromisoformat(end) if end else today
    return rebuild_rollups(start=first, end=last)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def rebuild_rollups_today_task(*, start: str) -> int:
    """After writes the indicators count: rebuild the roll-ups from `start` (ISO date) to today, so today's
    figures are current (reports.live). A message whose rebuild another run took already does nothing."""
    message_id = live.current_message_id()
    if not live.claim(message_id):
        return 0
    try:
        return rollup_services.rebuild_rollups(start=dt.date.fromisoformat(start), end=timezone.localdate())
    except Exception:
        live.release(message_id)
        raise


@task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def rebuild_and_check_rollups_task(*, days: int = NIGHTLY_DAYS) -> bool:
    """Nightly: rebuild the roll-ups of the last `days` days, then check them against the raw tables.
    Returns whether the check found them equal (a mismatch is audited, logged and e-mailed)."""
    today = timezone.localdate()
    return rebuild_and_check_rollups(start=today - dt.timedelta(days=days), end=today)["ok"]


@task(acks_late=True)
def build_report_task(*, build_id: int) -> str:
    """Render one queued PDF report (a done build is not rebuilt). Returns its status."""
    return build_report(build_id=build_id).status


@shared_task
def restart_stale_builds_task() -> int:
    """Every minute (beat): queue again the builds whose worker died mid-build; see restart_stale_builds."""
    return restart_stale_builds()


@task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def build_monthly_reports_task() -> int:
    """On the first of the month: last month's report for every active centre, managers told by e-mail."""
    return schedule_monthly_reports(today=timezone.localdate())


@task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_report_notices_task(*, build_id: int) -> int:
    """E-mail a scheduled report's managers a link to it (each once)."""
    return send_report_notices(build_id=build_id)
