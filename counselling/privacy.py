"""Retention, export and erasure of a client's data.

Anonymising keeps only what the centre's statistics and its accountability need (`ERASURE_KEEPS`, the
same list as SECURITY.md, "Retention and erasure") and removes everything else that names, reaches or
describes the person: names, contacts, nationality, languages, education, free text, notes, documents,
session topics. It runs for closed cases after the country's retention period (a daily task) and on a
data-subject request (a manager's or the data-protection officer's action).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import models, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

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

# What erasure keeps of each kind of row about a client; every other field is blanked (or, for documents,
# the row and its file deleted). The reports count by centre, day, sex, age band (the year of birth) and
# target group, and by service category, status and outcome; nothing else about the person stays. Consents
# keep their purpose, basis and dates as proof that earlier processing was lawful; the client code and the
# internal keys stay so that the audit log and the anonymous case records still hang together.
# tests/security/test_erasure_keeps_documented_list.py fails on a field that is neither blanked nor here,
# and on a client field kept here that SECURITY.md does not name.
ERASURE_KEEPS: dict[str, frozenset[str]] = {
    "counselling.client": frozenset(
        {"id", "public_id", "centre", "code", "sex", "birth_year", "target_group", "created_at", "anonymised_at"}
    ),
    "counselling.casefile": frozenset(
        {
            "id",
            "public_id",
            "client",
            "centre",
            "counsellor",
            "status",
            "closure_reason",
            "opened_on",
            "closed_on",
            "next_follow_up_on",
            "last_session_on",
            "version",
            "updated_at",
        }
    ),
    "counselling.consent": frozenset(
        {
            "id",
            "public_id",
            "client",
            "purpose",
            "organisation",
            "legal_basis",
            "method",
            "given_on",
            "recorded_by",
            "recorded_at",
            "withdrawn_at",  # set at erasure when still running: nothing is shared any more
            "withdrawn_by",
        }
    ),
    "counselling.plangoal": frozenset({"id", "public_id", "case", "due_on", "status", "created_at", "version"}),
    "counselling.session": frozenset(
        {
            "id",
            "public_id",
            "case",
            "counsellor",
            "held_at",
            "duration_minutes",
            # Topic codes: every session has at least one (a database constraint); they say what the centre
            # worked on, without the person.
            "topics",
            "mode",
            "kind",
            "created_at",
        }
    ),
    "counselling.followup": frozenset(
        {"id", "public_id", "case", "assigned_to", "due_on", "done_at", "created_by", "created_at"}
    ),
    "counselling.transfer": frozenset(
        {
            "id",
            "public_id",
            "case",
            "from_centre",
            "to_centre",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
        }
    ),
    # The timeline keeps the kind of each event and the codes in CASE_EVENT_PARAMS_KEPT.
    "counselling.caseevent": frozenset({"id", "case", "occurred_at", "actor", "kind"}),
    "counselling.appointmentrequest": frozenset(
        {
            "id",
            "public_id",
            "centre",
            "consent_given_at",
            "status",
            "scheduled_for",
            "handled_by",
            "client",
            "created_at",
            "updated_at",
        }
    ),
    # A group session counts participants; one participant's erasure leaves it as it is.
    "counselling.groupsession": frozenset(
        {
            "id",
            "public_id",
            "centre",
            "title",
            "held_on",
            "topics",
            "facilitator",
            "participants",
            "by_sex",
            "by_age_band",
            "by_target_group",
            "clients",
            "created_at",
        }
    ),
    "referrals.referral": frozenset(
        {
            "id",
            "public_id",
            "code",
            "case",
            "centre",
            "service",
            "organization",
            "created_by",
            "urgency",
            "shared_fields",
            "status",
            "outcome",
            "due_on",
            "sent_at",
            "closed_at",
            "link_nonce",
            "version",
            "created_at",
            "updated_at",
        }
    ),
    "referrals.referralevent": frozenset(
        {"id", "referral", "occurred_at", "actor", "channel", "from_status", "to_status"}
    ),
    "jobfairs.registration": frozenset(
        {
            "id",
            "public_id",
            "fair",
            "user",
            "client",
            "registered_by",
            "status",
            "consent_given_at",
            "consent_withdrawn_at",
            "check_in_code",
            # What the candidate declared for the fair's statistics when they are no client of a centre.
            "declared_sex",
            "declared_age_band",
            "declared_target_group",
            "attended_at",
            "joined_online_at",
            "survey_sent_at",
            "created_at",
            "cancelled_at",
        }
    ),
    "jobfairs.booking": frozenset(
        {"id", "public_id", "slot", "registration", "status", "created_at", "cancelled_at", "reminded_at"}
    ),
}
# Rows erasure deletes outright (with their files).
ERASURE_DELETES = frozenset({"counselling.document"})
# The codes a timeline entry keeps; titles, names and file names go.
CASE_EVENT_PARAMS_KEPT = ("status", "purpose", "minutes", "code")


class ErasureReason(models.TextChoices):
    """Why a client was erased; the code goes into the audit log (never free text)."""

    DATA_SUBJECT_REQUEST = "erasure_request", gettext_lazy("The person asked to be erased")
    CONSENT_WITHDRAWN = "consent_withdrawn", gettext_lazy("Consent was withdrawn and nothing else allows keeping it")
    NO_LONGER_NEEDED = "no_longer_needed", gettext_lazy("No longer needed for the purpose it was collected for")
    UNLAWFUL = "unlawful_processing", gettext_lazy("It was processed unlawfully")
    LEGAL_OBLIGATION = "legal_obligation", gettext_lazy("A legal obligation requires erasure")


def _blank_value(field: models.Field) -> Any:
    """The empty value of a field: what erasure writes into it."""
    if field.null:
        return None
    if isinstance(field, ArrayField):
        return []
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BooleanField):
        return False
    return ""


def _erased_fields(model: type[models.Model]) -> dict[str, Any]:
    """Every concrete field of `model` that erasure does not keep, with the value it gets."""
    keeps = ERASURE_KEEPS[model._meta.label_lower]
    return {
        field.attname: _blank_value(field)
        for field in model._meta.concrete_fields
        if field.name not in keeps and field.name != "params"
    }


@transaction.atomic
def anonymise_client(*, client: Client, reason: str, actor: Any = None) -> Client:
    """Blank every field of a client, and of what hangs on them, that `ERASURE_KEEPS` does not keep;
    withdraw the consents still running, so nothing is shared any more; delete documents. Idempotent."""
    with unscoped():
        client = Client.objects.select_for_update().get(pk=client.pk)
        if client.anonymised_at is not None:
            return client
        now = timezone.now()
        cases = CaseFile.objects.filter(client=client)
        Session.objects.filter(case__in=cases).update(**_erased_fields(Session))
        FollowUp.objects.filter(case__in=cases).update(**_erased_fields(FollowUp) | {"title": REDACTED})
        PlanGoal.objects.filter(case__in=cases).update(**_erased_fields(PlanGoal) | {"title": REDACTED})
        Transfer.objects.filter(case__in=cases).update(**_erased_fields(Transfer) | {"reason": REDACTED})
        consents = Consent.objects.filter(client=client)
        consents.filter(witness="").update(**_erased_fields(Consent))
        # An oral consent must name a witness (a database constraint): the name goes, a dash stays.
        consents.exclude(witness="").update(**_erased_fields(Consent) | {"witness": REDACTED})
        Consent.objects.filter(client=client, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=actor if getattr(actor, "is_authenticated", False) else None
        )
        for event in CaseEvent.objects.filter(case__in=cases).exclude(params={}):
            kept = {k: v for k, v in event.params.items() if k in CASE_EVENT_PARAMS_KEPT}
            CaseEvent.objects.filter(pk=event.pk).update(params=kept)
        for document in Document.objects.filter(case__in=cases):
            document.file.delete(save=False)
        Document.objects.filter(case__in=cases).delete()
        _anonymise_linked(client, cases, now=now)
        # The year of birth stays for the age bands, also when only the date was recorded.
        birth_year = client.birth_year or (client.birth_date.year if client.birth_date else None)
        for attname, value in _erased_fields(Client).items():
            setattr(client, attname, value)
        client.given_name = REDACTED
        client.birth_year = birth_year
        client.anonymised_at = now
        client.save()
    record_event(actor=actor, action="counselling.client.anonymised", target=client, details={"reason": reason})
    return client


def _anonymise_linked(client: Client, cases: Any, *, now: dt.datetime) -> None:
    """The other apps' rows about this client: free text goes, sharing with employers ends."""
    from jobfairs.models import Registration
    from referrals.models import Referral, ReferralEvent

    Referral.objects.filter(case__in=cases).update(**_erased_fields(Referral) | {"reason": REDACTED})
    ReferralEvent.objects.filter(referral__case__in=cases).update(**_erased_fields(ReferralEvent))
    registrations = Registration.objects.filter(client=client)
    registrations.update(**_erased_fields(Registration))
    registrations.filter(consent_given_at__isnull=False, consent_withdrawn_at__isnull=True).update(
        consent_withdrawn_at=now
    )
    # The visitor's request that led to the client: its name, contact, message and account link go too.
    AppointmentRequest.objects.filter(client=client).update(
        **_erased_fields(AppointmentRequest) | {"name": REDACTED, "updated_at": now}
    )


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
                **_erased_fields(AppointmentRequest) | {"name": REDACTED}
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


