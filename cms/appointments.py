"""The "ask for an appointment" form of a centre page: a plain POST, spam guards, a thank-you page.

Spam guards without third parties: a honeypot field (a bot that fills it gets the same thank-you page,
nothing is stored) and rate limits in Django's cache: per IP address and per centre, per hour.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Locale

from counselling.intake_forms import AppointmentRequestForm
from counselling.services import request_appointment
from portal.http import client_ip
from portal.models import Centre

RATE_WINDOW = 3600


def _centre_or_404(public_id: UUID) -> Centre:
    centre = Centre.objects.filter(public_id=public_id, is_active=True).select_related("country").first()
    if centre is None:
        raise Http404
    return centre


def centre_page_for(centre: Centre) -> Any:
    """The live centre page of `centre` in the active language (or any language), or None."""
    from cms.models import CentrePage

    pages = CentrePage.objects.live().public().filter(centre=centre)
    return pages.filter(locale=Locale.get_active()).first() or pages.first()


def _over_limit(key: str, limit: int) -> bool:
    return int(cache.get(key) or 0) >= limit


def _count(key: str) -> None:
    if not cache.add(key, 1, RATE_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, RATE_WINDOW)


def _keys(request: HttpRequest, centre: Centre) -> tuple[str, str]:
    return f"appointment:ip:{client_ip(request) or 'unknown'}", f"appointment:centre:{centre.pk}"


def empty_form(centre: Centre) -> AppointmentRequestForm:
    return AppointmentRequestForm(country_code=centre.country_id, auto_id="appointment-%s")


@never_cache
@require_POST
def appointment_request(request: HttpRequest, centre_id: UUID) -> HttpResponse:
    """Store a request for the centre's intake queue, then redirect to the thank-you page."""
    centre = _centre_or_404(centre_id)
    ip_key, centre_key = _keys(request, centre)
    if _over_limit(ip_key, settings.APPOINTMENT_RATE_PER_IP) or _over_limit(
        centre_key, settings.APPOINTMENT_RATE_PER_CENTRE
    ):
        return render(request, "cms/appointment_limited.html", {"centre": centre}, status=429)
    form = AppointmentRequestForm(request.POST, country_code=centre.country_id, auto_id="appointment-%s")
    if form.is_bot:
        _count(ip_key)
        return redirect("site:appointment-thanks", centre_id=centre.public_id)
    if not form.is_valid():
        page = centre_page_for(centre)
        if page is None:
            raise Http404
        context = page.get_context(request)
        context["appointment_form"] = form
        return render(request, page.get_template(request), context, status=200)
    data = form.cleaned_data
    request_appointment(
        centre=centre,
        user=request.user,
        name=data["name"],
        contact=data["contact"],
        preferred_channel=data["preferred_channel"],
        topic=data["topic"],
        message=data["message"],
    )
    _count(ip_key)
    _count(centre_key)
    return redirect("site:appointment-thanks", centre_id=centre.public_id)


@require_GET
def appointment_thanks(request: HttpRequest, centre_id: UUID) -> HttpResponse:
    centre = _centre_or_404(centre_id)
    return render(request, "cms/appointment_thanks.html", {"centre": centre, "centre_page": centre_page_for(centre)})
