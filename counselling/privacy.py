"""Retention, export and erasure of a client's data.

Anonymising keeps what the statistics need (centre, sex, year of birth,
target group, dates, statuses, counts) and removes everything that names,
reaches or describes the person: names, contacts, free text, notes and
documents. It runs for closed cases after the country's retention period
(a daily task) and on a data-subject request (a manager's action).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from counselling.models import (
    AppointmentRequest,
    CaseEvent,
    CaseFile,
    CaseStatus,
    Client,
    Consent,
    Document,
    FollowUp,
    PlanGoal,
    Session,
    Transfer,
)
from portal.access import Access, unscoped
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed

REDACTED = "—"


class ErasureReason(models.TextChoices):
    """Why a client was erased; the code goes into the audit log (never free text)."""

    DATA_SUBJECT_REQUEST = "erasure_request", gettext_lazy("The person asked to be erased")
    CONSENT_WITHDRAWN = "consent_withdrawn", gettext_lazy("Consent was withdrawn and nothing else allows keeping it")
    NO_LONGER_NEEDED = "no_longer_needed", gettext_lazy("No longer needed for the purpose it was collected for")
    UNLAWFUL = "unlawful_processing", gettext_lazy("It was processed unlawfully")
    LEGAL_OBLIGATION = "legal_obligation", gettext_lazy("A legal obligation requires erasure")


@transaction.atomic
def anonymise_client(*, client: Client, reason: str, actor: Any = None) -> Client:
    """Remove every identifying detail of a client and of what hangs on them; idempotent."""
    with unscoped():
        client = Client.objects.select_for_update().get(pk=client.pk)
        if client.anonymised_at is not None:
            return client
        cases = CaseFile.objects.filter(client=client)
        Session.objects.filter(case__in=cases).update(summary="", confidential_notes="", next_steps="")
        FollowUp.objects.filter(case__in=cases).update(title=REDACTED)
        PlanGoal.objects.filter(case__in=cases).update(title=REDACTED)
        Transfer.objects.filter(case__in=cases).update(reason=REDACTED, decision_note="")
        Consent.objects.filter(client=client).update(witness="")
        for event in CaseEvent.objects.filter(case__in=cases).exclude(params={}):
            # Keep the kind of event and its status codes; drop titles, names and file names.
            kept = {k: v for k, v in event.params.items() if k in ("status", "purpose", "minutes", "code")}
            CaseEvent.objects.filter(pk=event.pk).update(params=kept)
        for document in Document.objects.filter(case__in=cases):
            document.file.delete(save=False)
        Document.objects.filter(case__in=cases).delete()
        _anonymise_linked(client, cases)
    client.given_name = REDACTED
    client.family_name = client.name_native = client.name_transliterated = ""
    client.phone = client.phone_alt = client.email = client.current_location = ""
    client.occupation = client.skills = ""
    client.vulnerabilities = []
    client.birth_date = None  # the year stays, for age bands
    client.portal_account = None
    client.given_keys, client.family_keys, client.search_text = [], [], ""
    client.anonymised_at = timezone.now()
    client.save()
    record_event(actor=actor, action="counselling.client.anonymised", target=client, details={"reason": reason})
    return client


def _anonymise_linked(client: Client, cases: Any) -> None:
    """The other apps' free text about this client."""
    from jobfairs.models import Registration
    from referrals.models import Referral, ReferralEvent

    Referral.objects.filter(case__in=cases).update(reason=REDACTED, decline_reason="")
    ReferralEvent.objects.filter(referral__case__in=cases).update(note="")
    Registration.objects.filter(client=client).update(answers={})
    # The visitor's request that led to the client: its name, contact and message go too.
    for appointment in AppointmentRequest.objects.filter(client=client):
        appointment.name, appointment.contact, appointment.message, appointment.closed_reason = REDACTED, "", "", ""
        appointment.save(update_fields=["name", "contact", "message", "closed_reason"])


def anonymise_expired_cases(*, today: dt.date) -> int:
    """Anonymise clients whose cases are all closed for longer than their country's retention period."""
    with unscoped():
        candidates = (
            Client.objects.filter(anonymised_at__isnull=True)
            .exclude(cases__status__in=[CaseStatus.OPEN, CaseStatus.ACTIVE, CaseStatus.ON_HOLD])
            .filter(cases__isnull=False)
            .annotate(last_closed=Max("cases__closed_on"))
            .select_related("centre__country")
        )
        expired = [
            c
            for c in candidates
            if c.last_closed and c.last_closed + dt.timedelta(days=c.centre.country.retention_days) < today
        ]
    for client in expired:
        anonymise_client(client=client, reason="retention")
    return len(expired)


