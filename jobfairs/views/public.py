"""Public pages: fairs, booths and vacancies, for anyone (no account needed)."""

from __future__ import annotations

from uuid import UUID

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jobfairs import selectors
from jobfairs.forms import FairFilterForm
from jobfairs.jsonld import job_posting, job_posting_script_body
from portal.http import PortalRequest
from portal.timezones import activate_event_zone


@require_GET
def fair_list(request: HttpRequest) -> HttpResponse:
    """Upcoming (or past) fairs: works without an account, light on a slow connection."""
    form = FairFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    fairs = selectors.list_public_fairs(
        past=data.get("past", False), country=data.get("country", ""), fair_format=data.get("format", "")
    )
    page = Paginator(fairs, selectors.PUBLIC_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "jobfairs/fair_list.html", {"form": form, "page": page, "query": query.urlencode()})


@require_GET
def fair_detail(request: PortalRequest, public_id: UUID) -> HttpResponse:
    fair = selectors.get_public_fair(public_id=public_id)
    activate_event_zone(request, fair.time_zone)  # a visitor whose browser did not tell its zone
    registration = None
    if request.user.is_authenticated and not request.access.has_membership:
        registration = selectors.get_my_registration(access=request.access, fair=fair)
    return render(
        request,
        "jobfairs/fair_detail.html",
        {
            "fair": fair,
            "booths": selectors.list_public_booths(fair=fair),
            "vacancies": selectors.list_public_vacancies(fair=fair)[:50],
            "registration": registration,
            "can_register": fair.registration_open() and not request.access.has_membership,
        },
    )


@require_GET
def booth_detail(request: PortalRequest, public_id: UUID) -> HttpResponse:
    booth = selectors.get_public_booth(public_id=public_id)
    activate_event_zone(request, booth.fair.time_zone)
    registration = None
    if request.user.is_authenticated and not request.access.has_membership:
        registration = selectors.get_my_registration(access=request.access, fair=booth.fair)
    return render(
        request,
        "jobfairs/booth_detail.html",
        {
            "booth": booth,
            "fair": booth.fair,
            "slots": selectors.list_booth_slots(booth=booth),
            "vacancies": selectors.list_public_vacancies(employer=booth.employer),
            "registration": registration,
        },
    )


@require_GET
def vacancy_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    vacancy = selectors.get_public_vacancy(public_id=public_id)
    url = request.build_absolute_uri()
    return render(
        request,
        "jobfairs/vacancy_detail.html",
        {"vacancy": vacancy, "job_posting": job_posting_script_body(job_posting(vacancy, url=url))},
    )
