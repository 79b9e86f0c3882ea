"""The intake queue: appointment requests of the user's centres, and what the counsellor does with them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from counselling import selectors, services
from counselling.audit import CounsellingAudit
from counselling.intake_forms import CloseForm, QueueFilterForm, ScheduleForm
from counselling.models import AppointmentRequest, AppointmentStatus
from counselling.views.common import casework
from portal.audit import record_read
from portal.errors import DomainError, apply_domain_error
from portal.http import AuthenticatedRequest


@casework
@require_GET
def intake_list(request: AuthenticatedRequest) -> HttpResponse:
    """Requests of my centres, newest first, optionally one status."""
    form = QueueFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = Paginator(selectors.list_appointments(access=request.access, status=status), selectors.QUEUE_PAGE)
    return render(
        request,
        "counselling/intake_list.html",
        {"form": form, "page": page.get_page(request.GET.get("page")), "status": status},
    )


def _render_detail(request: HttpRequest, appointment: AppointmentRequest, **forms: Any) -> HttpResponse:
    zone = appointment.centre.country.timezone
    if forms and appointment.status == AppointmentStatus.CLOSED:
        # A closed request shows no forms: say why the step was refused instead of the form's errors.
        messages.error(request, _("This request is closed."))
    context = {
        "appointment": appointment,
        "schedule_form": forms.get("schedule_form") or ScheduleForm(timezone_name=zone),
        "close_form": forms.get("close_form") or CloseForm(),
        "centre_timezone": zone,
        "client_create_url": f"{reverse('counselling:client-create')}?appointment={appointment.public_id}",
    }
    return render(request, "counselling/intake_detail.html", context, status=200)


@casework
@require_GET
def intake_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    appointment = selectors.get_appointment(access=request.access, public_id=public_id)
    # The page shows the visitor's name, contact and message.
    record_read(request, appointment, action=CounsellingAudit.APPOINTMENT_VIEWED)
    return _render_detail(request, appointment)


def _done(request: HttpRequest, appointment: AppointmentRequest, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("counselling:intake-detail", public_id=appointment.public_id)


@casework
@require_POST
def intake_contacted(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    appointment = selectors.get_appointment(access=request.access, public_id=public_id)
    try:
        services.mark_appointment_contacted(actor=request.user, appointment=appointment)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("counselling:intake-detail", public_id=appointment.public_id)
    return _done(request, appointment, _("Marked as contacted."))


@casework
@require_POST
def intake_schedule(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    appointment = selectors.get_appointment(access=request.access, public_id=public_id)
    form = ScheduleForm(request.POST, timezone_name=appointment.centre.country.timezone)
    if form.is_valid():
        try:
            services.schedule_appointment(
                actor=request.user, appointment=appointment, when=form.cleaned_data["scheduled_for"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return _done(request, appointment, _("Appointment scheduled."))
    return _render_detail(request, appointment, schedule_form=form)


@casework
@require_POST
def intake_close(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    appointment = selectors.get_appointment(access=request.access, public_id=public_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_appointment(actor=request.user, appointment=appointment, reason=form.cleaned_data["reason"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return _done(request, appointment, _("Request closed."))
    return _render_detail(request, appointment, close_form=form)
