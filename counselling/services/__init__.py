"""Writes of the counselling app: one function per use case, atomic and audited; import them from here.

Every function takes the acting user's `Access` and the acting `User`, checks
that the objects it touches are in that user's scope (they came through the
selectors, and are checked again here), writes, appends a `CaseEvent` to the
case's timeline and an `AuditEvent` to the audit log, and queues side effects
through the outbox (`portal.outbox.enqueue`, with a key that names the work)
or, for other apps, a signal sent after commit (`counselling.signals`). Each is
the outermost transaction (`atomic(durable=True)`): no service calls another.

- `clients`: intake, a client's details, consents recorded and withdrawn
  (whether a client consented is read in `counselling.consent`)
- `cases`: sessions, the reintegration plan, the case's status, a new case
- `follow_ups`, `documents`, `transfers`, `group_sessions`
- `appointments`: the centre's intake queue of appointment requests
- `common`: the checks and the timeline line every service shares
"""

from counselling.services.appointments import (
    close_appointment,
    link_appointment_client,
    mark_appointment_contacted,
    request_appointment,
    schedule_appointment,
)
from counselling.services.cases import (
    add_goal,
    assign_counsellor,
    change_case_status,
    correct_session,
    log_session,
    reopen_or_open_case,
    set_goal_status,
)
from counselling.services.clients import (
    record_consent,
    record_consent_within,
    register_client,
    search_columns,
    update_client,
    withdraw_consent,
)
from counselling.services.common import CaseClosed, StaleVersion, centre_caseworkers
from counselling.services.documents import upload_document
from counselling.services.follow_ups import add_follow_up, complete_follow_up
from counselling.services.group_sessions import record_group_session
from counselling.services.transfers import decide_transfer, request_transfer

__all__ = [
    "CaseClosed",
    "StaleVersion",
    "add_follow_up",
    "add_goal",
    "assign_counsellor",
    "centre_caseworkers",
    "change_case_status",
    "close_appointment",
    "complete_follow_up",
    "correct_session",
    "decide_transfer",
    "link_appointment_client",
    "log_session",
    "mark_appointment_contacted",
    "record_consent",
    "record_consent_within",
    "record_group_session",
    "register_client",
    "reopen_or_open_case",
    "request_appointment",
    "request_transfer",
    "schedule_appointment",
    "search_columns",
    "set_goal_status",
    "update_client",
    "upload_document",
    "withdraw_consent",
]
