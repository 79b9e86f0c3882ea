"""The language home page: the Wagtail home page of the active language, when the editors made one."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def home_page_response(request: HttpRequest) -> HttpResponse | None:
    """The served Wagtail home page of the active locale, or None to fall back to the portal's own home."""
    return None
