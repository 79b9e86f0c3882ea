"""Transfers: requested from the case, decided by the receiving centre's manager."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from counselling import selectors, services
from counselling.audit import CounsellingAudit
from counselling.forms import TransferDecisionForm, TransferForm
from counselling.models import CaseFile
from counselling.views.common import case_form_view, casework
from portal.access import Role
from portal.audit import record_read
from portal.errors import DomainError, apply_domain_error
from portal.http import AuthenticatedRequest
from portal.models import Centre
from portal.views import role_required


@casework
@require_http_methods(["GET", "POST"])
def transfer_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.request_transfer(access=request.access, actor=request.user, case=case, **data)

    return case_form_view(
        request,
        public_id,
        TransferForm,
        save,
        title=_("Transfer to another centre"),
        success=_("Transfer requested. The receiving centre's manager will decide."),
        form_kwargs=lambda case: {
            "centres": Centre.objects.filter(is_active=True).exclude(pk=case.centre_id).select_related("country")
        },
    )


@role_required(Role.CENTRE_MANAGER)
@require_GET
def transfer_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "counselling/transfer_list.html",
        {"transfers": selectors.list_transfers_to_decide(access=request.access)},
    )


@role_required(Role.CENTRE_MANAGER)
@require_http_methods(["GET", "POST"])
def transfer_decide(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    transfer = selectors.get_transfer_to_decide(access=request.access, public_id=public_id)
    form = TransferDecisionForm(request.POST or None, caseworkers=services.centre_caseworkers(transfer.to_centre_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_transfer(
                access=request.access,
                actor=request.user,
                transfer=transfer,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
                counsellor=form.cleaned_data["counsellor"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("counselling:transfer-list")
    if request.method == "GET":
        record_read(request, transfer, action=CounsellingAudit.TRANSFER_VIEWED)
    return render(request, "counselling/transfer_decide.html", {"form": form, "transfer": transfer})
