"""The site's 404 and 500 pages (handler404 and handler500 in portal/urls.py), in the language of the address.

404: the site's frame (navigation, search, the language switch) and the help numbers of the country the address
points into (the nearest live page along the path, e.g. /ar/ghana/no-such-page/ gives Ghana's numbers; every
country's otherwise). 500: something failed, possibly the database, so the page touches neither the database
nor the session: a static template with the home link and the search form, in the language of the URL prefix.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language, get_language_from_path, get_language_info, override
from wagtail.models import Page, Site


def _nearest_page(request: HttpRequest) -> Page | None:
    """The deepest live page whose address starts the requested one, in the language of the prefix."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    home = site.root_page.localized
    parts = [part for part in request.path.split("/") if part][1:]  # without the language prefix
    paths = [home.url_path + "".join(f"{part}/" for part in parts[:n]) for n in range(1, len(parts) + 1)]
    if not paths:
        return None
    return Page.objects.live().public().filter(url_path__in=paths).order_by("-depth").specific().first()


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The translated 404 page with the site's navigation, search and help numbers."""
    context: dict[str, object] = {"show_help_contacts": True}
    if get_language_from_path(request.path):
        page = _nearest_page(request)
        if page is not None and page.depth > 2:
            context["page"] = page
    return render(request, "404.html", context, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The translated 500 page, rendered without the database, the session or any context processor."""
    language = get_language_from_path(request.path) or settings.LANGUAGE_CODE
    with override(language):
        context = {"LANGUAGE_CODE": get_language(), "LANGUAGE_BIDI": get_language_info(language)["bidi"]}
        return HttpResponseServerError(loader.get_template("500.html").render(context))
