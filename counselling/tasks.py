"""Celery tasks of the counselling app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from counselling.notifications import send_follow_up_reminders, send_session_notice
from portal.outbox import once_per_message


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_follow_up_reminders_task() -> int:
    """Daily: e-mail each counsellor their due and overdue follow-ups (once a day, whatever the retries)."""
    return send_follow_up_reminders(today=timezone.localdate())


@shared_task(acks_late=True)
def anonymise_expired_cases_task() -> int:
    """Daily: anonymise clients whose cases closed longer ago than their country's retention period, and blank
    the appointment requests that never became a client after the same period."""
    from counselling.dataprotection import anonymise_expired_cases, redact_stale_appointment_requests

    today = timezone.localdate()
    redact_stale_appointment_requests(today=today)
    return anonymise_expired_cases(today=today)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
@once_per_message
def send_session_notice_task(*, session_id: int) -> int:
    """A colleague logged a session on a counsellor's case: tell them (queued through the outbox)."""
    return send_session_notice(session_id=session_id)
