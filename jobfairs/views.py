"""Views of the job fairs app. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselling.models import Client
from jobfairs import selectors, services
from jobfairs.forms import (
    ApplicationForm,
    ApplicationStatusForm,
    BoothForm,
    CheckInForm,
    ClientRegistrationForm,
    FairEditForm,
    FairFilterForm,
    FairForm,
    RegistrationForm,
    SlotsForm,
    SurveyForm,
    VacancyForm,
)
from jobfairs.ics import booking_ics
from jobfairs.jsonld import job_posting, job_posting_script_body
from jobfairs.models import FairStatus, JobFair, Vacancy
from portal.access import CASEWORK_ROLES, Role
from portal.audit import record_reads
from portal.errors import DomainError, NotAllowed
from portal.models import Centre
from portal.views import role_required

employer_only = role_required(Role.EMPLOYER)
fair_staff = role_required(Role.COUNSELLOR, Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)
casework = role_required(*CASEWORK_ROLES)
managers = role_required(Role.CENTRE_MANAGER)
reporting = role_required(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)


def returnee_only(view: Callable) -> Callable:
    """Pages of candidates: signed-in people without a staff membership; for staff the page does not exist."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.access.has_membership:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _apply_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the field it concerns, or on top of the form."""
    if isinstance(error, NotAllowed):
        raise Http404
    form.add_error(error.field if error.field in form.fields else None, str(error))


def _flash_error(request: HttpRequest, error: DomainError) -> None:
    if isinstance(error, NotAllowed):
        raise Http404
    messages.error(request, str(error))


def _in_zone(value: Any, zone_name: str) -> Any:
    """A datetime typed as wall-clock time in the fair's zone (the form parsed it in the viewer's)."""
    return value.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(zone_name))


# --- Public pages ---------------------------------------------------------------------------


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
def fair_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    fair = selectors.get_public_fair(public_id=public_id)
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
def booth_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    booth = selectors.get_public_booth(public_id=public_id)
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


# --- Candidates -------------------------------------------------------------------------------


@returnee_only
@require_http_methods(["GET", "POST"])
def registration_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    fair = selectors.get_public_fair(public_id=public_id)
    if selectors.get_my_registration(access=request.access, fair=fair) is not None:
        messages.info(request, _("You are already registered for this fair."))
        return redirect("jobfairs:registration-list")
    form = RegistrationForm(request.POST or None, fair=fair)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.register_for_fair(
                access=request.access,
                actor=request.user,
                fair=fair,
                share_profile=form.cleaned_data["share_profile"],
                answers=form.answers,
                declared=form.declared,
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            if registration.status == "waitlisted":
                messages.warning(
                    request,
                    _("The fair is full. You are on the waiting list and will move up when someone cancels."),
                )
            else:
                messages.success(request, _("You are registered. You can now book meetings with employers."))
            return redirect("jobfairs:fair-detail", public_id=fair.public_id)
    return render(request, "jobfairs/registration_form.html", {"form": form, "fair": fair})


@returnee_only
@require_GET
def registration_list(request: HttpRequest) -> HttpResponse:
    """My registrations, meetings and applications."""
    return render(
        request,
        "jobfairs/my_registrations.html",
        {
            "registrations": selectors.list_my_registrations(access=request.access),
            "applications": selectors.list_my_applications(access=request.access),
            "now": timezone.now(),
        },
    )


@returnee_only
@require_POST
def registration_cancel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    registration = selectors.get_my_registration_by_id(access=request.access, public_id=public_id)
    try:
        services.cancel_registration(access=request.access, actor=request.user, registration=registration)
    except DomainError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("jobfairs:registration-list")


@returnee_only
@require_POST
def registration_consent(request: HttpRequest, public_id: UUID) -> HttpResponse:
    registration = selectors.get_my_registration_by_id(access=request.access, public_id=public_id)
    share = request.POST.get("share") == "1"
    services.set_profile_sharing(access=request.access, actor=request.user, registration=registration, share=share)
    if share:
        messages.success(request, _("The employers of this fair can now see your profile."))
    else:
        messages.success(request, _("You withdrew your consent. Employers no longer see your profile."))
    return redirect("jobfairs:registration-list")


@returnee_only
@require_POST
def registration_join(request: HttpRequest, public_id: UUID) -> HttpResponse:
    registration = selectors.get_my_registration_by_id(access=request.access, public_id=public_id)
    try:
        url = services.join_online(access=request.access, actor=request.user, registration=registration)
    except DomainError as error:
        _flash_error(request, error)
        return redirect("jobfairs:registration-list")
    return redirect(url)


@returnee_only
@require_POST
def slot_book(request: HttpRequest, public_id: UUID) -> HttpResponse:
    slot = selectors.get_public_slot(public_id=public_id)
    registration = selectors.get_my_registration(access=request.access, fair=slot.booth.fair)
    back = reverse("jobfairs:booth-detail", kwargs={"public_id": slot.booth.public_id})
    if registration is None:
        messages.error(request, _("Register for the fair before booking a meeting."))
        return redirect(back)
    try:
        services.book_slot(access=request.access, actor=request.user, slot=slot, registration=registration)
    except DomainError as error:
        _flash_error(request, error)
        return redirect(back)
    messages.success(request, _("Your meeting is booked. We sent you a confirmation with a calendar file."))
    return redirect("jobfairs:registration-list")


@returnee_only
@require_POST
def booking_cancel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    booking = selectors.get_my_booking(access=request.access, public_id=public_id)
    try:
        services.cancel_booking(access=request.access, actor=request.user, booking=booking)
    except DomainError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("Your meeting is cancelled."))
    return redirect("jobfairs:registration-list")


