"""The counselling app's audit action codes, each with its label for the audit search screen.

Registered in `counselling.apps.CounsellingConfig.ready` through `portal.audit.register_actions`;
`portal.audit.record_event` refuses a code that is not. A code never changes once lines carry it: add a
new member instead.
"""

from django.db import models
from django.utils.translation import pgettext_lazy


class CounsellingAudit(models.TextChoices):
    """Counselling's audit action codes: clients, consent, case files, sessions, documents, transfers,
    appointment requests and data-subject requests (``portal.dsr.*``: named when that screen lived in the portal)."""

    APPOINTMENT_REQUESTED = "counselling.appointment.requested", pgettext_lazy("audit action", "Appointment requested")
    APPOINTMENT_VIEWED = (
        "counselling.appointmentrequest.viewed",
        pgettext_lazy("audit action", "Appointment request viewed"),
    )
    APPOINTMENT_CONTACTED = "counselling.appointment.contacted", pgettext_lazy("audit action", "Requester contacted")
    APPOINTMENT_SCHEDULED = "counselling.appointment.scheduled", pgettext_lazy("audit action", "Appointment scheduled")
    APPOINTMENT_CLOSED = "counselling.appointment.closed", pgettext_lazy("audit action", "Appointment request closed")
    APPOINTMENT_CONVERTED = (
        "counselling.appointment.converted",
        pgettext_lazy("audit action", "Appointment request linked to a client"),
    )
    APPOINTMENT_REDACTED = (
        "counselling.appointment.redacted",
        pgettext_lazy("audit action", "Old appointment requests redacted"),
    )
    CASE_OPENED = "counselling.case.opened", pgettext_lazy("audit action", "Case file opened")
    CASE_COUNSELLOR_ASSIGNED = (
        "counselling.case.counsellor_assigned",
        pgettext_lazy("audit action", "Counsellor assigned to a case file"),
    )
    CASE_STATUS_CHANGED = "counselling.case.status_changed", pgettext_lazy("audit action", "Case file status changed")
    CASE_VIEWED = "counselling.case.viewed", pgettext_lazy("audit action", "Case file viewed")
    CLIENT_ANONYMISED = "counselling.client.anonymised", pgettext_lazy("audit action", "Client anonymised")
    CLIENT_EXPORTED = "counselling.client.exported", pgettext_lazy("audit action", "Client data exported")
    CLIENT_REGISTERED = "counselling.client.registered", pgettext_lazy("audit action", "Client registered")
    CLIENT_UPDATED = "counselling.client.updated", pgettext_lazy("audit action", "Client details updated")
    CLIENT_VIEWED = "counselling.client.viewed", pgettext_lazy("audit action", "Client details viewed")
    CONSENT_RECORDED = "counselling.consent.recorded", pgettext_lazy("audit action", "Consent recorded")
    CONSENT_WITHDRAWN = "counselling.consent.withdrawn", pgettext_lazy("audit action", "Consent withdrawn")
    DOCUMENT_DOWNLOADED = "counselling.document.downloaded", pgettext_lazy("audit action", "Document downloaded")
    DOCUMENT_UPLOADED = "counselling.document.uploaded", pgettext_lazy("audit action", "Document uploaded")
    DSR_SEARCHED = "portal.dsr.searched", pgettext_lazy("audit action", "Data subjects searched")
    DSR_OPENED = "portal.dsr.opened", pgettext_lazy("audit action", "Data subject request opened")
    FOLLOW_UP_ADDED = "counselling.follow_up.added", pgettext_lazy("audit action", "Follow-up added")
    FOLLOW_UP_DONE = "counselling.follow_up.done", pgettext_lazy("audit action", "Follow-up done")
    GOAL_ADDED = "counselling.goal.added", pgettext_lazy("audit action", "Plan goal added")
    GOAL_UPDATED = "counselling.goal.updated", pgettext_lazy("audit action", "Plan goal updated")
    GROUP_SESSION_RECORDED = (
        "counselling.group_session.recorded",
        pgettext_lazy("audit action", "Group session recorded"),
    )
    SESSION_CORRECTED = "counselling.session.corrected", pgettext_lazy("audit action", "Session corrected")
    SESSION_LOGGED = "counselling.session.logged", pgettext_lazy("audit action", "Session logged")
    TRANSFER_REQUESTED = "counselling.transfer.requested", pgettext_lazy("audit action", "Transfer requested")
    TRANSFER_VIEWED = "counselling.transfer.viewed", pgettext_lazy("audit action", "Transfer request viewed")
    TRANSFER_DECIDED = "counselling.transfer.decided", pgettext_lazy("audit action", "Transfer decided")
