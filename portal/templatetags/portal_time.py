"""Time zones as people read them: `{{ fair.time_zone|zone_name:fair.starts_at }}` gives "Accra, UTC"."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats, timezone

from portal.timezones import valid_zone, zone_label

register = template.Library()


@register.filter
def zone_name(zone: str | dt.tzinfo | None, at: dt.datetime | None = None) -> str:
    """The zone's city and its offset at `at` (now without it); the active zone for an empty value."""
    return zone_label(zone or None, at if isinstance(at, dt.datetime) else None)


@register.simple_tag
def viewer_zone_name(at: dt.datetime | None = None) -> str:
    """The active (viewer's or recipient's) zone, readable: "Belgrade, UTC+1"."""
    return zone_label(None, at)


@register.filter
def shows_other_time(at: dt.datetime | None, zone: str | dt.tzinfo | None) -> bool:
    """Whether the active (viewer's) zone shows another clock time for `at` than `zone` does."""
    if not isinstance(at, dt.datetime) or not zone:
        return False
    other = valid_zone(zone) if isinstance(zone, str) else zone
    if other is None:
        return False
    return at.astimezone(timezone.get_current_timezone()).utcoffset() != at.astimezone(other).utcoffset()


@register.filter
def from_iso(value: object, format_name: str = "SHORT_DATETIME_FORMAT") -> str:
    """An ISO 8601 date or date-time kept as text (a data export's values) in the locale's format and the
    active zone; "" for an empty value, the text itself for anything that is not ISO 8601."""
    if not value:
        return ""
    text = str(value)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) == 10:  # a date alone
        return formats.date_format(moment.date(), "SHORT_DATE_FORMAT" if "DATETIME" in format_name else format_name)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, format_name)