@returnee_only
@require_GET
def booking_ics_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    booking = selectors.get_my_booking(access=request.access, public_id=public_id)
    summary = _("Meeting with %(employer)s") % {"employer": booking.slot.booth.employer.name}
    response = HttpResponse(booking_ics(booking, summary=summary), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meeting.ics"'
    return response


@returnee_only
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    vacancy = selectors.get_public_vacancy(public_id=public_id)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply_to_vacancy(
                access=request.access, actor=request.user, vacancy=vacancy, cover_note=form.cleaned_data["cover_note"]
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Your application was sent to the employer."))
            return redirect("jobfairs:registration-list")
    return render(request, "jobfairs/application_form.html", {"form": form, "vacancy": vacancy})


@returnee_only
@require_POST
def application_withdraw(request: HttpRequest, public_id: UUID) -> HttpResponse:
    application = selectors.get_my_application(access=request.access, public_id=public_id)
    try:
        services.withdraw_application(access=request.access, actor=request.user, application=application)
    except DomainError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect("jobfairs:registration-list")


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The post-event survey, for attending candidates and the booths' employers."""
    fair = selectors.get_public_fair(public_id=public_id)
    kind = services.survey_role(access=request.access, actor=request.user, fair=fair)
    if kind is None:
        raise Http404
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_survey(access=request.access, actor=request.user, fair=fair, **form.cleaned_data)
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Thank you for your answers."))
            return redirect("jobfairs:fair-detail", public_id=fair.public_id)
    return render(request, "jobfairs/survey_form.html", {"form": form, "fair": fair})


# --- Employers ---------------------------------------------------------------------------------


@employer_only
@require_GET
def employer_dashboard(request: HttpRequest) -> HttpResponse:
    dashboard = selectors.employer_dashboard(access=request.access)
    # Meetings with candidates who share their profile show their names: one read line each.
    record_reads(request, [b for b in dashboard.bookings if b.shared], action="jobfairs.candidate.viewed")
    return render(
        request,
        "jobfairs/employer_dashboard.html",
        {"d": dashboard, "status_form": ApplicationStatusForm(), "now": timezone.now()},
    )


@employer_only
@require_http_methods(["GET", "POST"])
def booth_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
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
            _apply_error(form, error)
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
def slot_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    booth = selectors.get_my_booth(access=request.access, public_id=public_id)
    form = SlotsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            slots = services.add_slots(
                access=request.access,
                actor=request.user,
                booth=booth,
                first_start=_in_zone(data["first_start"], booth.fair.time_zone),
                count=data["count"],
                minutes=data["minutes"],
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("%(count)s slots added.") % {"count": len(slots)})
            return redirect("jobfairs:employer-dashboard")
    return render(
        request,
        "jobfairs/slot_form.html",
        {"form": form, "booth": booth, "fair": booth.fair, "slots": selectors.list_booth_slots(booth=booth)},
    )


def _vacancy_form(request: HttpRequest, vacancy: Vacancy | None) -> HttpResponse:
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
    form = VacancyForm(request.POST or None, initial=initial, fairs=fairs)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_vacancy(
                access=request.access, actor=request.user, employer=employer, vacancy=vacancy, **form.service_data()
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The vacancy is saved."))
            return redirect("jobfairs:employer-dashboard")
    return render(request, "jobfairs/vacancy_form.html", {"form": form, "vacancy": vacancy})


@employer_only
@require_http_methods(["GET", "POST"])
def vacancy_create(request: HttpRequest) -> HttpResponse:
    return _vacancy_form(request, None)


@employer_only
@require_http_methods(["GET", "POST"])
def vacancy_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    return _vacancy_form(request, selectors.get_my_vacancy(access=request.access, public_id=public_id))


@employer_only
@require_GET
def candidate_list(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Candidates of the booth's fair who agreed to share their profile; of the others, only a count."""
    booth = selectors.get_my_booth(access=request.access, public_id=public_id)
    candidates, total = selectors.list_candidates(access=request.access, booth=booth)
    # An employer outside the centres sees these people's names and addresses: one read line each.
    record_reads(request, candidates, action="jobfairs.candidate.viewed")
    return render(
        request,
        "jobfairs/candidate_list.html",
        {
            "booth": booth,
            "fair": booth.fair,
            "candidates": candidates,
            "total": total,
            "may_see": booth.is_approved and booth.employer.is_verified,
        },
    )


@employer_only
@require_POST
def application_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
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
        _flash_error(request, error)
    else:
        messages.success(request, _("The application status is updated."))
    return redirect("jobfairs:employer-dashboard")


# --- Staff -------------------------------------------------------------------------------------------


@fair_staff
@require_GET
def manage_list(request: HttpRequest) -> HttpResponse:
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
def fair_create(request: HttpRequest) -> HttpResponse:
    centre_ids = request.access.centre_ids(Role.CENTRE_MANAGER)
    centres = list(Centre.objects.filter(pk__in=centre_ids))
    zone = request.access.timezone_name or settings.TIME_ZONE
    form = FairForm(request.POST or None, initial={"time_zone": zone, "capacity": 100})
    if request.method == "POST" and form.is_valid():
        try:
            fair = services.create_fair(access=request.access, actor=request.user, centres=centres, **form.cleaned_data)
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("The fair is saved as a draft. Publish it when it is ready."))
            return redirect("jobfairs:fair-manage", public_id=fair.public_id)
    return render(request, "jobfairs/fair_form.html", {"form": form})


@role_required(Role.CENTRE_MANAGER)
@require_http_methods(["GET", "POST"])
def fair_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Change a fair, with its title and description in the other languages."""
    fair = selectors.get_visible_or_404(JobFair.objects.staffed_by(request.access), public_id=public_id)
    zone = zoneinfo.ZoneInfo(fair.time_zone)
    initial: dict[str, Any] = {name: getattr(fair, name) for name in services.FAIR_FIELDS}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        initial[name] = getattr(fair, name).astimezone(zone).replace(tzinfo=None)  # shown in the fair's zone
    for code, texts in fair.translations.items():
        initial[f"title_{code}"] = texts.get("title", "")
        initial[f"description_{code}"] = texts.get("description", "")
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
            _apply_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("jobfairs:fair-manage", public_id=fair.public_id)
    return render(request, "jobfairs/fair_form.html", {"form": form, "fair": fair})


@fair_staff
@require_GET
def fair_manage(request: HttpRequest, public_id: UUID) -> HttpResponse:
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
def booth_decide(request: HttpRequest, public_id: UUID, decision: str) -> HttpResponse:
    """A manager of an organising centre approves or declines an employer's booth request."""
    booth = selectors.get_staffed_booth(access=request.access, public_id=public_id)
    decide = {"approve": services.approve_booth, "decline": services.decline_booth}.get(decision)
    if decide is None:
        raise Http404
    try:
        decide(access=request.access, actor=request.user, booth=booth)
    except DomainError as error:
        _flash_error(request, error)
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
def fair_publish(request: HttpRequest, public_id: UUID) -> HttpResponse:
    fair = selectors.get_staffed_fair(access=request.access, public_id=public_id, roles=(Role.CENTRE_MANAGER,))
    try:
        services.publish_fair(access=request.access, actor=request.user, fair=fair)
    except DomainError as error:
        _flash_error(request, error)
    else:
        messages.success(request, _("The fair is published."))
    return redirect("jobfairs:fair-manage", public_id=fair.public_id)


@casework
@require_POST
def check_in(request: HttpRequest, public_id: UUID) -> HttpResponse:
    fair = selectors.get_staffed_fair(access=request.access, public_id=public_id, roles=tuple(CASEWORK_ROLES))
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            services.check_in(access=request.access, actor=request.user, fair=fair, code=form.cleaned_data["code"])
        except DomainError as error:
            _flash_error(request, error)
        else:
            messages.success(request, _("Checked in."))
    else:
        messages.error(request, _("Enter the check-in code."))
    return redirect("jobfairs:fair-manage", public_id=fair.public_id)


@casework
@require_http_methods(["GET", "POST"])
def client_register(request: HttpRequest, public_id: UUID) -> HttpResponse:
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
                _apply_error(form, error)
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


@reporting
@require_GET
def lessons(request: HttpRequest) -> HttpResponse:
    """Lessons learned: outcomes per fair and by format, for the fairs of the user's centres or countries."""
    return render(request, "jobfairs/lessons.html", {"lessons": selectors.lessons_learned(access=request.access)})
