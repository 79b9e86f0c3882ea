"""Retention, export and erasure of a client's data.

Anonymising keeps what the statistics need (centre, sex, year of birth,
target group, dates, statuses, counts) and removes everything that names,
reaches or describes the person: names, contacts, free text, notes and
documents. It runs for closed cases after the country's retention period
(a daily task) and on a data-subject request (a manager's action).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from counselling.models import (
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
from portal.access import Access, Role, unscoped
from portal.audit import record_event
from portal.errors import NotAllowed

REDACTED = "—"


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


def _require_manager(access: Access, client: Client) -> None:
    if client.centre_id not in access.centre_ids(Role.CENTRE_MANAGER):
        raise NotAllowed(_("Only the centre's manager can do this."))


def export_client_data(*, access: Access, actor: Any, client: Client) -> dict[str, Any]:
    """Everything held about one client, for a data-subject access request; the export is audited."""
    _require_manager(access, client)
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
        }
    record_event(actor=actor, action="counselling.client.exported", target=client)
    return _json_ready(data)


def erase_client(*, access: Access, actor: Any, client: Client) -> Client:
    """Anonymise a client on their request (the case records the centre must keep stay, without the person)."""
    _require_manager(access, client)
    return anonymise_client(client=client, reason="erasure_request", actor=actor)


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
