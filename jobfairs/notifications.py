"""E-mails of the job fairs app, each in its recipient's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from jobfairs.ics import booking_ics, fair_ics
from jobfairs.models import (
    Booking,
    BookingStatus,
    Booth,
    FairStatus,
    JobFair,
    Registration,
    RegistrationStatus,
)
from portal.access import unscoped
from portal.emails import Recipient, send_email
from portal.models import Membership, User
from portal.sms import send_sms
from portal.timezones import valid_zone, zone_label, zone_name_for


def _send(
    *, to: str, language: str, template: str, context: dict[str, Any], ics: Booking | None = None, zone: str = ""
) -> None:
    """Render and send one e-mail in the recipient's language and time zone (`zone`; UTC when empty), from the
    fair's first organising centre (portal/emails.py), with the meeting's calendar file (`ics`), or the fair's
    for a confirmed place."""
    fair = context.get("fair") or getattr(context.get("r"), "fair", None)
    attachments: list[Any] = []
    if ics is not None:
        employer = ics.slot.booth.employer.name
        summary = lambda: _("Meeting with %(employer)s") % {"employer": employer}  # noqa: E731 (in the reader's language)
        attachments.append(lambda: ("meeting.ics", booking_ics(ics, summary=summary()), "text/calendar"))
    elif fair is not None and template in ("registered", "promoted") and context["r"].status != "waitlisted":
        attachments.append(lambda: ("job-fair.ics", fair_ics(fair), "text/calendar"))
    centre = fair.centres.order_by("pk").first() if fair is not None else None
    recipient = Recipient(email=to or "", language=language, zone=zone)
    send_email(
        f"jobfairs/email/{template}", recipient=recipient, context=context, centre=centre, attachments=attachments
    )


def _recipient(registration: Registration) -> tuple[str, str]:
    if registration.user_id:
        return registration.user.email, registration.user.preferred_language
    return registration.client.email, settings.LANGUAGE_CODE


def _recipient_zone(registration: Registration) -> str:
    """The zone the candidate reads times in: their own (portal.timezones), or the fair's for a client
    registered by a counsellor (who lives where the fair is)."""
    if registration.user_id:
        return zone_name_for(registration.user)
    return registration.fair.time_zone


def _my_link() -> str:
    return settings.SITE_URL + reverse("jobfairs:registration-list")


def send_registration_confirmation(*, registration_id: int) -> None:
    with unscoped():
        registration = Registration.objects.select_related("fair", "user", "client").get(pk=registration_id)
    to, language = _recipient(registration)
    _send(
        to=to,
        language=language,
        template="registered",
        context={"r": registration, "link": _my_link()},
        zone=_recipient_zone(registration),
    )


def send_promotion_notice(*, registration_id: int) -> None:
    with unscoped():
        registration = Registration.objects.select_related("fair", "user", "client").get(pk=registration_id)
    to, language = _recipient(registration)
    _send(
        to=to,
        language=language,
        template="promoted",
        context={"r": registration, "link": _my_link()},
        zone=_recipient_zone(registration),
    )


def send_booking_confirmation(*, booking_id: int) -> None:
    with unscoped():
        booking = Booking.objects.select_related(
            "slot__booth__fair", "slot__booth__employer", "registration__user", "registration__client"
        ).get(pk=booking_id)
    to, language = _recipient(booking.registration)
    zone = _recipient_zone(booking.registration)
    if confirmation_channel(booking.registration) == "sms":
        _send_booking_sms(booking, language=language, zone=zone)
        return
    _send(to=to, language=language, template="booked", context=_booking_context(booking), ics=booking, zone=zone)


def confirmation_channel(registration: Registration) -> str:
    """How notices about a candidate's meetings reach them: "email" to their address; "sms" to the verified
    number of an account without one (signed up by phone); "" when there is neither."""
    if _recipient(registration)[0]:
        return "email"
    if registration.user_id and registration.user.phone and registration.user.phone_verified:
        return "sms"
    return ""


def _send_booking_sms(booking: Booking, *, language: str, zone: str) -> None:
    """The booking confirmation as a text message, in the recipient's language and time zone: the time and
    the link to their meetings, nothing about the person or the employer (the text passes a provider)."""
    start = booking.slot.starts_at
    with translation.override(language or settings.LANGUAGE_CODE):
        body = _(
            "Your meeting at the job fair is booked: %(time)s (%(zone)s). Your meetings and the calendar file: %(link)s"
        ) % {
            "time": formats.date_format(timezone.localtime(start, valid_zone(zone)), "DATETIME_FORMAT"),
            "zone": zone_label(zone, start),
            "link": _my_link(),
        }
    send_sms(to=booking.registration.user.phone, body=body)


def _booking_context(booking: Booking) -> dict[str, Any]:
    fair = booking.slot.booth.fair
    return {
        "booking": booking,
        "employer": booking.slot.booth.employer,
        "fair": fair,
        "local_start": timezone.localtime(booking.slot.starts_at, fair.zone),
        "zone": fair.time_zone,
        "link": _my_link(),
    }


REMINDER_WINDOW = dt.timedelta(hours=1)


def send_slot_reminders(*, now: dt.datetime) -> int:
    """Remind candidates of meetings starting within the next hour, once each.

    Each booking is claimed by setting `reminded_at` with a conditional UPDATE
    in its own transaction before the e-mail goes out: a repeated or parallel
    run finds nothing left to claim.
    """
    with unscoped():
        due = list(
            Booking.objects.filter(
                status=BookingStatus.ACTIVE,
                reminded_at__isnull=True,
                slot__starts_at__gt=now,
                slot__starts_at__lte=now + REMINDER_WINDOW,
            ).values_list("pk", flat=True)
        )
    sent = 0
    for pk in due:
        with transaction.atomic(), unscoped():
            claimed = Booking.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now)
            if not claimed:
                continue
            booking = Booking.objects.select_related(
                "slot__booth__fair", "slot__booth__employer", "registration__user", "registration__client"
            ).get(pk=pk)
            to, language = _recipient(booking.registration)
            zone = _recipient_zone(booking.registration)
            _send(
                to=to, language=language, template="reminder", context=_booking_context(booking), ics=booking, zone=zone
            )
        sent += 1
    return sent


def send_fair_surveys(*, now: dt.datetime) -> int:
    """After a fair: mark who did not come, and send the survey to attendees and to the booths' employers.

    Idempotent: each registration and booth is sent once (`survey_sent_at`),
    and the fair is marked done (`closed_at`) when everything went out.
    """
    sent = 0
    fairs = list(JobFair.objects.filter(ends_at__lte=now, closed_at__isnull=True).exclude(status=FairStatus.DRAFT))
    for fair in fairs:
        with unscoped():
            Registration.objects.filter(fair=fair, status=RegistrationStatus.REGISTERED).update(
                status=RegistrationStatus.NO_SHOW
            )
            attendee_ids = list(
                Registration.objects.filter(
                    fair=fair, status=RegistrationStatus.ATTENDED, survey_sent_at__isnull=True, user__isnull=False
                ).values_list("pk", flat=True)
            )
        link = settings.SITE_URL + reverse("jobfairs:survey-answer", kwargs={"public_id": fair.public_id})
        for pk in attendee_ids:
            with transaction.atomic(), unscoped():
                if not Registration.objects.filter(pk=pk, survey_sent_at__isnull=True).update(survey_sent_at=now):
                    continue
                user = Registration.objects.select_related("user").get(pk=pk).user
                _send(
                    to=user.email,
                    language=user.preferred_language,
                    template="survey",
                    context={"fair": fair, "link": link},
                )
            sent += 1
        for booth in Booth.objects.filter(fair=fair, survey_sent_at__isnull=True):
            with transaction.atomic():
                if not Booth.objects.filter(pk=booth.pk, survey_sent_at__isnull=True).update(survey_sent_at=now):
                    continue
                with unscoped():
                    user_ids = Membership.objects.filter(employer_id=booth.employer_id, is_active=True).values(
                        "user_id"
                    )
                for user in User.objects.filter(pk__in=user_ids, is_active=True):
                    _send(
                        to=user.email,
                        language=user.preferred_language,
                        template="survey",
                        context={"fair": fair, "link": link},
                    )
                    sent += 1
        if fair.status == FairStatus.PUBLISHED:
            fair.status = FairStatus.CLOSED
        fair.closed_at = now
        fair.save(update_fields=["status", "closed_at"])
    return sent
