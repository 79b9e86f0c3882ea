"""Absolute links: always on `SITE_URL`, the address the site is reached at, never the address a request came in on.

Links that leave the page (canonical and hreflang, sitemap.xml, robots.txt, the .ics event, the referral slip's
QR code, e-mails) are read elsewhere: by a search engine, a calendar, a partner's phone. The request's own host may
be a proxy's or a health check's (127.0.0.1), and Wagtail's Site record may say `localhost:80`; `SITE_URL` is the
one setting an operator keeps right (`make run` sets it from PORT).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (a `reverse()` result or a page's URL, absolute or not) on SITE_URL's scheme, host and port."""
    parts = urlsplit(path)
    local = parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    return settings.SITE_URL + (local if local.startswith("/") else f"/{local}")


def site_host_and_port() -> tuple[str, int]:
    """SITE_URL's host name and port (80 or 443 where the address names none): what Wagtail's Site record holds."""
    parts = urlsplit(settings.SITE_URL)
    return parts.hostname or "localhost", parts.port or (443 if parts.scheme == "https" else 80)
