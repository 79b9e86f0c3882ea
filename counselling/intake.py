"""Appointment requests from the public site and the centre's intake queue: selectors and services.

Kept apart from services.py (already long). Every write is atomic and audited
(``counselling.appointment.*``); the audit details hold codes, never the
visitor's name, contact or message.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from counselling.models import AppointmentRequest, AppointmentStatus, Client
from portal.access import CASEWORK_ROLES, Access, get_visible_or_404, unscoped
from portal.audit import record_event
from portal.errors import DomainError
from portal.models import Centre

QUEUE_PAGE = 25


# --- Selectors ----------------------------------------------------------------------------------


def list_appointments(*, access: Access, status: str = "") -> QuerySet[AppointmentRequest]:
    """The intake queue of the user's centres, newest first; `status` narrows it. Staff rows only:
    a counsellor's own requests as a visitor elsewhere do not appear here."""
    rows = (
        AppointmentRequest.objects.visible_to(access)
        .filter(centre_id__in=access.centre_ids(*CASEWORK_ROLES))
        .select_related("centre", "handled_by")
        .order_by("-created_at", "-pk")
    )
    if status:
        rows = rows.filter(status=status)
    return rows


def get_appointment(*, access: Access, public_id: UUID | str) -> AppointmentRequest:
    """One request of the user's centres, or 404 (outside scope looks like unknown)."""
    return get_visible_or_404(
        list_appointments(access=access).select_related("client", "centre__country"), public_id=public_id
    )


def client_initial(appointment: AppointmentRequest) -> dict[str, Any]:
    """Initial values of the client intake form from a request: names, phone or e-mail, channel."""
    given, _sep, family = appointment.name.strip().rpartition(" ")
    if not given:
        given, family = family, ""
    initial: dict[str, Any] = {"given_name": given, "family_name": family}
    contact = appointment.contact.strip()
    initial["email" if "@" in contact else "phone"] = contact
    channel = {"phone": "phone", "message": "whatsapp", "email": "email"}.get(appointment.preferred_channel)
    if channel:
        initial["preferred_channel"] = channel
    return initial


# --- Services --------------------------------------------------------------------------------------


@transaction.atomic
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
        action="counselling.appointment.requested",
        target=appointment,
        details={"topic": topic, "channel": preferred_channel},
    )
    return appointment


def _open(appointment: AppointmentRequest) -> None:
    if appointment.status == AppointmentStatus.CLOSED:
        raise DomainError(_("This request is closed."))


def _locked(appointment: AppointmentRequest) -> AppointmentRequest:
    """The same row under a lock, so that two counsellors do not act on it at once."""
    # The caller fetched `appointment` through the door; this only re-reads it under a lock.
    with unscoped():
        return AppointmentRequest.objects.select_for_update().get(pk=appointment.pk)


@transaction.atomic
def mark_appointment_contacted(*, actor: Any, appointment: AppointmentRequest) -> AppointmentRequest:
    """Note that the centre reached the person. Audited ``counselling.appointment.contacted``."""
    row = _locked(appointment)
    _open(row)
    row.status = AppointmentStatus.CONTACTED if row.status == AppointmentStatus.NEW else row.status
    row.handled_by = actor
    row.save(update_fields=["status", "handled_by", "updated_at"])
    record_event(actor=actor, action="counselling.appointment.contacted", target=row)
    return row


@transaction.atomic
def schedule_appointment(*, actor: Any, appointment: AppointmentRequest, when: dt.datetime) -> AppointmentRequest:
    """Give the request an appointment time (aware, not in the past). Audited ``counselling.appointment.scheduled``."""
    row = _locked(appointment)
    _open(row)
    if when <= timezone.now():
        raise DomainError(_("The appointment cannot be in the past."), field="scheduled_for")
    row.status = AppointmentStatus.SCHEDULED
    row.scheduled_for = when
    row.handled_by = actor
    row.save(update_fields=["status", "scheduled_for", "handled_by", "updated_at"])
    record_event(actor=actor, action="counselling.appointment.scheduled", target=row, details={"at": when.isoformat()})
    return row


@transaction.atomic
def close_appointment(*, actor: Any, appointment: AppointmentRequest, reason: str) -> AppointmentRequest:
    """Close the request with a reason (kept on the row, not in the audit log). Audited ``...closed``."""
    row = _locked(appointment)
    _open(row)
    if not reason.strip():
        raise DomainError(_("Say why the request is closed."), field="reason")
    row.status = AppointmentStatus.CLOSED
    row.closed_reason = reason.strip()
    row.handled_by = actor
    row.save(update_fields=["status", "closed_reason", "handled_by", "updated_at"])
    record_event(actor=actor, action="counselling.appointment.closed", target=row)
    return row


@transaction.atomic
def link_appointment_client(*, actor: Any, appointment: AppointmentRequest, client: Client) -> AppointmentRequest:
    """Attach the client registered from this request (same centre only). Audited ``...converted``."""
    row = _locked(appointment)
    if client.centre_id != row.centre_id:
        raise DomainError(_("The client belongs to another centre."))
    row.client = client
    row.handled_by = actor
    if row.status == AppointmentStatus.NEW:
        row.status = AppointmentStatus.CONTACTED
    row.save(update_fields=["client", "handled_by", "status", "updated_at"])
    record_event(actor=actor, action="counselling.appointment.converted", target=row)
    return row
