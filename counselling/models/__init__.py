"""Models of the counselling app, one module per part of the work; import them from here.

- `choices`: statuses, purposes, topics and the categories reports count by
- `querysets`: who sees which rows (one `for_access` rule per model)
- `clients`: `Client` (and `CLIENT_FIELDS`, the details a counsellor enters), `Consent`
- `cases`: `CaseFile`, `PlanGoal`, `Session`, `SessionRevision`, `FollowUp`, `FollowUpReminder`, `CaseEvent`
  (the timeline)
- `documents`: `Document`; `transfers`: `Transfer`; `groups`: `GroupSession`
- `appointments`: `AppointmentRequest` (the intake queue)
"""

from counselling.models.appointments import AppointmentRequest
from counselling.models.cases import (
    CaseEvent,
    CaseFile,
    FollowUp,
    FollowUpReminder,
    PlanGoal,
    Session,
    SessionRevision,
)
from counselling.models.choices import (
    AppointmentChannel,
    AppointmentStatus,
    AppointmentTopic,
    CaseStatus,
    ClosureReason,
    ConsentMethod,
    ConsentPurpose,
    ContactChannel,
    DocumentKind,
    Education,
    GoalStatus,
    LegalBasis,
    SessionKind,
    SessionMode,
    Sex,
    TargetGroup,
    Topic,
    TransferStatus,
    Vulnerability,
)
from counselling.models.clients import CLIENT_FIELDS, Client, Consent
from counselling.models.documents import Document, document_path
from counselling.models.groups import GroupSession
from counselling.models.transfers import Transfer

__all__ = [
    "CLIENT_FIELDS",
    "AppointmentChannel",
    "AppointmentRequest",
    "AppointmentStatus",
    "AppointmentTopic",
    "CaseEvent",
    "CaseFile",
    "CaseStatus",
    "Client",
    "ClosureReason",
    "Consent",
    "ConsentMethod",
    "ConsentPurpose",
    "ContactChannel",
    "Document",
    "DocumentKind",
    "Education",
    "FollowUp",
    "FollowUpReminder",
    "GoalStatus",
    "GroupSession",
    "LegalBasis",
    "PlanGoal",
    "Session",
    "SessionKind",
    "SessionMode",
    "SessionRevision",
    "Sex",
    "TargetGroup",
    "Topic",
    "Transfer",
    "TransferStatus",
    "Vulnerability",
    "document_path",  # migration 0001 names it as counselling.models.document_path
]
