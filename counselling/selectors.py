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

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, CharField, F, Func, Q, QuerySet, Value, When
from django.utils import timezone

from counselling.audit import CounsellingAudit
from counselling.corrections import may_correct
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
    SessionRevision,
    Transfer,
    TransferStatus,
)
from counselling.names import joined_keys, name_keys, query_groups, query_problem, search_text, tokens
from portal.access import CASEWORK_ROLES, Access, Role, get_visible_or_404, unscoped
from portal.audit import record_event
from portal.phones import normalise_phone

CASELOAD_PAGE = 25
# How many matches of each kind (strong, partial) a search can page through: 100 pages.
SEARCH_LIMIT = 100 * CASELOAD_PAGE
# How many clients one word typed brings in as partial matches (see _partial_cases).
PARTIAL_PER_WORD = 500


@dataclass(frozen=True)
class CaseloadFilter:
    status: str = ""
    target_group: str = ""
    follow_up_due: bool = False
    mine: bool = False
    unassigned: bool = False
    q: str = ""


def list_caseload(*, access: Access, filters: CaseloadFilter) -> QuerySet[CaseFile]:
    """Cases of the user's centres, filtered; most recently changed first, or best match first for a search.

    The search takes a name in any script and its usual romanisations (see counselling/names.py), a client
    code or a phone number. Matches are ranked: the client code, phone or the name exactly as typed first,
    then clients who match every word typed, then those who match some; recency breaks ties. A query that
    cannot be looked up (`ClientSearch.problem`) finds nothing. The caseload page reads one page of a search
    through `search_caseload_ids`, which gives the same order.
    """
    cases = _filtered_caseload(access, filters)
    query = filters.q.strip()
    if not query:
        return cases.order_by("-updated_at", "-pk")
    search = ClientSearch.parse(query)
    if search.problem:
        return cases.none()
    return _ranked(_search_cases(cases, access, search.match_q()), search)


def search_caseload_ids(*, access: Access, filters: CaseloadFilter) -> QuerySet[Any]:
    """The ids of the cases a search finds, in `list_caseload`'s order, for one page to be sliced out of
    (partial matches: at most `PARTIAL_PER_WORD` clients for each word typed, see `_partial_cases`).

    The strong matches (code, phone, every word) and the partial ones are two ordered arms of a UNION ALL
    with no ordering around it: PostgreSQL reads the second arm only when a page needs more rows than the
    first gives, so a common name ("Muhammad") does not make the search rank every partial match in the
    country (issue #18, E3/E4 at N = 1,000,000).
    """
    cases = _filtered_caseload(access, filters)
    search = ClientSearch.parse(filters.q.strip())
    if search.problem:
        return cases.none().values_list("pk", flat=True)
    strong = _ranked(_search_cases(cases, access, search.strong_q()), search)
    partial = _ranked(_partial_cases(cases, access, search), search)
    # Each arm is cut (Django keeps a later arm's ordering only when it is sliced); no one pages further.
    return strong.values_list("pk", flat=True)[:SEARCH_LIMIT].union(
        partial.values_list("pk", flat=True)[:SEARCH_LIMIT], all=True
    )


def _filtered_caseload(access: Access, filters: CaseloadFilter) -> QuerySet[CaseFile]:
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
    if filters.unassigned:
        cases = cases.filter(counsellor__isnull=True)
    return cases


def _ranked(cases: QuerySet[CaseFile], search: ClientSearch) -> QuerySet[CaseFile]:
    """Best match first: the rank (code, phone or exact name; every word; some words), how many words
    matched, how close the spelling is to the stored ones, then the most recently changed."""
    return cases.annotate(
        search_rank=search.rank("client__"),
        search_words=search.words_matched("client__"),
        search_closeness=search.closeness("client__"),
    ).order_by("search_rank", "-search_words", "-search_closeness", "-updated_at", "-pk")


