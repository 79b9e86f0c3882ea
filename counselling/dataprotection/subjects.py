"""Data-subject requests: whose requests a user handles, finding the client, and what is held about them.

Centre managers handle the requests of their centre's clients, the data-protection officer those of their
countries (or of the whole programme). Finding a client shows who they are and how much is held, never
the content of their case: the officer does no casework.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _

from counselling.dataprotection.erasure import ErasureReason, anonymise_client, linked_counts
from counselling.models import AppointmentRequest, CaseFile, CaseStatus, Client, Consent, Document, Session
from counselling.selectors import _client_search_q
from portal.access import Access, get_visible_or_404, unscoped
from portal.errors import DomainError, NotAllowed


def require_data_subject_right(access: Access, client: Client) -> None:
    """Only the client's centre manager or the data-protection officer of its country acts on their data."""
    if not access.handles_data_subject_of(client.centre):
        raise NotAllowed(_("Only the centre's manager or the data-protection officer can do this."))


def list_data_subjects(*, access: Access, query: str) -> QuerySet[Client]:
    """Clients whose data-subject requests the user handles (managers: their centres; the
    data-protection officer: their countries), found by code, phone or a name in any script.

    Identity only: the data-protection officer finds the person, never the case file's content.
    """
    query = query.strip()
    if not query:
        return _data_subjects(access).none()
    return _data_subjects(access).filter(_client_search_q(query)).select_related("centre__country").order_by("code")


def _data_subjects(access: Access) -> QuerySet[Client]:
    with unscoped():  # the rule is the access layer's own: data_subject_q
        return Client.objects.filter(access.data_subject_q())


def get_data_subject(*, access: Access, public_id: Any) -> Client:
    """One client in the user's data-subject scope, or 404."""
    return get_visible_or_404(_data_subjects(access).select_related("centre__country"), public_id=public_id)


@dataclass(frozen=True)
class Holdings:
    """What is held about a client, as counts (the request screen shows no content)."""

    cases: int
    open_cases: int
    sessions: int
    documents: int
    consents: int
    appointments: int
    last_closed_on: dt.date | None
    erasable_on: dt.date | None
    # Counted by the apps that hold them (`register_linked_rows`).
    referrals: int = 0
    registrations: int = 0


def get_holdings(*, client: Client) -> Holdings:
    """Counts of what is held about `client`, and when the retention task will anonymise it."""
    with unscoped():
        cases = CaseFile.objects.filter(client=client).aggregate(
            cases=Count("pk"),
            open_cases=Count("pk", filter=~Q(status=CaseStatus.CLOSED)),
            last_closed_on=Max("closed_on"),
        )
        counts = {
            "sessions": Session.objects.filter(case__client=client).count(),
            "documents": Document.objects.filter(case__client=client).count(),
            "consents": Consent.objects.filter(client=client).count(),
            "appointments": AppointmentRequest.objects.filter(client=client).count(),
        } | linked_counts(client)
    erasable_on = None
    if cases["cases"] and not cases["open_cases"] and cases["last_closed_on"]:
        erasable_on = cases["last_closed_on"] + dt.timedelta(days=client.centre.country.retention_days)
    return Holdings(**cases, **counts, erasable_on=erasable_on)


def erase_client(
    *, access: Access, actor: Any, client: Client, reason: str = ErasureReason.DATA_SUBJECT_REQUEST
) -> Client:
    """Anonymise a client on request (the case records the centre must keep stay, without the person).

    `reason` is an `ErasureReason` code; it is written to the audit log.
    """
    require_data_subject_right(access, client)
    if reason not in ErasureReason.values:
        raise DomainError(_("Choose why the data is erased."), field="reason")
    return anonymise_client(client=client, reason=str(reason), actor=actor)


def find_client_for_audit(code: str) -> tuple[int, list[str]] | None:
    """The client with `code` for the audit log's search: its primary key (the log's `CLIENT_KEY`) and the
    public ids of the client and its case files (lines written before they named the client); None when no
    client has the code. Registered with `portal.audit.register_client_finder` in CounsellingConfig.ready.

    Identifiers only: the caller shows only the lines the user may read anyway (the events are scoped).
    """
    with unscoped():
        client = Client.objects.filter(code__iexact=code.strip()).values("pk", "public_id").first()
        if client is None:
            return None
        case_ids = [
            str(pk) for pk in CaseFile.objects.filter(client_id=client["pk"]).values_list("public_id", flat=True)
        ]
    return client["pk"], [str(client["public_id"]), *case_ids]
