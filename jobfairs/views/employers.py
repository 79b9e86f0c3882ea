"""Employers' pages: the dashboard, the booth, slots, vacancies, candidates and applications."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jobfairs import selectors, services
from jobfairs.audit import JobfairsAudit
from jobfairs.forms import ApplicationStatusForm, BoothForm, SlotsForm, VacancyForm
from jobfairs.models import FairStatus, Vacancy
from jobfairs.views._common import employer_only, flash_error, in_zone
from portal.audit import record_read, record_reads
from portal.errors import DomainError, apply_domain_error
from portal.http import AuthenticatedRequest


@employer_only
@require_GET
def employer_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    dashboard = selectors.employer_dashboard(access=request.access)
    # Meetings with candidates who share their profile show their names: one read line each.
    record_reads(request, [b for b in dashboard.bookings if b.shared], action=JobfairsAudit.CANDIDATE_VIEWED)
    return render(
        request,
        "jobfairs/employer_dashboard.html",
        {"d": dashboard, "status_form": ApplicationStatusForm(), "now": timezone.now()},
    )


@employer_only
@require_http_methods(["GET", "POST"])
def booth_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Open or edit the employer's booth at a published fair."""
    employer = selectors.get_my_employer(access=request.access)
    fair = selectors.get_public_fair(public_id=public_id)
    if fair.status != FairStatus.PUBLISHED:
        raise Http404
    booth = fair.booths.filter(employer=employer).first()
    initial = {k: getattr(booth, k) for k in services.BOOTH_FIELDS} if booth else None
    form = BoothForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            booth = services.save_booth(
                access=request.access, actor=request.user, employer=employer, fair=fair, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            if booth.is_approved:
                messages.success(request, _("Your booth is saved."))
            else:
                messages.info(
                    request,
                    _(
                        "Your booth request is saved and waits for the organising centre's approval. "
                        "Until then your booth is not public and you see no candidates."
                    ),
                )
            return redirect("jobfairs:employer-dashboard")
    return render(request, "jobfairs/booth_form.html", {"form": form, "fair": fair, "booth": booth})


@employer_only
@require_http_methods(["GET", "POST"])
def slot_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    booth = selectors.get_my_booth(access=request.access, public_id=public_id)
    form = SlotsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            slots = services.add_slots(
                access=request.access,
                actor=request.user,
                booth=booth,
                first_start=in_zone(data["first_start"], booth.fair.time_zone),
                count=data["count"],
                minutes=data["minutes"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("%(count)s slots added.") % {"count": len(slots)})
            return redirect("jobfairs:employer-dashboard")
    return render(
        request,
        "jobfairs/slot_form.html",
        {"form": form, "booth": booth, "fair": booth.fair, "slots": selectors.list_booth_slots(booth=booth)},
    )


def _vacancy_form(request: AuthenticatedRequest, vacancy: Vacancy | None) -> HttpResponse:
    employer = selectors.get_my_employer(access=request.access)
    fairs = [booth.fair for booth in employer.booths.select_related("fair").filter(fair__ends_at__gt=timezone.now())]
    initial: dict[str, Any] = {"country": employer.country_id}
    if vacancy is not None:
        initial = {k: getattr(vacancy, k) for k in services.VACANCY_FIELDS if k not in ("fair", "country_id")}
        initial.update(
            country=vacancy.country_id,
            fair=str(vacancy.fair.public_id) if vacancy.fair else "",
            publish=vacancy.is_published,
        )
        initial.update(VacancyForm.translation_initial(vacancy))
    form = VacancyForm(request.POST or None, initial=initial, fairs=fairs)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_vacancy(
                access=request.access, actor=request.user, employer=employer, vacancy=vacancy, **form.service_data()
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The vacancy is saved."))
            return redirect("jobfairs:employer-dashboard")
    return render(request, "jobfairs/vacancy_form.html", {"form": form, "vacancy": vacancy})


@employer_only
@require_http_methods(["GET", "POST"])
def vacancy_create(request: AuthenticatedRequest) -> HttpResponse:
    return _vacancy_form(request, None)


@employer_only
@require_http_methods(["GET", "POST"])
def vacancy_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    return _vacancy_form(request, selectors.get_my_vacancy(access=request.access, public_id=public_id))


@employer_only
@require_GET
def candidate_list(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """The booth's fair's candidates: what each agreed to share, a pseudonymous code for the others."""
    booth = selectors.get_my_booth(access=request.access, public_id=public_id)
    listing = selectors.list_candidates(access=request.access, booth=booth)
    # An employer outside the centres sees these people's names and contacts: one read line each.
    record_reads(request, listing.shared_registrations, action=JobfairsAudit.CANDIDATE_VIEWED)
    return render(
        request,
        "jobfairs/candidate_list.html",
        {
            "booth": booth,
            "fair": booth.fair,
            "listing": listing,
            "may_see": booth.is_approved and booth.employer.is_verified,
        },
    )


@employer_only
@require_GET
def candidate_cv(request: AuthenticatedRequest, public_id: UUID, registration_id: UUID) -> FileResponse:
    """A sharing candidate's CV, for the employer of a booth at their fair: a download only, audited."""
    booth = selectors.get_my_booth(access=request.access, public_id=public_id)
    registration = selectors.get_candidate_cv(access=request.access, booth=booth, public_id=registration_id)
    profile = registration.user.returnee_profile  # type: ignore[union-attr]  # get_candidate_cv: a user with a CV
    record_read(
        request, registration, action=JobfairsAudit.CANDIDATE_CV_DOWNLOADED, details={"booth": str(booth.public_id)}
    )
    response = FileResponse(
        profile.cv.open("rb"), as_attachment=True, filename=profile.cv_name, content_type=profile.cv_content_type
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@employer_only
@require_POST
def application_status(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    application = selectors.get_employer_application(access=request.access, public_id=public_id)
    form = ApplicationStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("jobfairs:employer-dashboard")
    try:
        services.update_application_status(
            access=request.access, actor=request.user, application=application, status=form.cleaned_data["status"]
        )
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("The application status is updated."))
    return redirect("jobfairs:employer-dashboard")