def redact_stale_appointment_requests(*, today: dt.date) -> int:
    """Blank the personal fields of appointment requests that never became a client once the centre's country
    retention period has passed since they were last handled (requests of clients go with the client)."""
    with unscoped():
        stale = [
            request
            for request in AppointmentRequest.objects.filter(client__isnull=True)
            .exclude(name=REDACTED)
            .select_related("centre__country")
            .only("pk", "updated_at", "centre__country__retention_days")
            if request.updated_at.date() + dt.timedelta(days=request.centre.country.retention_days) < today
        ]
        for request in stale:
            AppointmentRequest.objects.filter(pk=request.pk).update(
                name=REDACTED, contact="", message="", closed_reason="", user=None
            )
    if stale:
        record_event(actor=None, action="counselling.appointment.redacted", details={"count": len(stale)})
    return len(stale)


def _require_data_subject_right(access: Access, client: Client) -> None:
    if not access.handles_data_subject_of(client.centre):
        raise NotAllowed(_("Only the centre's manager or the data-protection officer can do this."))


def list_data_subjects(*, access: Access, query: str) -> QuerySet[Client]:
    """Clients whose data-subject requests the user handles (managers: their centres; the
    data-protection officer: their countries), found by code, phone or a name in any script.

    Identity only: the data-protection officer finds the person, never the case file's content.
    """
    from counselling.selectors import _client_search_q

    query = query.strip()
    if not query:
        return _data_subjects(access).none()
    return _data_subjects(access).filter(_client_search_q(query)).select_related("centre__country").order_by("code")


def _data_subjects(access: Access) -> QuerySet[Client]:
    with unscoped():  # the rule is the access layer's own: data_subject_q
        return Client.objects.filter(access.data_subject_q())


def get_data_subject(*, access: Access, public_id: Any) -> Client:
    """One client in the user's data-subject scope, or 404."""
    from portal.access import get_visible_or_404

    return get_visible_or_404(_data_subjects(access).select_related("centre__country"), public_id=public_id)


@dataclass(frozen=True)
class Holdings:
    """What is held about a client, as counts (the request screen shows no content)."""

    cases: int
    open_cases: int
    sessions: int
    documents: int
    referrals: int
    consents: int
    registrations: int
    appointments: int
    last_closed_on: dt.date | None
    erasable_on: dt.date | None


def get_holdings(*, client: Client) -> Holdings:
    """Counts of what is held about `client`, and when the retention task will anonymise it."""
    from jobfairs.models import Registration
    from referrals.models import Referral

    with unscoped():
        cases = CaseFile.objects.filter(client=client).aggregate(
            cases=Count("pk"),
            open_cases=Count("pk", filter=~Q(status=CaseStatus.CLOSED)),
            last_closed_on=Max("closed_on"),
        )
        counts = {
            "sessions": Session.objects.filter(case__client=client).count(),
            "documents": Document.objects.filter(case__client=client).count(),
            "referrals": Referral.objects.filter(case__client=client).count(),
            "consents": Consent.objects.filter(client=client).count(),
            "registrations": Registration.objects.filter(client=client).count(),
            "appointments": AppointmentRequest.objects.filter(client=client).count(),
        }
    erasable_on = None
    if cases["cases"] and not cases["open_cases"] and cases["last_closed_on"]:
        erasable_on = cases["last_closed_on"] + dt.timedelta(days=client.centre.country.retention_days)
    return Holdings(**cases, **counts, erasable_on=erasable_on)


