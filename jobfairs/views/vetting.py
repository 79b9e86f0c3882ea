"""Vetting employers in the portal (issue #19, point 7): managers and coordinators of the employer's country
verify or suspend employers through the audited service, not in the Django admin."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jobfairs import selectors, services
from jobfairs.models import VettingStatus
from jobfairs.views._common import reporting
from portal.errors import DomainError
from portal.forms_base import SafeTextMixin
from portal.http import AuthenticatedRequest


class VettingForm(SafeTextMixin, forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Vetting status"), choices=VettingStatus.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("What you checked, or why the employer is suspended. Only staff see it."),
    )


@reporting
@require_GET
def employer_vetting(request: AuthenticatedRequest) -> HttpResponse:
    """The employers of the user's countries, those waiting first, each with its vetting form."""
    page = Paginator(selectors.list_vettable_employers(access=request.access), 30).get_page(request.GET.get("page"))
    rows = [
        (
            employer,
            VettingForm(
                initial={"status": employer.vetting_status, "note": employer.vetting_note},
                prefix=str(employer.public_id),
            ),
        )
        for employer in page
    ]
    return render(request, "jobfairs/employer_vetting.html", {"page": page, "rows": rows})


@reporting
@require_POST
def employer_vet(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    employer = selectors.get_vettable_employer(access=request.access, public_id=public_id)
    form = VettingForm(request.POST, prefix=str(employer.public_id))
    if form.is_valid():
        try:
            services.vet_employer(
                access=request.access,
                actor=request.user,
                employer=employer,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(employer)s is now: %(status)s.")
                % {"employer": employer.name, "status": VettingStatus(employer.vetting_status).label},
            )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("jobfairs:employer-vetting")
