"""Staff pages: managing fairs, booth decisions, check-in, registering clients, lessons learned."""

from __future__ import annotations

import zoneinfo
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselling.models import Client
from jobfairs import selectors, services
from jobfairs.forms import CheckInForm, ClientRegistrationForm, FairEditForm, FairForm
from jobfairs.models import JobFair
from jobfairs.views._common import casework, fair_staff, flash_error, lessons_readers, managers
from portal.access import CASEWORK_ROLES, Role
from portal.errors import DomainError, apply_domain_error
from portal.http import AuthenticatedRequest
from portal.models import Centre
from portal.views import role_required


@fair_staff
@require_GET
def manage_list(request: AuthenticatedRequest) -> HttpResponse:
    fairs = selectors.list_staffed_fairs(access=request.access)
    page = Paginator(fairs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "jobfairs/manage_list.html",
        {
            "page": page,
            "query": "",
            "is_manager": request.access.has_role(Role.CENTRE_MANAGER),
            "can_report": request.access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR),
        },
    )


@managers
@require_http_methods(["GET", "POST"])
def fair_create(request: AuthenticatedRequest) -> HttpResponse:
    centre_ids = request.access.centre_ids(Role.CENTRE_MANAGER)
    centres = list(Centre.objects.filter(pk__in=centre_ids))
    zone = request.access.timezone_name or settings.TIME_ZONE
    form = FairForm(request.POST or None, initial={"time_zone": zone, "capacity": 100})
    if request.method == "POST" and form.is_valid():
        try:
            fair = services.create_fair(
                access=request.access,
                actor=request.user,
                centres=centres,
                translations=form.translations(),
                **form.source_data(),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The fair is saved as a draft. Publish it when it is ready."))
            return redirect("jobfairs:fair-manage", public_id=fair.public_id)
    return render(request, "jobfairs/fair_form.html", {"form": form})


@role_required(Role.CENTRE_MANAGER)
@require_http_methods(["GET", "POST"])
def fair_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Change a fair, with its title and description in the other languages."""
    fair = selectors.get_visible_or_404(JobFair.objects.staffed_by(request.access), public_id=public_id)
    zone = zoneinfo.ZoneInfo(fair.time_zone)
    initial: dict[str, Any] = {name: getattr(fair, name) for name in services.FAIR_FIELDS}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        initial[name] = getattr(fair, name).astimezone(zone).replace(tzinfo=None)  # shown in the fair's zone
    initial["questions"] = "\n".join(fair.questions)
    initial.update(FairEditForm.translation_initial(fair))
    form = FairEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_fair(
                access=request.access,
                actor=request.user,
                fair=fair,
                translations=form.translations(),
                **form.fair_data(),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("jobfairs:fair-manage", public_id=fair.public_id)
    return render(request, "jobfairs/fair_form.html", {"form": form, "fair": fair})


@fair_staff
@require_GET
def fair_manage(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """The staff view of one fair: outcome so far, booth requests, registrations, check-in."""
    fair = selectors.get_visible_or_404(
        selectors.annotate_outcomes(JobFair.objects.staffed_by(request.access).select_related("country")),
        public_id=public_id,
    )
    registrations = Paginator(selectors.list_fair_registrations(access=request.access, fair=fair), 100).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "jobfairs/fair_manage.html",
        {
            "fair": fair,
            "outcome": selectors.fair_outcome(fair),
            "survey_answers": selectors.list_survey_answers(access=request.access, fair=fair),
            "booths": selectors.list_fair_booths(access=request.access, fair=fair),
            "page": registrations,
            "query": "",
            "check_in_form": CheckInForm(),
            "is_manager": request.access.has_role(Role.CENTRE_MANAGER),
            "is_casework": request.access.has_role(*CASEWORK_ROLES),
        },
    )


@managers
@require_POST
def booth_decide(request: AuthenticatedRequest, public_id: UUID, decision: str) -> HttpResponse:
    """A manager of an organising centre approves or declines an employer's booth request."""
    booth = selectors.get_staffed_booth(access=request.access, public_id=public_id)
    decide = {"approve": services.approve_booth, "decline": services.decline_booth}.get(decision)
    if decide is None:
        raise Http404
    try:
        decide(access=request.access, actor=request.user, booth=booth)
    except DomainError as error:
        flash_error(request, error)
    else:
        if decision == "approve":
            messages.success(
                request,
                _(
                    "The booth is approved. It is public now, and the employer sees the candidates "
                    "who agreed to share their profile."
                ),
            )
        else:
            messages.success(
                request, _("The booth is declined. It is not public, and the employer sees no candidates.")
            )
    return redirect("jobfairs:fair-manage", public_id=booth.fair.public_id)


@managers
@require_POST
def fair_publish(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    fair = selectors.get_staffed_fair(access=request.access, public_id=public_id, roles=(Role.CENTRE_MANAGER,))
    try:
        services.publish_fair(access=request.access, actor=request.user, fair=fair)
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("The fair is published."))
    return redirect("jobfairs:fair-manage", public_id=fair.public_id)


@casework
@require_POST
def check_in(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    fair = selectors.get_staffed_fair(access=request.access, public_id=public_id, roles=tuple(CASEWORK_ROLES))
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            services.check_in(access=request.access, actor=request.user, fair=fair, code=form.cleaned_data["code"])
        except DomainError as error:
            flash_error(request, error)
        else:
            messages.success(request, _("Checked in."))
    else:
        messages.error(request, _("Enter the check-in code."))
    return redirect("jobfairs:fair-manage", public_id=fair.public_id)


@casework
@require_http_methods(["GET", "POST"])
def client_register(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """A counsellor registers a client of their centre for a published fair."""
    fair = selectors.get_public_fair(public_id=public_id)
    form = ClientRegistrationForm(request.POST or None, fair=fair)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["client_code"].strip().upper()
        client = Client.objects.visible_to(request.access).filter(code=code).first()
        if client is None:
            form.add_error("client_code", _("No client of your centre has this code."))
        else:
            try:
                registration = services.register_client_for_fair(
                    access=request.access, actor=request.user, fair=fair, client=client, answers=form.answers
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                if registration.shares_profile:
                    messages.success(request, _("The client is registered."))
                else:
                    messages.warning(
                        request,
                        _(
                            "The client is registered. Without a recorded consent to share a profile with "
                            "employers, employers will not see this client."
                        ),
                    )
                return redirect("jobfairs:fair-detail", public_id=fair.public_id)
    return render(request, "jobfairs/client_register_form.html", {"form": form, "fair": fair})


@lessons_readers
@require_GET
def lessons(request: AuthenticatedRequest) -> HttpResponse:
    """Lessons learned: outcomes and the surveys' free-text answers by format, and outcomes per fair, for the
    fairs of the user's centres or countries (an analyst: every fair, aggregated); see selectors.lessons_learned."""
    return render(request, "jobfairs/lessons.html", {"lessons": selectors.lessons_learned(access=request.access)})