def export_client_data(*, access: Access, actor: Any, client: Client) -> dict[str, Any]:
    """Everything held about one client, for a data-subject access request; the export is audited."""
    _require_data_subject_right(access, client)
    with unscoped():
        cases = list(CaseFile.objects.filter(client=client).select_related("centre").order_by("opened_on"))
        data = {
            "client": {
                field.name: getattr(client, field.name)
                for field in Client._meta.concrete_fields
                if field.name not in ("id", "given_keys", "family_keys", "search_text", "portal_account", "centre")
            }
            | {"centre": client.centre.name},
            "consents": list(
                Consent.objects.filter(client=client).values(
                    "purpose", "organisation__name", "legal_basis", "method", "given_on", "withdrawn_at"
                )
            ),
            "cases": [
                {
                    "centre": case.centre.name,
                    "status": case.status,
                    "opened_on": case.opened_on,
                    "closed_on": case.closed_on,
                    "plan": list(PlanGoal.objects.filter(case=case).values("title", "due_on", "status")),
                    "sessions": [
                        {
                            "held_at": s.held_at,
                            "minutes": s.duration_minutes,
                            "mode": s.mode,
                            "topics": s.topics,
                            "summary": s.summary,
                            "confidential_notes": s.confidential_notes,
                            "next_steps": s.next_steps,
                        }
                        for s in Session.objects.filter(case=case).order_by("held_at")
                    ],
                    "follow_ups": list(FollowUp.objects.filter(case=case).values("title", "due_on", "done_at")),
                    "documents": list(
                        Document.objects.filter(case=case).values("kind", "original_name", "uploaded_at")
                    ),
                    "referrals": list(
                        case.referrals.values("code", "service__name", "organization__name", "status", "outcome")
                    ),
                }
                for case in cases
            ],
            "appointment_requests": [
                {
                    "centre": a.centre.name,
                    "name": a.name,
                    "contact": a.contact,
                    "topic": a.topic,
                    "message": a.message,
                    "status": a.status,
                    "created_at": a.created_at,
                }
                for a in AppointmentRequest.objects.filter(client=client).select_related("centre").order_by("pk")
            ],
        }
    record_event(actor=actor, action="counselling.client.exported", target=client, details={"format": "json"})
    return _json_ready(data)


def export_client_pdf(*, access: Access, actor: Any, client: Client, language: str) -> bytes:
    """Everything held about one client as a readable PDF in `language` (right to left where it is); audited."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from portal.reports.pdf import FONTS

    _require_data_subject_right(access, client)
    from jobfairs.models import Registration

    with unscoped():
        cases = list(
            CaseFile.objects.filter(client=client)
            .select_related("centre")
            .prefetch_related("goals", "follow_ups", "documents", "referrals__service", "referrals__organization")
            .order_by("opened_on", "pk")
        )
        sessions = {case.pk: list(case.sessions.order_by("held_at")) for case in cases}
        consents = list(Consent.objects.filter(client=client).select_related("organisation").order_by("given_on"))
        registrations = list(Registration.objects.filter(client=client).select_related("fair").order_by("created_at"))
        appointments = list(AppointmentRequest.objects.filter(client=client).select_related("centre").order_by("pk"))
        with translation.override(language):
            html = render_to_string(
                "portal/dataprotection/export_pdf.html",
                {
                    "client": client,
                    "personal_data": _personal_data_rows(client),
                    "consents": consents,
                    "cases": [(case, sessions[case.pk]) for case in cases],
                    "registrations": registrations,
                    "appointments": appointments,
                    "fonts": FONTS,
                    "LANGUAGE_CODE": translation.get_language(),
                    "LANGUAGE_BIDI": translation.get_language_bidi(),
                    "generated_at": timezone.now(),
                },
            )
    pdf = HTML(string=html).write_pdf()
    record_event(
        actor=actor, action="counselling.client.exported", target=client, details={"format": "pdf", "lang": language}
    )
    return pdf


# Derived or internal columns: not data about the person in a form they would recognise.
_NOT_EXPORTED = ("id", "public_id", "given_keys", "family_keys", "search_text", "portal_account", "centre")


# Codes, numbers and addresses read left to right inside right-to-left text.
_LEFT_TO_RIGHT = ("code", "phone", "phone_alt", "email")


def _personal_data_rows(client: Client) -> list[tuple[str, Any, bool]]:
    """(label, readable value, left-to-right) for each field of the client record, in the active language."""
    rows = []
    for field in Client._meta.concrete_fields:
        if field.name in _NOT_EXPORTED:
            continue
        value = getattr(client, field.name)
        if field.name == "nationality" and value:
            from portal.geography import country_name

            value = country_name(value)
        elif field.choices and not isinstance(value, list):
            value = getattr(client, f"get_{field.name}_display")()
        elif isinstance(value, list):
            choices = dict(field.base_field.choices or []) if hasattr(field, "base_field") else {}
            value = ", ".join(str(choices.get(v, v)) for v in value)
        rows.append((str(field.verbose_name), value, field.name in _LEFT_TO_RIGHT))
    return rows


def erase_client(
    *, access: Access, actor: Any, client: Client, reason: str = ErasureReason.DATA_SUBJECT_REQUEST
) -> Client:
    """Anonymise a client on request (the case records the centre must keep stay, without the person).

    `reason` is an `ErasureReason` code; it is written to the audit log.
    """
    _require_data_subject_right(access, client)
    if reason not in ErasureReason.values:
        raise DomainError(_("Choose why the data is erased."), field="reason")
    return anonymise_client(client=client, reason=str(reason), actor=actor)


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
