"""Erasure of a client's data: on a data-subject request, and by the retention task.

Anonymising keeps only what the centre's statistics and its accountability need (`ERASURE_KEEPS`, the
same list as SECURITY.md, "Retention and erasure") and removes everything else that names, reaches or
describes the person: names, contacts, nationality, languages, education, free text, notes, documents,
session topics. It runs for closed cases after the country's retention period (a daily task) and on a
data-subject request (a manager's or the data-protection officer's action, `erase_client`).

The apps above counselling that hold rows about a client (referrals, fair registrations) register what
erasure keeps of them and how the rest goes (`register_linked_rows`, in their AppConfig.ready).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import models, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from counselling.audit import CounsellingAudit
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
    SessionRevision,
    Transfer,
)
from portal.access import unscoped
from portal.audit import record_event

REDACTED = "—"

# What erasure keeps of each kind of row about a client; every other field is blanked (or, for documents,
# the row and its file deleted); the apps above add their models' entries (`register_linked_rows`). The
# reports count by centre, day, sex, age band (the year of birth) and target group, and by service
# category, status and outcome; nothing else about the person stays. Consents keep their purpose, basis
# and dates as proof that earlier processing was lawful; the client code and the internal keys stay so
# that the audit log and the anonymous case records still hang together.
# tests/security/test_erasure_keeps_documented_list.py fails on a field that is neither blanked nor here,
# and on a client field kept here that SECURITY.md does not name.
ERASURE_KEEPS: dict[str, frozenset[str]] = {
    "counselling.client": frozenset(
        {
            "id",
            "public_id",
            "centre",
            "code",
            "sex",
            "birth_year",
            "target_group",
            "created_at",
            "anonymised_at",
            "version",
        }
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
            "version",
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
}
# Rows erasure deletes outright (with their files).
# Deleted at erasure: documents, and what sessions said before they were corrected.
ERASURE_DELETES = frozenset({"counselling.document", "counselling.sessionrevision"})
# The codes a timeline entry keeps; titles, names and file names go.
CASE_EVENT_PARAMS_KEPT = ("status", "purpose", "minutes", "code")


@dataclass(frozen=True)
class LinkedRows:
    """An app's rows about a client (referrals, fair registrations), registered in its AppConfig.ready."""

    # What erasure keeps of each of the app's models (model label -> field names); joins `ERASURE_KEEPS`.
    keeps: Mapping[str, frozenset[str]]
    # Blank the rest: called with the client, its case files and the erasure's time, inside its transaction.
    erase: Callable[[Client, QuerySet[CaseFile], dt.datetime], None]
    # How many rows there are, by name (e.g. {"referrals": 2}), for the request screen (`Holdings`).
    count: Callable[[Client], Mapping[str, int]]


_linked_rows: list[LinkedRows] = []


def register_linked_rows(linked: LinkedRows) -> None:
    """Let erasure and the request screen reach an app's rows about a client (see `LinkedRows`)."""
    if linked not in _linked_rows:
        _linked_rows.append(linked)
        ERASURE_KEEPS.update(linked.keeps)


def linked_counts(client: Client) -> dict[str, int]:
    """The registered apps' counts of rows about `client` (unscoped: the caller checked the right)."""
    counts: dict[str, int] = {}
    for linked in _linked_rows:
        counts.update(linked.count(client))
    return counts


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


def erased_fields(model: type[models.Model]) -> dict[str, Any]:
    """Every concrete field of `model` that erasure does not keep, with the value it gets (for `queryset.update`)."""
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
        Session.objects.filter(case__in=cases).update(**erased_fields(Session))
        SessionRevision.objects.filter(session__case__in=cases).delete()  # the text sessions had before
        FollowUp.objects.filter(case__in=cases).update(**erased_fields(FollowUp) | {"title": REDACTED})
        PlanGoal.objects.filter(case__in=cases).update(**erased_fields(PlanGoal) | {"title": REDACTED})
        Transfer.objects.filter(case__in=cases).update(**erased_fields(Transfer) | {"reason": REDACTED})
        consents = Consent.objects.filter(client=client)
        consents.filter(witness="").update(**erased_fields(Consent))
        # An oral consent must name a witness (a database constraint): the name goes, a dash stays.
        consents.exclude(witness="").update(**erased_fields(Consent) | {"witness": REDACTED})
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
        for attname, value in erased_fields(Client).items():
            setattr(client, attname, value)
        client.given_name = REDACTED
        client.birth_year = birth_year
        client.anonymised_at = now
        client.save()
    record_event(actor=actor, action=CounsellingAudit.CLIENT_ANONYMISED, target=client, details={"reason": reason})
    return client


def _anonymise_linked(client: Client, cases: QuerySet[CaseFile], *, now: dt.datetime) -> None:
    """The rows about this client elsewhere: the other apps' (free text goes, sharing with employers ends),
    and the visitor's request that led to the client (its name, contact, message and account link)."""
    for linked in _linked_rows:
        linked.erase(client, cases, now)
    AppointmentRequest.objects.filter(client=client).update(
        **erased_fields(AppointmentRequest) | {"name": REDACTED, "updated_at": now}
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
                **erased_fields(AppointmentRequest) | {"name": REDACTED}
            )
    if stale:
        record_event(actor=None, action=CounsellingAudit.APPOINTMENT_REDACTED, details={"count": len(stale)})
    return len(stale)
