"""Documents on a case, checked by their content before they are kept."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from counselling.audit import CounsellingAudit
from counselling.documents import inspect_upload
from counselling.models import CaseFile, Document
from counselling.services.common import case_event, require_centre, require_open
from portal.access import Access
from portal.audit import record_event
from portal.models import User


@transaction.atomic(durable=True)
def upload_document(*, access: Access, actor: User, case: CaseFile, kind: str, upload: UploadedFile) -> Document:
    """Keep a document on a case after checking its size and its real type (by content).

    Images are re-encoded, which drops their metadata (location, camera).
    The file is stored under a random name outside the web root.
    """
    require_centre(access, case.centre_id)
    require_open(case)
    inspected = inspect_upload(upload)
    document = Document(
        case=case,
        kind=kind,
        original_name=inspected.safe_name,
        content_type=inspected.content_type,
        size=len(inspected.content),
        sha256=hashlib.sha256(inspected.content).hexdigest(),
        uploaded_by=actor,
    )
    document.file.save(inspected.safe_name, inspected.as_file(), save=False)
    document.save()
    case_event(case, actor, "document.uploaded", name=inspected.safe_name)
    record_event(
        actor=actor,
        action=CounsellingAudit.DOCUMENT_UPLOADED,
        target=document,
        centre=case.centre_id,
        details={"type": inspected.content_type, "size": document.size},
    )
    return document
