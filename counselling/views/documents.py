"""Case documents: uploaded after a content check, downloaded only through the access check."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from counselling import selectors, services
from counselling.audit import CounsellingAudit
from counselling.forms import DocumentForm
from counselling.models import CaseFile
from counselling.views.common import case_form_view, casework
from portal.audit import record_event
from portal.http import AuthenticatedRequest


@casework
@require_http_methods(["GET", "POST"])
def document_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.upload_document(
            access=request.access, actor=request.user, case=case, kind=data["kind"], upload=data["upload"]
        )

    return case_form_view(
        request,
        public_id,
        DocumentForm,
        save,
        title=_("Add a document"),
        success=_("Document saved."),
        multipart=True,
    )


@casework
@require_GET
def document_download(request: AuthenticatedRequest, public_id: UUID) -> FileResponse:
    """Serve a case document after the access check; every download is audited."""
    document = selectors.get_document(access=request.access, public_id=public_id)
    record_event(
        actor=request.user,
        action=CounsellingAudit.DOCUMENT_DOWNLOADED,
        target=document,
        centre=document.case.centre_id,
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
