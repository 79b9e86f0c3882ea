"""Whose time zone a time is shown in: the viewer's, the recipient's, or the event's own.

A signed-in person's zone is the one they chose on their own page; without a choice, the zone of
their first centre or country (`Access.timezone_name`); a returnee without either gets the zone
their browser reported. An anonymous visitor's zone is the browser's, reported by a small script
(portal/static/portal/tz.js) in a cookie; without JavaScript it is unknown, and pages about a fair
or a centre show that event's or centre's zone instead (`activate_event_zone`). A zone name from a
cookie or a form is used only when the machine's zone database knows it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# The browser's zone, as tz.js writes it: `__Host-tz` on HTTPS (tied to this host), `tz` on plain HTTP.
TIME_ZONE_COOKIES = ("__Host-tz", "tz")


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name this machine's zone database has (e.g. Africa/Accra)."""
    return frozenset(zoneinfo.available_timezones())


def valid_zone(name: object) -> zoneinfo.ZoneInfo | None:
    """The zone called `name`, or None for anything else (empty, unknown, too long, not a string)."""
    if not isinstance(name, str) or not name or len(name) > 64 or name not in known_zones():
        return None
    return zoneinfo.ZoneInfo(name)


def zone_name_for(user: Any, *, browser_zone: str = "") -> str:
    """The zone a user's times are shown and e-mailed in: chosen, else centre's or country's, else browser's.

    Ends with the project's default (UTC) when nothing is known. Uses the user's cached `Access`
    (one query the first time, none after).
    """
    from portal.access import get_access

    chosen = getattr(user, "time_zone", "")
    if valid_zone(chosen):
        return chosen
    if user is not None and getattr(user, "is_authenticated", False):
        centre_zone = get_access(user).timezone_name
        if valid_zone(centre_zone):
            return str(centre_zone)
    if valid_zone(browser_zone):
        return browser_zone
    return settings.TIME_ZONE


def automatic_zone_name(request: HttpRequest) -> str:
    """The zone a signed-in person gets without choosing one: their centre's or country's, else the browser's."""
    from portal.access import get_access

    centre_zone = get_access(request.user).timezone_name
    return str(centre_zone) if valid_zone(centre_zone) else browser_zone(request)


def browser_zone(request: HttpRequest) -> str:
    """The zone the visitor's browser reported, or "" when there is none or it is not a real zone."""
    for name in TIME_ZONE_COOKIES:
        value = request.COOKIES.get(name, "")
        if valid_zone(value):
            return value
    return ""


def viewer_zone_name(request: HttpRequest) -> str:
    """The viewer's zone, or "" for an anonymous visitor whose browser did not tell (no JavaScript)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return zone_name_for(user, browser_zone=browser_zone(request))
    return browser_zone(request)


def asks_browser_zone(request: HttpRequest) -> bool:
    """Whether the browser's zone is used for this viewer: anonymous visitors, and people who chose no zone
    and have no centre or country. Only their pages load tz.js; staff pages stay free of scripts."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return True
    from portal.access import get_access

    return not valid_zone(getattr(user, "time_zone", "")) and not valid_zone(get_access(user).timezone_name)


class TimeZoneMiddleware:
    """Show every time in the viewer's zone: activate it for the request (see the module docstring).

    Sets `request.viewer_zone_known`: False for an anonymous visitor without the browser's zone, whose
    fair and centre pages then use the event's zone (`activate_event_zone`); and `request.asks_browser_zone`,
    which has the base template load tz.js.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = viewer_zone_name(request)
        request.viewer_zone_known = bool(name)  # type: ignore[attr-defined]
        request.asks_browser_zone = asks_browser_zone(request)  # type: ignore[attr-defined]
        if name:
            timezone.activate(zoneinfo.ZoneInfo(name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def activate_event_zone(request: HttpRequest, zone_name: str) -> None:
    """On a page about a fair or a centre, show times in its zone when the viewer's zone is unknown."""
    zone = valid_zone(zone_name)
    if zone is not None and not getattr(request, "viewer_zone_known", True):
        timezone.activate(zone)


def utc_offset_label(offset: dt.timedelta | None) -> str:
    """The offset as people read it: UTC+1, UTC+5:30, UTC−3 (a real minus sign, as in print), UTC."""
    minutes = int((offset or dt.timedelta()).total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone: str | dt.tzinfo | None, at: dt.datetime | None = None) -> str:
    """A zone as people read it: its main city and its offset at `at` (now by default), e.g.
    "Accra, UTC", "Belgrade, UTC+1", "Karachi, UTC+5". The raw id only for a zone the database lacks."""
    if zone is None:
        zone = timezone.get_current_timezone()
    if isinstance(zone, str):
        found = valid_zone(zone)
        if found is None:
            return zone
        zone = found
    key = getattr(zone, "key", str(zone))
    moment = at if at is not None else timezone.now()
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt.UTC)
    offset = utc_offset_label(moment.astimezone(zone).utcoffset())
    if key in ("UTC", "Etc/UTC", "Etc/GMT", "GMT"):
        return offset
    city = key.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city}, {offset}"
