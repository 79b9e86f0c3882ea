"""Steps the counselling service tests share: registering a client, logging a session, uploading, the timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from counselling import services
from counselling.models import CaseEvent, CaseFile
from portal.access import get_access, unscoped


def events(case: CaseFile) -> list[str]:
    """The kinds of the case's timeline lines, oldest first."""
    with unscoped():
        return list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("kind", flat=True))


def register(persona, **overrides):
    data: dict[str, Any] = {
        "given_name": "Mohamed",
        "family_name": "Benali",
        "name_native": "محمد بن علي",
        "sex": "male",
        "birth_year": 1990,
        "target_group": "returnee_de",
        "phone": "+233241234567",
    }
    data.update(overrides)
    return services.register_client(
        access=get_access(persona.user), actor=persona.user, centre=persona.centre, consent_method="signed", **data
    )


def log(persona, case, **overrides):
    data: dict[str, Any] = {
        "held_at": timezone.now() - dt.timedelta(minutes=5),
        "duration_minutes": 40,
        "mode": "in_person",
        "topics": ["labour_market", "psychosocial"],
        "summary": "Talked about work.",
        "confidential_notes": "Client disclosed violence at home.",
    }
    data.update(overrides)
    return services.log_session(access=get_access(persona.user), actor=persona.user, case=case, **data)


def upload(persona, case, name: str, content: bytes, content_type: str = "application/pdf"):
    return services.upload_document(
        access=get_access(persona.user),
        actor=persona.user,
        case=case,
        kind="cv",
        upload=SimpleUploadedFile(name, content, content_type=content_type),
    )