def get_cases_in_order(*, access: Access, ids: list[int]) -> list[CaseFile]:
    """The cases with these ids, in the order given, as the caseload shows them (one page of a search)."""
    cases = CaseFile.objects.visible_to(access).select_related("client", "centre", "counsellor").in_bulk(ids)
    return [cases[pk] for pk in ids if pk in cases]


def _search_cases(cases: QuerySet[CaseFile], access: Access, match: Q) -> QuerySet[CaseFile]:
    """The cases among `cases` whose client matches, found from the centres' GIN indexes (issues #9, #18: E3/E4).

    A case's client is at the case's centre, except after a transfer moved the client on while an earlier
    case stayed behind (a client's centre changes only when a transfer is accepted). So the matching clients
    are the union of: clients in the user's centres, read through the GIN index led by the centre; and
    clients who were ever transferred (few). Filtering on the case's centre alone makes PostgreSQL read every
    match in the programme and then drop those of other centres. The arms select clients, not cases: the
    match is resolved on the client table alone, which keeps building and compiling the query cheap (at
    N = 1,000,000 that was as long as running it).
    """
    with unscoped():  # only ids, inside the scoped query below
        moved_clients = Transfer.objects.filter(status=TransferStatus.ACCEPTED).values("case__client_id")
        clients = Client.objects.filter(match)
    moved = clients.filter(pk__in=moved_clients).values("pk")
    # One arm per centre (what CaseFile.for_access scopes by): with several centres in one arm, PostgreSQL
    # misjudges how many rows a match returns and reads the programme-wide index instead.
    at_home = [
        clients.filter(_BigintAmong(F("centre_id"), ids=[centre_id])).values("pk")
        for centre_id in sorted(access.centre_ids(*CASEWORK_ROLES))
    ]
    return cases.filter(client_id__in=moved.union(*at_home))


def _partial_cases(cases: QuerySet[CaseFile], access: Access, search: ClientSearch) -> QuerySet[CaseFile]:
    """The cases whose client matches some words typed but not all: at most `PARTIAL_PER_WORD` clients of
    the user's centres for each word, so a common word ("Muhammad Zahrani" with no Zahrani: every Muhammad
    of the country) does not make the search rank thousands of rows, while a rare word's matches all come.

    One arm per word over all the user's centres (read through the GIN index led by the centre), plus the
    clients who were ever transferred: this arm runs only when a page needs more than the strong matches.
    """
    centre_ids = sorted(access.centre_ids(*CASEWORK_ROLES))
    with unscoped():  # only ids, inside the scoped query below
        moved_clients = Transfer.objects.filter(status=TransferStatus.ACCEPTED).values("case__client_id")
        clients = Client.objects.exclude(search.strong_q())
    moved = clients.filter(search.partial_q(), pk__in=moved_clients).values("pk")
    words = [*search.groups, *([search.joined] if search.joined else [])]
    per_word = [
        clients.filter(_BigintAmong(F("centre_id"), ids=centre_ids), search_keys__overlap=list(keys)).values("pk")[
            :PARTIAL_PER_WORD
        ]
        for keys in words
    ]
    return cases.filter(client_id__in=moved.union(*per_word))


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


class _Words(Func):
    """The words of a normalised search text, as an array (`search_text` is words joined by spaces)."""

    function = "string_to_array"
    output_field = ArrayField(CharField())

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, Value(" "))


