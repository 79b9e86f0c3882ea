"""Celery tasks of the job fairs app: thin wrappers around the notifications."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from jobfairs import notifications
from portal.outbox import once_per_message

RETRY = {"acks_late": True, "autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
@once_per_message
def send_registration_confirmation_task(*, registration_id: int) -> None:
    notifications.send_registration_confirmation(registration_id=registration_id)


@shared_task(**RETRY)
@once_per_message
def send_promotion_notice_task(*, registration_id: int) -> None:
    notifications.send_promotion_notice(registration_id=registration_id)


@shared_task(**RETRY)
@once_per_message
def send_booking_confirmation_task(*, booking_id: int) -> None:
    notifications.send_booking_confirmation(booking_id=booking_id)


@shared_task(**RETRY)
def send_slot_reminders_task() -> int:
    """Every 15 minutes: remind candidates of meetings in the next hour (once per booking)."""
    return notifications.send_slot_reminders(now=timezone.now())


@shared_task(**RETRY)
def send_fair_surveys_task() -> int:
    """Hourly: after each fair, mark no-shows and send the survey to attendees and employers (once)."""
    return notifications.send_fair_surveys(now=timezone.now())
