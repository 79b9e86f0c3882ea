"""Views of the information site outside Wagtail's page tree: sitemap.xml, robots.txt and a service's public page."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cms.selectors import get_public_service, list_sitemap_entries, opportunities_page_url
from portal.site_url import absolute_url


@require_GET
@cache_control(public=True, max_age=3600)
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every live public page of the information site in every language, with its hreflang alternates."""
    return render(
        request,
        "cms/sitemap.xml",
        {"entries": list_sitemap_entries(request=request)},
        content_type="application/xml; charset=utf-8",
    )


@require_GET
@cache_control(public=True, max_age=86400)
def robots(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /cms-admin/",
        "Disallow: /django-admin/",
        "Disallow: /*/staff/",
        "Disallow: /*/partner/",
        "Disallow: /*/employer/",
        "Disallow: /*/me/",
        "Disallow: /*/accounts/",
        f"Sitemap: {absolute_url(reverse('cms:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def service_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A training or service as the public sees it (what the opportunities page links to): only the fields
    meant for the public, its organisation's public contact and its places. Unpublished or inactive: 404."""
    service = get_public_service(public_id=public_id)
    return render(
        request,
        "cms/service_detail.html",
        {
            "service": service,
            "opportunities_url": opportunities_page_url(request=request),
            "today": timezone.localdate(),
            "show_help_contacts": True,
        },
    )