@dataclass(frozen=True)
class ClientSearch:
    """A typed search, parsed once: a client code, a phone number's last digits, and the keys of each word
    of a name (counselling/names.py). Its Q objects and rank expressions take the path to the client
    (`prefix`: "client__" from a case, "" on clients)."""

    query: str
    problem: str  # names.query_problem: "empty", "article", or "" when the query can be looked up
    digits: str  # a phone number's last nine digits, or ""
    groups: tuple[tuple[str, ...], ...]  # the keys of each word
    joined: tuple[str, ...]  # the key of all the words written as one
    words: tuple[str, ...]  # the words as typed, normalised (for the exact match)
    text: str  # the same joined, for closeness

    @classmethod
    def parse(cls, query: str) -> ClientSearch:
        digits = re.sub(r"\D", "", query)
        return cls(
            query=query,
            problem=query_problem(query),
            digits=digits[-9:] if len(digits) >= 6 else "",
            groups=tuple(tuple(keys) for keys in query_groups(query)),
            joined=tuple(joined_keys(query)),
            words=tuple(tokens(query)),
            text=search_text(query),
        )

    def _code_or_phone(self, prefix: str) -> Q:
        q = Q(**{f"{prefix}code__iexact": self.query.upper()})
        if self.digits:
            q |= Q(**{f"{prefix}phone__endswith": self.digits}) | Q(**{f"{prefix}phone_alt__endswith": self.digits})
        return q

    def every_word_q(self, prefix: str) -> Q:
        if not self.groups:
            return Q(pk__in=[])
        every = Q()
        for keys in self.groups:
            every &= Q(**{f"{prefix}search_keys__overlap": list(keys)})
        if self.joined:  # "Abdul Rahman" = "Abdulrahman", "N Diaye" = "Ndiaye"
            every |= Q(**{f"{prefix}search_keys__overlap": list(self.joined)})
        return every

    def _some_word(self, prefix: str) -> Q:
        keys = sorted({key for group in self.groups for key in group} | set(self.joined))
        return Q(**{f"{prefix}search_keys__overlap": keys}) if keys else Q(pk__in=[])

    def strong_q(self, prefix: str = "") -> Q:
        """The client code, the phone, or every word of the name."""
        return self._code_or_phone(prefix) | self.every_word_q(prefix)

    def partial_q(self, prefix: str = "") -> Q:
        """Some words of the name but not every one (and not the code or phone)."""
        return self._some_word(prefix) & ~self.strong_q(prefix)

    def match_q(self, prefix: str = "") -> Q:
        return self._code_or_phone(prefix) | self._some_word(prefix)

    def rank(self, prefix: str = "") -> Case:
        """0: the code, the phone or the name as typed; 1: every word; 2: some words."""
        exact = self._code_or_phone(prefix)
        if self.words:
            exact |= Q(_WordsContain(_Words(F(f"{prefix}search_text")), list(self.words)))
        return Case(When(exact, then=0), When(self.every_word_q(prefix), then=1), default=2)

    def words_matched(self, prefix: str = "") -> Any:
        """How many of the words typed the client's names match."""
        counts = [
            Case(When(Q(**{f"{prefix}search_keys__overlap": list(keys)}), then=1), default=0) for keys in self.groups
        ]
        return sum(counts[1:], counts[0]) if counts else Value(0)

    def closeness(self, prefix: str = "") -> Any:
        """How close the spelling typed is to the stored ones (trigram word similarity, 0 to 1)."""
        return TrigramWordSimilarity(self.text or "-", f"{prefix}search_text")


class _WordsContain(Func):
    """`words @> ARRAY[...]`: every word typed is one of the client's words, spelled the same."""

    output_field = BooleanField()

    def __init__(self, words: Any, wanted: list[str]) -> None:
        super().__init__(words, Value(wanted, output_field=ArrayField(CharField())))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        words, words_params = compiler.compile(self.source_expressions[0])
        wanted, wanted_params = compiler.compile(self.source_expressions[1])
        return f"({words} @> {wanted}::text[])", (*words_params, *wanted_params)


def _client_search_q(query: str, *, prefix: str = "") -> Q:
    """Clients found by a typed search's strong matches: code, phone or every word of the name."""
    search = ClientSearch.parse(query)
    return Q(pk__in=[]) if search.problem else search.strong_q(prefix)


