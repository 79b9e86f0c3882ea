"""Celery tasks of the portal app: thin wrappers around services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from portal import outbox
from portal.emails import send_staff_invitation
from portal.mail import deliver_email
from portal.models import WorkerHeartbeat


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
@outbox.once_per_message
def send_staff_invitation_task(*, invitation_id: int) -> None:
    send_staff_invitation(invitation_id=invitation_id)


# SMTP errors are OSErrors. Eight retries with backoff cover a few minutes; past that the outbox sends the row
# again every half hour, 25 times (portal/outbox.py): a mail server down for hours delays the mail, nothing more.
@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=300, max_retries=8)
@outbox.once_per_message
def send_email_task(*, message: str, mailer: str = "delivery") -> int:
    """Deliver one e-mail queued by `portal.mail.OutboxBackend`, once per outbox row."""
    return deliver_email(message=message, mailer=mailer)


@shared_task(acks_late=True)
def dispatch_outbox_task(*, stale_after_seconds: int | None = None) -> int:
    """Every minute: send outbox rows the broker never took, and re-send stale ones not completed."""
    if stale_after_seconds is None:
        return outbox.dispatch_pending()
    return outbox.dispatch_pending(stale_after=dt.timedelta(seconds=stale_after_seconds))


@shared_task(bind=True, ignore_result=True)
def heartbeat_task(self, *, queue: str) -> None:
    """Every 30 s per queue: the worker consuming `queue` is alive and consuming (see /healthz)."""
    WorkerHeartbeat.objects.update_or_create(
        queue=queue, defaults={"seen_at": timezone.now(), "hostname": (self.request.hostname or "")[:200]}
    )
