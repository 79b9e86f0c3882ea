"""Export of everything held about a client on a data-subject request: JSON and a readable PDF, audited.

The exports leave out the confidential session notes the user may not read (the data-protection officer's
copy says how many there are; the centre's manager hands them over).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from counselling.audit import CounsellingAudit
from counselling.dataprotection.subjects import require_data_subject_right
from counselling.models import AppointmentRequest, CaseFile, Client, Consent, Document, FollowUp, PlanGoal, Session
from portal.access import Access, unscoped
from portal.audit import record_event
from portal.pdf import language_context, write_pdf


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
    require_data_subject_right(access, client)
    with unscoped():
        cases = list(CaseFile.objects.filter(client=client).select_related("centre").order_by("opened_on"))
        sessions = {case.pk: _readable_sessions(access, case) for case in cases}
        withheld = sum(s.notes_withheld for case_sessions in sessions.values() for s in case_sessions)
        data = {
            "client": {
                field.name: getattr(client, field.name)
                for field in Client._meta.concrete_fields
                if field.name
                not in ("id", "given_keys", "family_keys", "search_keys", "search_text", "portal_account", "centre")
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
        action=CounsellingAudit.CLIENT_EXPORTED,
        target=client,
        details={"format": "json", "notes_withheld": withheld},
    )
    return _json_ready(data)


def export_client_pdf(*, access: Access, actor: Any, client: Client, language: str) -> bytes:
    """Everything held about one client as a readable PDF in `language` (right to left where it is); audited."""
    require_data_subject_right(access, client)
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
        registrations = list(client.fair_registrations.select_related("fair").order_by("created_at"))
        appointments = list(AppointmentRequest.objects.filter(client=client).select_related("centre").order_by("pk"))
        with translation.override(language):
            html = render_to_string(
                "counselling/dataprotection/export_pdf.html",
                {
                    "client": client,
                    "personal_data": _personal_data_rows(client),
                    "consents": consents,
                    "cases": [(case, sessions[case.pk]) for case in cases],
                    "registrations": registrations,
                    "appointments": appointments,
                    "notes_withheld": withheld_notes_notice(withheld) if withheld else "",
                    "generated_at": timezone.now(),
                }
                | language_context(),
            )
    pdf = write_pdf(html)
    record_event(
        actor=actor,
        action=CounsellingAudit.CLIENT_EXPORTED,
        target=client,
        details={"format": "pdf", "lang": language, "notes_withheld": withheld},
    )
    return pdf


# Derived or internal columns: not data about the person in a form they would recognise.
_NOT_EXPORTED = (
    "id",
    "public_id",
    "given_keys",
    "family_keys",
    "search_keys",
    "search_text",
    "portal_account",
    "centre",
    "version",  # the edit counter that stops two people overwriting each other: no data about the person
)


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
