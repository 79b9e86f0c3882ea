"""Meeting bookings and attendance: booking and cancelling slots, on-site check-in, joining online."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jobfairs.audit import JobfairsAudit
from jobfairs.models import Booking, BookingStatus, JobFair, MeetingSlot, Registration, RegistrationStatus
from jobfairs.services._guards import lock_registration, require_fair_staff, require_own_registration
from portal import outbox
from portal.access import Access, Role, unscoped
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed
from portal.models import User


@transaction.atomic(durable=True)
def book_slot(*, access: Access, actor: User, slot: MeetingSlot, registration: Registration) -> Booking:
    """Book a meeting slot for the candidate's registration at the same fair.

    Safe under concurrency: the slot row is locked (two people clicking the
    same slot wait for each other, and the second sees the first's booking),
    the candidate's registration row is locked (two tabs booking overlapping
    slots wait for each other), and a partial unique index allows one active
    booking per slot whatever happens.
    """
    require_own_registration(access, registration)
    registration = lock_registration(registration)
    slot = (
        MeetingSlot.objects.select_for_update(of=("self",))
        .select_related("booth__fair", "booth__employer")
        .get(pk=slot.pk)
    )
    if slot.booth.fair_id != registration.fair_id or not (slot.booth.employer.is_verified and slot.booth.is_approved):
        raise NotAllowed(_("This page does not exist."))
    if not registration.can_book:
        raise DomainError(_("Only registered candidates can book meetings. You are not (or not yet) registered."))
    if slot.starts_at <= timezone.now():
        raise DomainError(_("This slot is in the past. Choose a later one."), field="slot")
    with unscoped():
        if Booking.objects.filter(slot=slot, status=BookingStatus.ACTIVE).exists():
            raise DomainError(_("Someone else has just booked this slot. Choose another one."), field="slot")
        overlapping = Booking.objects.filter(
            registration=registration,
            status=BookingStatus.ACTIVE,
            slot__starts_at__lt=slot.ends_at,
            slot__ends_at__gt=slot.starts_at,
        )
        if overlapping.exists():
            raise DomainError(_("You already have a meeting at this time."), field="slot")
    try:
        with transaction.atomic():
            booking = Booking.objects.create(slot=slot, registration=registration)
    except IntegrityError as exc:
        raise DomainError(_("Someone else has just booked this slot. Choose another one."), field="slot") from exc
    record_event(actor=actor, action=JobfairsAudit.BOOKING_CREATED, target=booking)
    outbox.enqueue(
        "jobfairs.tasks.send_booking_confirmation_task",
        kwargs={"booking_id": booking.pk},
        key=f"fair-booking:{booking.public_id}",
    )
    return booking


@transaction.atomic(durable=True)
def cancel_booking(*, access: Access, actor: User, booking: Booking) -> Booking:
    """The candidate cancels a booking, up to the fair's deadline before the slot."""
    require_own_registration(access, booking.registration)
    with unscoped():
        booking = Booking.objects.select_for_update(of=("self",)).select_related("slot__booth__fair").get(pk=booking.pk)
    if booking.status != BookingStatus.ACTIVE:
        raise DomainError(_("This booking is already cancelled."))
    fair = booking.slot.booth.fair
    deadline = booking.slot.starts_at - dt.timedelta(minutes=fair.cancel_deadline_minutes)
    if timezone.now() > deadline:
        raise DomainError(_("It is too late to cancel this meeting. Please tell the employer instead."))
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    record_event(actor=actor, action=JobfairsAudit.BOOKING_CANCELLED, target=booking)
    return booking


# --- Attendance ----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def check_in(*, access: Access, actor: User, fair: JobFair, code: str) -> Registration:
    """On-site check-in by the code (or QR) on the registration, by the organising centres' staff."""
    require_fair_staff(access, fair, Role.COUNSELLOR, Role.CENTRE_MANAGER)
    code = code.strip().upper().replace(" ", "")
    with unscoped():
        registration = (
            Registration.objects.select_for_update(of=("self",)).filter(fair=fair, check_in_code=code).first()
        )
    if registration is None:
        raise DomainError(_("No registration for this fair has this code."), field="code")
    if registration.status == RegistrationStatus.ATTENDED:
        raise DomainError(_("This person has already checked in."), field="code")
    if registration.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.NO_SHOW):
        raise DomainError(_("This registration is cancelled or on the waiting list."), field="code")
    registration.status = RegistrationStatus.ATTENDED
    registration.attended_at = timezone.now()
    registration.save(update_fields=["status", "attended_at"])
    record_event(actor=actor, action=JobfairsAudit.REGISTRATION_CHECKED_IN, target=registration)
    return registration


# A virtual fair's room opens a little before the start.
JOIN_EARLY = dt.timedelta(minutes=30)


@transaction.atomic(durable=True)
def join_online(*, access: Access, actor: User, registration: Registration) -> str:
    """Virtual attendance: joining through the portal records it and returns the online link."""
    require_own_registration(access, registration)
    registration = lock_registration(registration)
    fair = registration.fair
    if not fair.is_virtual or not fair.online_url:
        raise DomainError(_("This fair has no online part."))
    if not registration.can_book:
        raise DomainError(_("Only registered candidates can join."))
    now = timezone.now()
    if now < fair.starts_at - JOIN_EARLY:
        raise DomainError(_("The fair has not started yet. The link opens 30 minutes before the start."))
    if now > fair.ends_at:
        raise DomainError(_("This fair is over."))
    if registration.joined_online_at is None:
        registration.joined_online_at = now
        registration.attended_at = registration.attended_at or now
        registration.status = RegistrationStatus.ATTENDED
        registration.save(update_fields=["joined_online_at", "attended_at", "status"])
        record_event(actor=actor, action=JobfairsAudit.REGISTRATION_JOINED, target=registration)
    return fair.online_url
