"""Who may correct a counselling session, and until when (`counselling.services.correct_session` writes)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from counselling.models import CaseStatus, Session
from portal.access import CASEWORK_ROLES, Access

# What a correction may change; `SessionRevision.previous` keeps these values as they were (JSON).
CORRECTABLE = (
    "held_at",
    "duration_minutes",
    "mode",
    "topics",
    "language",
    "interpreter",
    "summary",
    "confidential_notes",
    "next_steps",
)
# A correction later than this after the session was logged needs a reason.
REASON_NEEDED_AFTER = dt.timedelta(hours=24)


def correction_window_ends(session: Session) -> dt.datetime:
    return session.created_at + dt.timedelta(days=settings.SESSION_CORRECTION_DAYS)


def may_correct(access: Access, session: Session) -> bool:
    """The author, within `SESSION_CORRECTION_DAYS`, on a case of their centre that is not closed."""
    return (
        session.counsellor_id == access.user_id
        and session.case.centre_id in access.centre_ids(*CASEWORK_ROLES)
        and session.case.status != CaseStatus.CLOSED
        and timezone.now() <= correction_window_ends(session)
    )
