"""Celery tasks of the counselling app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from counselling.notifications import send_follow_up_reminders


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_follow_up_reminders_task() -> int:
    """Daily: e-mail each counsellor their due and overdue follow-ups (once a day, whatever the retries)."""
    return send_follow_up_reminders(today=timezone.localdate())


@shared_task(acks_late=True)
def anonymise_expired_cases_task() -> int:
    """Daily: anonymise clients whose cases closed longer ago than their country's retention period."""
    from counselling.privacy import anonymise_expired_cases

    return anonymise_expired_cases(today=timezone.localdate())
