"""Candidates' pages: registering, bookings, joining online, applications, the survey."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jobfairs import selectors, services
from jobfairs.forms import ApplicationForm, RegistrationForm, SurveyForm
from jobfairs.ics import booking_ics
from jobfairs.notifications import confirmation_channel
from jobfairs.views._common import flash_error, returnee_only
from portal.errors import DomainError, apply_domain_error
from portal.http import AuthenticatedRequest


@returnee_only
@require_http_methods(["GET", "POST"])
def registration_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
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
            apply_domain_error(form, error)
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
def registration_list(request: AuthenticatedRequest) -> HttpResponse:
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
def registration_cancel(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Ask first, then cancel: the list's button opens the question, only its "Yes" (confirm=1) cancels.

    A confirmation page rather than a script dialog, so that it works without JavaScript; a POST both
    times, so that a link or a prefetch can never reach the cancelling step.
    """
    registration = selectors.get_my_registration_by_id(access=request.access, public_id=public_id)
    if request.POST.get("confirm") != "1":
        return render(request, "jobfairs/registration_cancel_confirm.html", {"registration": registration})
    try:
        services.cancel_registration(access=request.access, actor=request.user, registration=registration)
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("jobfairs:registration-list")


@returnee_only
@require_POST
def registration_consent(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
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
def registration_join(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    registration = selectors.get_my_registration_by_id(access=request.access, public_id=public_id)
    try:
        url = services.join_online(access=request.access, actor=request.user, registration=registration)
    except DomainError as error:
        flash_error(request, error)
        return redirect("jobfairs:registration-list")
    return redirect(url)


@returnee_only
@require_POST
def slot_book(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    slot = selectors.get_public_slot(public_id=public_id)
    registration = selectors.get_my_registration(access=request.access, fair=slot.booth.fair)
    back = reverse("jobfairs:booth-detail", kwargs={"public_id": slot.booth.public_id})
    if registration is None:
        messages.error(request, _("Register for the fair before booking a meeting."))
        return redirect(back)
    try:
        services.book_slot(access=request.access, actor=request.user, slot=slot, registration=registration)
    except DomainError as error:
        flash_error(request, error)
        return redirect(back)
    channel = confirmation_channel(registration)
    if channel == "email":
        messages.success(request, _("Your meeting is booked. We sent you a confirmation with a calendar file."))
    elif channel == "sms":
        messages.success(
            request,
            _("Your meeting is booked. We sent you a text message (SMS). The calendar file is on this page."),
        )
    else:
        messages.success(request, _("Your meeting is booked. You find it and its calendar file on this page."))
    return redirect("jobfairs:registration-list")


@returnee_only
@require_POST
def booking_cancel(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    booking = selectors.get_my_booking(access=request.access, public_id=public_id)
    try:
        services.cancel_booking(access=request.access, actor=request.user, booking=booking)
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Your meeting is cancelled."))
    return redirect("jobfairs:registration-list")


@returnee_only
@require_GET
def booking_ics_download(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    booking = selectors.get_my_booking(access=request.access, public_id=public_id)
    summary = _("Meeting with %(employer)s") % {"employer": booking.slot.booth.employer.name}
    response = HttpResponse(booking_ics(booking, summary=summary), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meeting.ics"'
    return response


@returnee_only
@require_http_methods(["GET", "POST"])
def application_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    vacancy = selectors.get_public_vacancy(public_id=public_id)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.apply_to_vacancy(
                access=request.access, actor=request.user, vacancy=vacancy, cover_note=form.cleaned_data["cover_note"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your application was sent to the employer."))
            return redirect("jobfairs:registration-list")
    return render(request, "jobfairs/application_form.html", {"form": form, "vacancy": vacancy})


@returnee_only
@require_POST
def application_withdraw(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    application = selectors.get_my_application(access=request.access, public_id=public_id)
    try:
        services.withdraw_application(access=request.access, actor=request.user, application=application)
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect("jobfairs:registration-list")


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
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
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Thank you for your answers."))
            return redirect("jobfairs:fair-detail", public_id=fair.public_id)
    return render(request, "jobfairs/survey_form.html", {"form": form, "fair": fair})
