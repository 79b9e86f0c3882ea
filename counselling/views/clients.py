"""Clients: intake with the duplicate check, their details, their consents."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from counselling import selectors, services
from counselling.audit import CounsellingAudit
from counselling.forms import ClientEditForm, ConsentForm, IntakeForm
from counselling.models import CLIENT_FIELDS
from counselling.views.common import casework, centre_for, client_case_url
from portal.audit import record_read
from portal.errors import DomainError, apply_domain_error
from portal.http import AuthenticatedRequest


@casework
@require_http_methods(["GET", "POST"])
def client_create(request: AuthenticatedRequest) -> HttpResponse:
    """Intake: the client's details, then likely matches in scope before anything is created."""
    centre = centre_for(request)
    # Opened from an appointment request: its details prefill the form, and the new client is linked to it.
    appointment = (
        selectors.get_appointment(access=request.access, public_id=request.GET["appointment"])
        if (request.GET.get("appointment"))
        else None
    )
    if appointment is not None and appointment.centre_id != centre.pk:
        raise Http404
    initial = selectors.client_initial(appointment) if appointment else None
    form = IntakeForm(request.POST or None, country_code=centre.country_id, centre=centre, initial=initial)
    matches: list[selectors.Match] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = selectors.find_possible_duplicates(
            access=request.access,
            given_name=data["given_name"],
            family_name=data["family_name"],
            name_native=data["name_native"],
            phone=data["phone"],
            birth_date=data["birth_date"],
            country_code=centre.country_id,
        )
        if matches and not data["confirm_new"]:
            messages.warning(request, _("Someone like this may already be registered. Check the list below."))
        else:
            try:
                case = services.register_client(
                    access=request.access,
                    actor=request.user,
                    centre=centre,
                    consent_method=data["consent_method"],
                    consent_witness=data["consent_witness"],
                    code=data["code"],
                    **{k: data[k] for k in CLIENT_FIELDS},
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                if appointment is not None:
                    services.link_appointment_client(actor=request.user, appointment=appointment, client=case.client)
                messages.success(request, _("Client %(code)s registered.") % {"code": case.client.code})
                return redirect("counselling:case-detail", public_id=case.public_id)
    return render(request, "counselling/client_form.html", {"form": form, "matches": matches, "intake": True})


@casework
@require_http_methods(["GET", "POST"])
def client_edit(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = selectors.get_client(access=request.access, public_id=public_id)
    initial = {k: getattr(client, k) for k in (*CLIENT_FIELDS, "vulnerabilities", "version")}
    form = ClientEditForm(request.POST or None, initial=initial, country_code=client.centre.country_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_client(
                access=request.access,
                actor=request.user,
                client=client,
                vulnerabilities=data["vulnerabilities"],
                expected_version=data["version"],
                **{k: data[k] for k in CLIENT_FIELDS},
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(client_case_url(request, client))
    if request.method == "GET":
        # The form shows the name, contacts and vulnerabilities.
        record_read(request, client, action=CounsellingAudit.CLIENT_VIEWED)
    return render(request, "counselling/client_form.html", {"form": form, "client": client, "intake": False})


@casework
@require_http_methods(["GET", "POST"])
def consent_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    client = selectors.get_client(access=request.access, public_id=public_id)
    organisations = selectors.list_partner_organisations(country_id=client.centre.country_id)
    form = ConsentForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(access=request.access, actor=request.user, client=client, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect(client_case_url(request, client))
    if request.method == "GET":
        record_read(request, client, action=CounsellingAudit.CLIENT_VIEWED)
    return render(
        request,
        "counselling/case_form.html",
        {"form": form, "client": client, "title": _("Record a consent")},
    )


@casework
@require_POST
def consent_withdraw(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    consent = selectors.get_consent(access=request.access, public_id=public_id)
    try:
        services.withdraw_consent(access=request.access, actor=request.user, consent=consent)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Consent withdrawn. Sharing that depends on it has stopped."))
    return redirect(client_case_url(request, consent.client))
