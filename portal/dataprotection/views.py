"""The portal's data-protection screens: the record of processing activities (GDPR art. 30), and what the
screens of the apps share (who oversees, which countries, downloads). The data-subject requests and the
retention status are the counselling app's (counselling/dataprotection/views.py): they read its clients.
"""

from __future__ import annotations

import csv
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.access import Access, Role
from portal.dataprotection.processing import csv_rows, record_of_processing
from portal.http import AuthenticatedRequest
from portal.models import Country
from portal.views import role_required

# Who reads the record of processing and the retention status.
OVERSIGHT_ROLES = (Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.DATA_PROTECTION_OFFICER, Role.ADMIN)


@role_required(*OVERSIGHT_ROLES)
@require_GET
def processing_record(request: AuthenticatedRequest) -> HttpResponse:
    """The record of processing activities, generated from the models, with the countries' retention periods."""
    return render(
        request,
        "portal/dataprotection/processing.html",
        {"activities": record_of_processing(), "countries": oversight_countries(request.access)},
    )


@role_required(*OVERSIGHT_ROLES)
@require_GET
def processing_record_csv(request: AuthenticatedRequest) -> HttpResponse:
    """The same record as CSV."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # spreadsheet programs read UTF-8 only with a byte-order mark
    writer = csv.writer(response)
    for row in csv_rows(record_of_processing()):
        writer.writerow(row)
    return attachment(response, "record-of-processing.csv")


def oversight_countries(access: Access) -> Any:
    """The countries whose data protection the user oversees (all of them for the programme-wide roles)."""
    countries = Country.objects.order_by("code")
    scope = access.privacy_countries()
    return countries if scope is None else countries.filter(code__in=scope)


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """`response` as a download named `filename`, never kept in a cache (it holds personal data)."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