def get_case(*, access: Access, public_id: Any) -> CaseFile:
    """One case in scope, or 404. With its centre's country: the case page shows times in the centre's zone too."""
    return get_visible_or_404(
        CaseFile.objects.visible_to(access).select_related("client", "centre__country", "counsellor"),
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
    correctable: set[int] = field(default_factory=set)  # sessions the user may still correct
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
    _attach_history(access, detail.sessions)
    detail.correctable = {session.pk for session in detail.sessions if may_correct(access, session)}
    record_event(actor=actor, action=CounsellingAudit.CASE_VIEWED, target=case)
    return detail


def _case_sessions(access: Access, case: CaseFile) -> QuerySet[Session]:
    return Session.objects.visible_to(access).filter(case=case).select_related("counsellor").order_by("-held_at", "-pk")


def _attach_history(access: Access, sessions: list[Session]) -> None:
    """Each session's corrections (who, when, why: never the old text) as `session.history`, newest first; one
    query, and none when no session shown was ever corrected (most cases)."""
    corrected = [session.pk for session in sessions if session.corrected_at is not None]
    history: dict[int, list[SessionRevision]] = {}
    if corrected:
        revisions = (
            SessionRevision.objects.visible_to(access)
            .filter(session_id__in=corrected)
            .select_related("edited_by")
            .defer("previous")
            .order_by("-version")
        )
        for revision in revisions:
            history.setdefault(revision.session_id, []).append(revision)
    for session in sessions:
        session.history = history.get(session.pk, [])


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
    correctable: set[int] = field(default_factory=set)


def get_case_sessions(*, access: Access, public_id: Any, actor: Any, page: Any) -> CaseSessions:
    """Every session of a case, newest first, a page at a time; the read is audited like the case page."""
    case = get_case(access=access, public_id=public_id)
    page_obj = Paginator(_case_sessions(access, case), 50).get_page(page)
    record_event(
        actor=actor, action=CounsellingAudit.CASE_VIEWED, target=case, details={"sessions_page": page_obj.number}
    )
    sessions = list(page_obj)
    _attach_history(access, sessions)
    return CaseSessions(
        case=case,
        page=page_obj,
        readable_notes=_readable_notes(access, case, sessions),
        correctable={session.pk for session in sessions if may_correct(access, session)},
    )


def get_session(*, access: Access, public_id: Any) -> Session:
    """One session of the user's centres, with its case (for the correction form)."""
    return get_visible_or_404(
        Session.objects.visible_to(access).select_related("case__client", "case__centre"), public_id=public_id
    )


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
    keys meet across scripts and romanisations (محمد = Mohamed = Muhammad,
    الزهراني = Al Zahrani = Zahrani; counselling/names.py); or every word of
    the name among the client's names, in whichever field (a family name
    entered as the given name); or a close trigram similarity of the
    transliterated full name. The same date of birth raises the score.
    """
    native = name_native.split()
    given_keys = name_keys(given_name, *native[:1])
    family_keys = name_keys(family_name, " ".join(native[1:]))
    text = search_text(given_name, family_name, name_native)
    words = ClientSearch.parse(f"{given_name} {family_name}")
    condition = Q(pk__in=[])
    if given_keys and family_keys:
        condition |= Q(given_keys__overlap=given_keys, family_keys__overlap=family_keys)
    if len(words.groups) > 1:
        condition |= words.every_word_q("")
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
        same_words = len(words.groups) > 1 and all(set(keys) & set(client.search_keys) for keys in words.groups)
        if (set(given_keys) & set(client.given_keys) and set(family_keys) & set(client.family_keys)) or same_words:
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
    """The partner organisations a client of this country can consent to share with, by name: those of the
    country and those elsewhere with an active service that serves it (an online course such as atingi's).

    The model is reached through `Consent.organisation` (it lives in the referrals app, above this one).
    """
    organisations = Consent._meta.get_field("organisation").related_model._default_manager
    serving = Q(services__is_active=True, services__areas_served__contains=[country_id])
    return organisations.filter(Q(country_id=country_id) | serving).distinct().order_by("name")
