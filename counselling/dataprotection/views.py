"""Data-protection screens of the counselling app: data-subject requests and the retention status.

Centre managers handle the requests of their centre's clients, the data-protection
officer those of their countries (or of the whole programme). Finding a client
shows who they are and how much is held, never the content of their case: the
officer does no casework: the exports they download leave out confidential session
notes (they say how many there are; the centre's manager hands them over). Export and
erasure ask for the password again and are audited; so are the search and the opening
of a request. The record of processing activities is the portal's (portal/dataprotection/views.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from allauth.account.decorators import reauthentication_required
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from counselling.audit import CounsellingAudit
from counselling.dataprotection import erasure, export, subjects
from counselling.models import CaseFile, CaseStatus, Client
from portal.access import DATA_SUBJECT_ROLES, Role, unscoped
from portal.audit import record_event
from portal.dataprotection.views import OVERSIGHT_ROLES, attachment, oversight_countries
from portal.errors import DomainError, NotAllowed, apply_domain_error
from portal.forms_base import SafeTextMixin
from portal.http import AuthenticatedRequest
from portal.models import Country
from portal.views import role_required

SEARCH_LIMIT = 50

data_subject_staff = role_required(*DATA_SUBJECT_ROLES)


class DataSubjectSearchForm(SafeTextMixin, forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Client code, phone or name"),
        max_length=100,
        help_text=gettext_lazy("A name may be typed in any script."),
    )


class ErasureForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Why is the data erased?"), choices=erasure.ErasureReason.choices)
    confirm = forms.CharField(label=gettext_lazy("Client code"), max_length=20)

    def __init__(self, *args: Any, code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.code = code
        self.fields["confirm"].label = _("Type the client code %(code)s to confirm") % {"code": code}
        self.fields["confirm"].widget.attrs.update({"autocomplete": "off", "dir": "ltr"})

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value.upper() != self.code.upper():
            raise forms.ValidationError(_("The code does not match."))
        return value


class PdfLanguageForm(forms.Form):
    lang = forms.ChoiceField(label=gettext_lazy("Language of the PDF"), choices=settings.LANGUAGES, required=False)


@data_subject_staff
@require_GET
def request_search(request: AuthenticatedRequest) -> HttpResponse:
    """Find the client a data-subject request is about, among those the user handles."""
    form = DataSubjectSearchForm(request.GET or None)
    clients: list[Any] = []
    if form.is_valid():
        clients = list(subjects.list_data_subjects(access=request.access, query=form.cleaned_data["q"])[:SEARCH_LIMIT])
        # The query may be a name: the log keeps only how many were found.
        record_event(actor=request.user, action=CounsellingAudit.DSR_SEARCHED, details={"results": len(clients)})
    return render(request, "counselling/dataprotection/search.html", {"form": form, "clients": clients})


@data_subject_staff
@require_GET
def request_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """One client's request: who they are, how much is held, and the steps (export, erase, who saw it)."""
    client = subjects.get_data_subject(access=request.access, public_id=public_id)
    holdings = subjects.get_holdings(client=client)
    record_event(actor=request.user, action=CounsellingAudit.DSR_OPENED, target=client)
    return render(
        request,
        "counselling/dataprotection/detail.html",
        {
            "client": client,
            "holdings": holdings,
            "pdf_form": PdfLanguageForm(initial={"lang": translation.get_language()}),
            "can_read_audit": request.access.has_role(
                Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.DATA_PROTECTION_OFFICER
            ),
            # Only the centre's manager (and each note's author) reads confidential notes, in exports too.
            "withholds_notes": client.centre_id not in request.access.centre_ids(Role.CENTRE_MANAGER),
        },
    )


@data_subject_staff
@reauthentication_required
@require_GET
def request_export_json(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Everything held about the client, as JSON (asks for the password again; audited)."""
    client = subjects.get_data_subject(access=request.access, public_id=public_id)
    try:
        data = export.export_client_data(access=request.access, actor=request.user, client=client)
    except NotAllowed as error:
        raise Http404 from error
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return attachment(response, f"{client.code}.json")


@data_subject_staff
@reauthentication_required
@require_GET
def request_export_pdf(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Everything held about the client, as a readable PDF in the chosen language (password again; audited)."""
    client = subjects.get_data_subject(access=request.access, public_id=public_id)
    form = PdfLanguageForm(request.GET)
    language = (form.cleaned_data["lang"] if form.is_valid() else "") or translation.get_language()
    try:
        pdf = export.export_client_pdf(access=request.access, actor=request.user, client=client, language=language)
    except NotAllowed as error:
        raise Http404 from error
    return attachment(HttpResponse(pdf, content_type="application/pdf"), f"{client.code}.pdf")


@data_subject_staff
@reauthentication_required
@require_http_methods(["GET", "POST"])
def request_erase(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Erase (anonymise) the client on request, with a reason and the code typed again (password again; audited)."""
    client = subjects.get_data_subject(access=request.access, public_id=public_id)
    if client.anonymised_at is not None:
        messages.info(request, _("This client's personal data has already been erased."))
        return redirect("counselling:dsr-detail", public_id=client.public_id)
    form = ErasureForm(request.POST or None, code=client.code)
    if request.method == "POST" and form.is_valid():
        try:
            subjects.erase_client(
                access=request.access, actor=request.user, client=client, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The client's personal data was erased. The anonymous case record stays."))
            return redirect("counselling:dsr-detail", public_id=client.public_id)
    return render(request, "counselling/dataprotection/erase.html", {"client": client, "form": form})


@role_required(*OVERSIGHT_ROLES)
@require_GET
def retention_status(request: AuthenticatedRequest) -> HttpResponse:
    """Per country: the retention period, clients anonymised, clients waiting for it and any overdue."""
    countries = list(oversight_countries(request.access))
    rows = _retention_rows(countries, today=timezone.localdate())
    return render(request, "counselling/dataprotection/retention.html", {"rows": rows})


def _retention_rows(countries: list[Country], *, today: Any) -> list[dict[str, Any]]:
    """One aggregate query over the clients of `countries` (no rows per client)."""
    if not countries:
        return []

    overdue = Q(pk__in=[])
    for country in countries:
        overdue |= Q(centre__country_id=country.code, last_closed__lt=today - dt.timedelta(days=country.retention_days))
    with unscoped():  # counts only, over the countries the user oversees
        open_case = CaseFile.objects.filter(client=OuterRef("pk")).exclude(status=CaseStatus.CLOSED)
        last_closed = (
            CaseFile.objects.filter(client=OuterRef("pk"), closed_on__isnull=False)
            .order_by("-closed_on")
            .values("closed_on")[:1]
        )
        counts = {
            row["centre__country_id"]: row
            for row in Client.objects.filter(centre__country__in=countries)
            .annotate(last_closed=Subquery(last_closed), has_open=Exists(open_case))
            .values("centre__country_id")
            .annotate(
                anonymised=Count("pk", filter=Q(anonymised_at__isnull=False), distinct=True),
                waiting=Count(
                    "pk",
                    filter=Q(anonymised_at__isnull=True, has_open=False, last_closed__isnull=False),
                    distinct=True,
                ),
                overdue=Count("pk", filter=Q(anonymised_at__isnull=True, has_open=False) & overdue, distinct=True),
                total=Count("pk", distinct=True),
            )
            .order_by()
        }
    empty = {"anonymised": 0, "waiting": 0, "overdue": 0, "total": 0}
    return [{"country": country, **counts.get(country.code, empty)} for country in countries]