def _readable_sessions(access: Access, case: CaseFile) -> list[Session]:
    """The case's sessions, oldest first, each with `shown_notes`: its confidential note when the user may
    read it (its author, the centre's manager), else "" (and `notes_withheld` when there is one)."""
    sessions = list(Session.objects.filter(case=case).order_by("held_at", "pk"))
    for session in sessions:
        session.case = case  # already loaded; notes_visible_to reads case.centre_id
        readable = session.notes_visible_to(access)
        session.shown_notes = session.confidential_notes if readable else ""
        session.notes_withheld = bool(session.confidential_notes) and not readable
    return sessions


def withheld_notes_notice(count: int) -> str:
    """What an export says when it leaves out confidential notes, in the active language."""
    return ngettext(
        "%(count)s confidential note by a counsellor is left out of this copy: only its author and the "
        "centre's manager may read it. The centre's manager gives it to the person on request, after "
        "checking that it endangers no one.",
        "%(count)s confidential notes by counsellors are left out of this copy: only their authors and the "
        "centre's manager may read them. The centre's manager gives them to the person on request, after "
        "checking that they endanger no one.",
        count,
    ) % {"count": count}


def export_client_data(*, access: Access, actor: Any, client: Client) -> dict[str, Any]:
    """Everything held about one client, for a data-subject access request; the export is audited.

    Confidential session notes are in it only for a user who may read them (the centre's manager);
    for the data-protection officer the export says how many there are and how the person gets them.
    """
    _require_data_subject_right(access, client)
    with unscoped():
        cases = list(CaseFile.objects.filter(client=client).select_related("centre").order_by("opened_on"))
        sessions = {case.pk: _readable_sessions(access, case) for case in cases}
        withheld = sum(s.notes_withheld for case_sessions in sessions.values() for s in case_sessions)
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
                            "confidential_notes": s.shown_notes,
                            "confidential_notes_withheld": s.notes_withheld,
                            "next_steps": s.next_steps,
                        }
                        for s in sessions[case.pk]
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
        if withheld:
            data["confidential_notes_withheld"] = {"count": withheld, "notice": withheld_notes_notice(withheld)}
    record_event(
        actor=actor,
        action="counselling.client.exported",
        target=client,
        details={"format": "json", "notes_withheld": withheld},
    )
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
        sessions = {case.pk: _readable_sessions(access, case) for case in cases}
        withheld = sum(s.notes_withheld for case_sessions in sessions.values() for s in case_sessions)
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
                    "notes_withheld": withheld_notes_notice(withheld) if withheld else "",
                    "fonts": FONTS,
                    "LANGUAGE_CODE": translation.get_language(),
                    "LANGUAGE_BIDI": translation.get_language_bidi(),
                    "generated_at": timezone.now(),
                },
            )
    pdf = HTML(string=html).write_pdf()
    record_event(
        actor=actor,
        action="counselling.client.exported",
        target=client,
        details={"format": "pdf", "lang": language, "notes_withheld": withheld},
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
