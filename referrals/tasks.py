"""Celery tasks of the referrals app: thin wrappers around the notification functions."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from portal.outbox import once_per_message
from referrals.notifications import send_referral_reminders, send_referral_to_partner


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
@once_per_message
def send_referral_to_partner_task(*, referral_id: int) -> int:
    return send_referral_to_partner(referral_id=referral_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_referral_reminders_task() -> dict[str, int]:
    """Daily: overdue referrals to counsellors, unanswered ones to partners (once a day each)."""
    return send_referral_reminders(today=timezone.localdate())
