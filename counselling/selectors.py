"""Reads of the counselling app, already scoped to the acting user.

Every function starts from `visible_to(access)`; objects outside it are 404.
Each list owns its `select_related` so that its query count does not grow
with rows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.contrib.postgres.search import TrigramSimilarity
from django.core.paginator import Paginator
from django.db.models import BooleanField, F, Func, Q, QuerySet
from django.utils import timezone

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
    GroupSession,
    PlanGoal,
    Session,
    Transfer,
    TransferStatus,
)
from counselling.names import name_keys, search_text, skeletons
from portal.access import CASEWORK_ROLES, Access, Role, get_visible_or_404, unscoped
from portal.audit import record_event
from portal.phones import normalise_phone

CASELOAD_PAGE = 25


@dataclass(frozen=True)
class CaseloadFilter:
    status: str = ""
    target_group: str = ""
    follow_up_due: bool = False
    mine: bool = False
    q: str = ""


def list_caseload(*, access: Access, filters: CaseloadFilter) -> QuerySet[CaseFile]:
    """Cases of the user's centres, most recently changed first, filtered and searched.

    The search takes a name in any script (matched by trigram on the
    transliterated names, and by consonant skeleton), a client code or a phone
    number.
    """
    cases = CaseFile.objects.visible_to(access).select_related("client", "centre", "counsellor")
    if filters.status:
        cases = cases.filter(status=filters.status)
    else:
        cases = cases.exclude(status=CaseStatus.CLOSED)
    if filters.target_group:
        cases = cases.filter(client__target_group=filters.target_group)
    if filters.follow_up_due:
        cases = cases.filter(next_follow_up_on__lte=timezone.localdate())
    if filters.mine:
        cases = cases.filter(counsellor_id=access.user_id)
    query = filters.q.strip()
    if query:
        cases = _search_cases(cases, access, _client_search_q(query, prefix="client__"))
    return cases.order_by("-updated_at", "-pk")


def get_cases_in_order(*, access: Access, ids: list[int]) -> list[CaseFile]:
    """The cases with these ids, in the order given, as the caseload shows them (one page of a search)."""
    cases = CaseFile.objects.visible_to(access).select_related("client", "centre", "counsellor").in_bulk(ids)
    return [cases[pk] for pk in ids if pk in cases]


def _search_cases(cases: QuerySet[CaseFile], access: Access, match: Q) -> QuerySet[CaseFile]:
    """The cases among `cases` whose client matches, found from the centres' GIN indexes (issue #9, E3/E4).

    A case's client is at the case's centre, except after a transfer moved the client on while an earlier
    case stayed behind (a client's centre changes only when a transfer is accepted). So the matches are the
    union of: clients in the user's centres, read through the GIN indexes led by the centre; and clients who
    were ever transferred (few). Filtering on the case's centre alone makes PostgreSQL read every match in
    the programme and then drop those of other centres.
    """
    with unscoped():  # only ids, inside the scoped query below
        moved_clients = Transfer.objects.filter(status=TransferStatus.ACCEPTED).values("case__client_id")
    moved = cases.filter(match, client_id__in=moved_clients).values("pk")
    # One arm per centre (what CaseFile.for_access scopes by): with several centres in one arm, PostgreSQL
    # misjudges how many rows a trigram match returns and reads the programme-wide index instead.
    at_home = [
        cases.filter(match, _BigintAmong(F("client__centre_id"), ids=[centre_id])).values("pk")
        for centre_id in sorted(access.centre_ids(*CASEWORK_ROLES))
    ]
    return cases.filter(pk__in=moved.union(*at_home))


class _BigintAmong(Func):
    """`column = ANY(ids::bigint[])`. Django's `__in` sends integers, and btree_gin's bigint operator class
    has no bigint = integer operator, so `centre_id IN (19)` could not use the GIN indexes led by the centre."""

    output_field = BooleanField()

    def __init__(self, expression: Any, *, ids: list[int]) -> None:
        super().__init__(expression)
        self.ids = [int(i) for i in ids]

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s::bigint[])", (*params, self.ids)


def _client_search_q(query: str, *, prefix: str = "") -> Q:
    q = Q(**{f"{prefix}code__iexact": query.upper()})
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 6:
        q |= Q(**{f"{prefix}phone__endswith": digits[-9:]}) | Q(**{f"{prefix}phone_alt__endswith": digits[-9:]})
    text = search_text(query)
    if text:
        q |= Q(**{f"{prefix}search_text__trigram_word_similar": text})
        keys = [k for k in skeletons(query) if len(k) >= 2]
        given = Q(**{f"{prefix}given_keys__overlap": keys})
        family = Q(**{f"{prefix}family_keys__overlap": keys})
        if len(keys) > 1:  # "Mohamed Benali": both names must meet
            q |= given & family
        elif keys:  # one word: either name
            q |= given | family
    return q


def get_case(*, access: Access, public_id: Any) -> CaseFile:
    """One case in scope, or 404."""
    return get_visible_or_404(
        CaseFile.objects.visible_to(access).select_related("client", "centre", "counsellor"),
        public_id=public_id,
    )


@dataclass
class CaseDetail:
    case: CaseFile
    sessions: list[Session]
    goals: list[PlanGoal]
    follow_ups: list[FollowUp]
    documents: list[Document]
    consents: list[Consent]
    events: list[CaseEvent]
    transfers: list[Transfer]
    readable_notes: set[int] = field(default_factory=set)
    earlier_sessions: bool = False  # more sessions than the page shows: a link leads to all of them


# The case page shows the latest sessions; the rest are one click away (session_list), which keeps the page
# light on a slow connection and its cost flat however long a case runs (issue #9, E2).
CASE_PAGE_SESSIONS = 20


def get_case_detail(*, access: Access, public_id: Any, actor: Any) -> CaseDetail:
    """Everything the case page shows, in a fixed number of queries; the read is audited."""
    case = get_case(access=access, public_id=public_id)
    sessions = list(_case_sessions(access, case)[: CASE_PAGE_SESSIONS + 1])
    detail = CaseDetail(
        case=case,
        sessions=sessions[:CASE_PAGE_SESSIONS],
        earlier_sessions=len(sessions) > CASE_PAGE_SESSIONS,
        goals=list(PlanGoal.objects.visible_to(access).filter(case=case)),
        follow_ups=list(
            FollowUp.objects.visible_to(access)
            .filter(case=case)
            .select_related("assigned_to")
            .order_by("done_at", "due_on")
        ),
        documents=list(
            Document.objects.visible_to(access).filter(case=case).select_related("uploaded_by").order_by("-uploaded_at")
        ),
        consents=list(
            Consent.objects.visible_to(access)
            .filter(client_id=case.client_id)
            .select_related("organisation")
            .order_by("withdrawn_at", "-given_on")
        ),
        events=list(
            CaseEvent.objects.visible_to(access)
            .filter(case=case)
            .select_related("actor")
            .order_by("-occurred_at")[:100]
        ),
        transfers=list(
            Transfer.objects.visible_to(access).filter(case=case).select_related("to_centre").order_by("-requested_at")
        ),
    )
    detail.readable_notes = _readable_notes(access, case, detail.sessions)
    record_event(actor=actor, action=CounsellingAudit.CASE_VIEWED, target=case)
    return detail


def _case_sessions(access: Access, case: CaseFile) -> QuerySet[Session]:
    return Session.objects.visible_to(access).filter(case=case).select_related("counsellor").order_by("-held_at", "-pk")


def _readable_notes(access: Access, case: CaseFile, sessions: list[Session]) -> set[int]:
    readable = set()
    for session in sessions:
        session.case = case  # already loaded; notes_visible_to reads case.centre_id
        if session.notes_visible_to(access):
            readable.add(session.pk)
    return readable


@dataclass
class CaseSessions:
    case: CaseFile
    page: Any  # a Paginator page of sessions
    readable_notes: set[int]


def get_case_sessions(*, access: Access, public_id: Any, actor: Any, page: Any) -> CaseSessions:
    """Every session of a case, newest first, a page at a time; the read is audited like the case page."""
    case = get_case(access=access, public_id=public_id)
    page_obj = Paginator(_case_sessions(access, case), 50).get_page(page)
    record_event(
        actor=actor, action=CounsellingAudit.CASE_VIEWED, target=case, details={"sessions_page": page_obj.number}
    )
    return CaseSessions(case=case, page=page_obj, readable_notes=_readable_notes(access, case, list(page_obj)))


def get_client(*, access: Access, public_id: Any) -> Client:
    return get_visible_or_404(Client.objects.visible_to(access).select_related("centre"), public_id=public_id)


def get_goal(*, access: Access, public_id: Any) -> PlanGoal:
    return get_visible_or_404(PlanGoal.objects.visible_to(access).select_related("case"), public_id=public_id)


def get_follow_up(*, access: Access, public_id: Any) -> FollowUp:
    return get_visible_or_404(FollowUp.objects.visible_to(access).select_related("case"), public_id=public_id)


def get_consent(*, access: Access, public_id: Any) -> Consent:
    return get_visible_or_404(Consent.objects.visible_to(access).select_related("client"), public_id=public_id)


def get_document(*, access: Access, public_id: Any) -> Document:
    return get_visible_or_404(Document.objects.visible_to(access).select_related("case"), public_id=public_id)


def get_transfer_to_decide(*, access: Access, public_id: Any) -> Transfer:
    """A transfer the user may decide on: pending, to a centre they manage."""
    return get_visible_or_404(
        Transfer.objects.visible_to(access)
        .filter(to_centre_id__in=access.centre_ids(Role.CENTRE_MANAGER), status=TransferStatus.PENDING)
        .select_related("case__client", "from_centre", "to_centre", "requested_by"),
        public_id=public_id,
    )


def list_transfers_to_decide(*, access: Access) -> QuerySet[Transfer]:
    return (
        Transfer.objects.visible_to(access)
        .filter(to_centre_id__in=access.centre_ids(Role.CENTRE_MANAGER), status=TransferStatus.PENDING)
        .select_related("case__client", "from_centre", "to_centre", "requested_by")
        .order_by("requested_at")
    )


def list_my_follow_ups(*, access: Access, overdue_only: bool = False) -> QuerySet[FollowUp]:
    """The user's open follow-ups, soonest first (overdue ones lead)."""
    follow_ups = (
        FollowUp.objects.visible_to(access)
        .filter(assigned_to_id=access.user_id, done_at__isnull=True)
        .select_related("case__client")
        .order_by("due_on", "pk")
    )
    if overdue_only:
        follow_ups = follow_ups.filter(due_on__lt=timezone.localdate())
    return follow_ups


def list_group_sessions(*, access: Access) -> QuerySet[GroupSession]:
    return GroupSession.objects.visible_to(access).select_related("centre", "facilitator").order_by("-held_on", "-pk")


@dataclass(frozen=True)
class Match:
    client: Client
    reasons: tuple[str, ...]
    score: float
    open_case: CaseFile | None = None


def find_possible_duplicates(
    *,
    access: Access,
    given_name: str,
    family_name: str = "",
    name_native: str = "",
    phone: str = "",
    birth_date: dt.date | None = None,
    country_code: str = "",
    limit: int = 8,
) -> list[Match]:
    """Clients in the user's scope who may be the same person, best match first.

    A match is: the same phone number; or given and family names whose
    consonant skeletons meet across scripts (محمد = Mohamed = Muhammad); or a
    close trigram similarity of the transliterated full name. The same date
    of birth raises the score.
    """
    native = name_native.split()
    given_keys = name_keys(given_name, *native[:1])
    family_keys = name_keys(family_name, " ".join(native[1:]))
    text = search_text(given_name, family_name, name_native)
    condition = Q(pk__in=[])
    if given_keys and family_keys:
        condition |= Q(given_keys__overlap=given_keys, family_keys__overlap=family_keys)
    normalised = normalise_phone(phone, country_code) if phone else None
    if normalised:
        condition |= Q(phone=normalised) | Q(phone_alt=normalised)
    if text:
        condition |= Q(search_text__trigram_similar=text)
    if condition == Q(pk__in=[]):
        return []
    candidates = (
        Client.objects.visible_to(access)
        .filter(condition, anonymised_at__isnull=True)
        .annotate(similarity=TrigramSimilarity("search_text", text or "-"))
        .order_by("-similarity")[:50]
    )
    matches = []
    for client in candidates:
        reasons: list[str] = []
        score = float(client.similarity)
        if normalised and normalised in (client.phone, client.phone_alt):
            reasons.append("phone")
            score += 1.0
        if set(given_keys) & set(client.given_keys) and set(family_keys) & set(client.family_keys):
            reasons.append("name")
            score += 0.8
        elif client.similarity >= 0.3:
            reasons.append("similar_name")
        if birth_date and client.birth_date == birth_date:
            reasons.append("birth_date")
            score += 0.6
        matches.append(Match(client=client, reasons=tuple(reasons), score=score))
    matches = sorted(matches, key=lambda m: -m.score)[:limit]
    open_cases = {
        case.client_id: case
        for case in CaseFile.objects.visible_to(access)
        .filter(client_id__in=[m.client.pk for m in matches])
        .exclude(status=CaseStatus.CLOSED)
    }
    return [
        Match(client=m.client, reasons=m.reasons, score=m.score, open_case=open_cases.get(m.client.pk)) for m in matches
    ]


# --- The intake queue (appointment requests) -----------------------------------------------------

QUEUE_PAGE = 25


def list_appointments(*, access: Access, status: str = "") -> QuerySet[AppointmentRequest]:
    """The intake queue of the user's centres, newest first; `status` narrows it. Staff rows only:
    a counsellor's own requests as a visitor elsewhere do not appear here."""
    rows = (
        AppointmentRequest.objects.visible_to(access)
        .filter(centre_id__in=access.centre_ids(*CASEWORK_ROLES))
        .select_related("centre", "handled_by")
        .order_by("-created_at", "-pk")
    )
    if status:
        rows = rows.filter(status=status)
    return rows


def get_appointment(*, access: Access, public_id: UUID | str) -> AppointmentRequest:
    """One request of the user's centres, or 404 (outside scope looks like unknown)."""
    return get_visible_or_404(
        list_appointments(access=access).select_related("client", "centre__country"), public_id=public_id
    )


def client_initial(appointment: AppointmentRequest) -> dict[str, Any]:
    """Initial values of the client intake form from a request: names, phone or e-mail, channel."""
    given, _sep, family = appointment.name.strip().rpartition(" ")
    if not given:
        given, family = family, ""
    initial: dict[str, Any] = {"given_name": given, "family_name": family}
    contact = appointment.contact.strip()
    initial["email" if "@" in contact else "phone"] = contact
    channel = {"phone": "phone", "message": "whatsapp", "email": "email"}.get(appointment.preferred_channel)
    if channel:
        initial["preferred_channel"] = channel
    return initial


def list_partner_organisations(*, country_id: str) -> QuerySet[Any]:
    """The partner organisations of a country a client can consent to share with, by name.

    The model is reached through `Consent.organisation` (it lives in the referrals app, above this one).
    """
    organisations = Consent._meta.get_field("organisation").related_model._default_manager
    return organisations.filter(country_id=country_id).order_by("name")
