"""Celery tasks of the portal app: thin wrappers around services."""

from __future__ import annotations

from celery import shared_task

from portal.emails import send_staff_invitation


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_staff_invitation_task(*, invitation_id: int) -> None:
    send_staff_invitation(invitation_id=invitation_id)


from portal.reports.tasks import rebuild_rollups_task  # noqa: E402, F401  (registers the task with the worker)
