"""iCalendar (RFC 5545) text for a booking, written by hand: one VEVENT, UTC times, CRLF lines."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from jobfairs.models import Booking, JobFair
from portal.timezones import zone_label

CRLF = "\r\n"


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _escape(text: str) -> str:
    """TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11)."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def booking_description(booking: Booking) -> str:
    """The fair and the meeting's time in the fair's zone, in the active language's format: what a calendar
    shows beside the event, whatever zone the calendar itself is set to."""
    fair = booking.slot.booth.fair
    start = formats.date_format(timezone.localtime(booking.slot.starts_at, fair.zone), "DATETIME_FORMAT")
    return f"{fair.localized_title}\n{_('Time:')} {start} ({zone_label(fair.zone, booking.slot.starts_at)})"


def booking_ics(booking: Booking, *, summary: str, description: str = "") -> str:
    """The calendar file of one booking; `summary` comes translated from the caller, the description is
    `booking_description` unless given."""
    description = description or booking_description(booking)
    slot = booking.slot
    booth = slot.booth
    fair = booth.fair
    url = settings.SITE_URL + reverse("jobfairs:booth-detail", kwargs={"public_id": booth.public_id})
    location = booth.meeting_url or fair.venue or fair.online_url
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Counselling portal//Job fairs//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{booking.public_id}@jobfairs.portal",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(slot.starts_at)}",
        f"DTEND:{_utc(slot.ends_at)}",
        f"SUMMARY:{_escape(summary)}",
        f"LOCATION:{_escape(location)}",
        f"URL:{url}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{_escape(description)}")
    if booking.status == "cancelled":
        lines.append("STATUS:CANCELLED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return CRLF.join(folded for line in lines for folded in _fold(line)) + CRLF


def fair_ics(fair: JobFair) -> str:
    """The calendar file of a whole fair (a confirmed registration): its translated title, venue or online
    link, and the fair's page; the title in the active language."""
    from portal.site_url import absolute_url

    url = absolute_url(reverse("jobfairs:fair-detail", kwargs={"public_id": fair.public_id}))
    start = formats.date_format(timezone.localtime(fair.starts_at, fair.zone), "DATETIME_FORMAT")
    description = f"{fair.localized_title}\n{_('Starts:')} {start} ({zone_label(fair.zone, fair.starts_at)})"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Counselling portal//Job fairs//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{fair.public_id}@jobfairs.portal",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(fair.starts_at)}",
        f"DTEND:{_utc(fair.ends_at)}",
        f"SUMMARY:{_escape(fair.localized_title)}",
        f"LOCATION:{_escape(fair.venue or fair.online_url)}",
        f"URL:{url}",
        f"DESCRIPTION:{_escape(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return CRLF.join(folded for line in lines for folded in _fold(line)) + CRLF
