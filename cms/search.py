"""Site search: the information pages of the active language, through Wagtail's search (database backend)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

SEARCH_PAGE = 10
MAX_QUERY = 100


def search_pages(*, query: str, locale: Locale) -> Any:
    """Live public pages of `locale` matching `query`, best first (Wagtail search results, lazily sliced)."""
    return Page.objects.live().public().filter(locale=locale, depth__gt=1).search(query, operator="and")


def with_specific(pages: list[Page]) -> list[Page]:
    """The specific pages for one result page (one query per page type on it), in the given order."""
    by_id = {page.pk: page for page in Page.objects.filter(pk__in=[p.pk for p in pages]).specific()}
    return [by_id[page.pk] for page in pages if page.pk in by_id]


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    # A NUL cannot reach PostgreSQL (a 500); it is never part of a real search.
    query = " ".join((request.GET.get("q") or "").replace("\x00", " ").split())
    error = ""
    page_obj = None
    results: list[Page] = []
    if len(query) > MAX_QUERY:
        error = _("Please use a shorter search (at most %(max)s characters).") % {"max": MAX_QUERY}
    elif query:
        paginator = Paginator(search_pages(query=query, locale=Locale.get_active()), SEARCH_PAGE)
        page_obj = paginator.get_page(request.GET.get("page"))
        results = with_specific(list(page_obj.object_list))
    return render(
        request,
        "cms/search.html",
        {
            "query": query,
            "error": error,
            "page": page_obj,
            "results": results,
            "max_query": MAX_QUERY,
            "show_help_contacts": True,
        },
    )
