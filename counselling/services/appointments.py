"""The centre's intake queue: a visitor's appointment request, then contacted, scheduled, closed or linked.

Every write is atomic and audited (``counselling.appointment.*``); the audit
details hold codes, never the visitor's name, contact or message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counselling.audit import CounsellingAudit
from counselling.models import AppointmentRequest, AppointmentStatus, Client
from portal.access import unscoped
from portal.audit import record_event
from portal.errors import DomainError
from portal.models import Centre


@transaction.atomic(durable=True)
def request_appointment(
    *,
    centre: Centre,
    user: Any,
    name: str,
    contact: str,
    preferred_channel: str,
    topic: str,
    message: str = "",
) -> AppointmentRequest:
    """Store a visitor's request in the centre's queue (status new), linked to their account when signed in.

    Nothing of it is public. Audited as ``counselling.appointment.requested`` without personal details.
    """
    signed_in = user if getattr(user, "is_authenticated", False) else None
    appointment = AppointmentRequest.objects.create(
        centre=centre,
        user=signed_in,
        name=name.strip(),
        contact=contact.strip(),
        preferred_channel=preferred_channel,
        topic=topic,
        message=message.strip(),
        consent_given_at=timezone.now(),
    )
    record_event(
        actor=signed_in,
        action=CounsellingAudit.APPOINTMENT_REQUESTED,
        target=appointment,
        details={"topic": topic, "channel": preferred_channel},
    )
    return appointment


def _open(appointment: AppointmentRequest) -> None:
    if appointment.status == AppointmentStatus.CLOSED:
        raise DomainError(_("This request is closed."))


def _locked_request(appointment: AppointmentRequest) -> AppointmentRequest:
    """The same row under a lock, so that two counsellors do not act on it at once."""
    # The caller fetched `appointment` through the door; this only re-reads it under a lock.
    with unscoped():
        return AppointmentRequest.objects.select_for_update().get(pk=appointment.pk)


@transaction.atomic(durable=True)
def mark_appointment_contacted(*, actor: Any, appointment: AppointmentRequest) -> AppointmentRequest:
    """Note that the centre reached the person. Audited ``counselling.appointment.contacted``."""
    row = _locked_request(appointment)
    _open(row)
    row.status = AppointmentStatus.CONTACTED if row.status == AppointmentStatus.NEW else row.status
    row.handled_by = actor
    row.save(update_fields=["status", "handled_by", "updated_at"])
    record_event(actor=actor, action=CounsellingAudit.APPOINTMENT_CONTACTED, target=row)
    return row


@transaction.atomic(durable=True)
def schedule_appointment(*, actor: Any, appointment: AppointmentRequest, when: dt.datetime) -> AppointmentRequest:
    """Give the request an appointment time (aware, not in the past). Audited ``counselling.appointment.scheduled``."""
    row = _locked_request(appointment)
    _open(row)
    if when <= timezone.now():
        raise DomainError(_("The appointment cannot be in the past."), field="scheduled_for")
    row.status = AppointmentStatus.SCHEDULED
    row.scheduled_for = when
    row.handled_by = actor
    row.save(update_fields=["status", "scheduled_for", "handled_by", "updated_at"])
    record_event(
        actor=actor, action=CounsellingAudit.APPOINTMENT_SCHEDULED, target=row, details={"at": when.isoformat()}
    )
    return row


@transaction.atomic(durable=True)
def close_appointment(*, actor: Any, appointment: AppointmentRequest, reason: str) -> AppointmentRequest:
    """Close the request with a reason (kept on the row, not in the audit log). Audited ``...closed``."""
    row = _locked_request(appointment)
    _open(row)
    if not reason.strip():
        raise DomainError(_("Say why the request is closed."), field="reason")
    row.status = AppointmentStatus.CLOSED
    row.closed_reason = reason.strip()
    row.handled_by = actor
    row.save(update_fields=["status", "closed_reason", "handled_by", "updated_at"])
    record_event(actor=actor, action=CounsellingAudit.APPOINTMENT_CLOSED, target=row)
    return row


@transaction.atomic(durable=True)
def link_appointment_client(*, actor: Any, appointment: AppointmentRequest, client: Client) -> AppointmentRequest:
    """Attach the client registered from this request (same centre only). Audited ``...converted``."""
    row = _locked_request(appointment)
    if client.centre_id != row.centre_id:
        raise DomainError(_("The client belongs to another centre."))
    row.client = client
    row.handled_by = actor
    if row.status == AppointmentStatus.NEW:
        row.status = AppointmentStatus.CONTACTED
    row.save(update_fields=["client", "handled_by", "status", "updated_at"])
    record_event(actor=actor, action=CounsellingAudit.APPOINTMENT_CONVERTED, target=row)
    return row
