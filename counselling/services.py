"""Writes of the counselling app: one function per use case, atomic and audited.

Every function takes the acting user's `Access` and the acting `User`, checks
that the objects it touches are in that user's scope (they came through the
selectors, and are checked again here), writes, appends a `CaseEvent` to the
case's timeline and an `AuditEvent` to the audit log, and queues side effects
after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from counselling.codes import format_client_code, parse_client_code, wrong_series_message
from counselling.documents import inspect_upload
from counselling.models import (
    AGE_BANDS,
    CaseEvent,
    CaseFile,
    CaseStatus,
    Client,
    ClosureReason,
    Consent,
    ConsentPurpose,
    Document,
    FollowUp,
    GoalStatus,
    GroupSession,
    PlanGoal,
    Session,
    Sex,
    TargetGroup,
    Transfer,
    TransferStatus,
)
from counselling.names import name_keys, search_text
from portal.access import CASEWORK_ROLES, Access, Role, unscoped
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed
from portal.models import Centre, User
from referrals.models import Organization


class CaseClosed(DomainError):
    """The case is closed: nothing more can be logged on it."""


class StaleVersion(DomainError):
    """Someone else changed the case since this form was opened."""


class ConsentMissing(DomainError):
    """The client has not given the consent this action needs."""


# --- Guards ----------------------------------------------------------------------


def _require_centre(access: Access, centre_id: int) -> None:
    if centre_id not in access.centre_ids(*CASEWORK_ROLES):
        # Not "forbidden" but "unknown": the views turn this into 404.
        raise NotAllowed(_("This case file does not exist."))


def _require_open(case: CaseFile) -> None:
    if case.status == CaseStatus.CLOSED:
        raise CaseClosed(_("This case is closed. Reopen it before adding to it."))


def _event(case: CaseFile, actor: User, kind: str, **params: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, actor=actor, kind=kind, params=params)


def _update_case(case: CaseFile, fields: dict[str, Any]) -> None:
    """Write case fields with UPDATE (versions are raised with F()) and reload them."""
    with unscoped():
        CaseFile.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db(fields=["version", "updated_at", *[f for f in fields if f not in ("version", "updated_at")]])


def has_consent(client: Client, purpose: str, organisation: Organization | None = None) -> bool:
    """Whether the client has an active consent (or other recorded basis) for this purpose."""
    with unscoped():
        return Consent.objects.filter(
            client=client, purpose=purpose, organisation=organisation, withdrawn_at__isnull=True
        ).exists()


def require_consent(client: Client, purpose: str, organisation: Organization | None = None) -> None:
    """Refuse with a clear message when data would leave the centre without consent."""
    if not has_consent(client, purpose, organisation):
        messages = {
            ConsentPurpose.SHARE_WITH_PARTNER: _(
                "The client has not agreed to share data with this organisation. Record the consent first."
            ),
            ConsentPurpose.SHARE_WITH_EMPLOYERS: _(
                "The client has not agreed to share a profile with employers. Record the consent first."
            ),
            ConsentPurpose.SENSITIVE_DATA: _(
                "Vulnerabilities can only be recorded with the client's consent to record sensitive information."
            ),
            ConsentPurpose.FOLLOW_UP_CONTACT: _("The client has not agreed to be contacted for follow-up."),
        }
        raise ConsentMissing(messages.get(purpose, _("The client has not given the consent this needs.")))


def _latest_case(client: Client) -> CaseFile | None:
    """The client's most recent case file, whose timeline records client-level events such as consent."""
    with unscoped():
        return client.cases.order_by("-opened_on", "-pk").first()


def _search_columns(client: Client) -> None:
    native_tokens = client.name_native.split()
    client.given_keys = name_keys(client.given_name, *native_tokens[:1])
    client.family_keys = name_keys(client.family_name, client.name_transliterated, " ".join(native_tokens[1:]))
    client.search_text = search_text(
        client.given_name, client.family_name, client.name_transliterated, client.name_native
    )


# How many numbers past the counter one query looks at when looking for a free one.
CODE_LOOKAHEAD = 20


def _next_client_code(centre: Centre) -> str:
    """The centre's next free client code; raises its counter to that number (under the centre's row lock).

    A number already taken (a code typed from an older paper file, or one a
    bug once let another centre take) is skipped, so no code in the table
    can make every later registration fail. One query in the usual case.
    """
    locked = Centre.objects.select_for_update().get(pk=centre.pk)
    number = locked.client_counter
    while True:
        candidates = {format_client_code(locked, n): n for n in range(number + 1, number + 1 + CODE_LOOKAHEAD)}
        with unscoped():
            taken = set(Client.objects.filter(code__in=list(candidates)).values_list("code", flat=True))
        free = next((code for code in candidates if code not in taken), None)
        if free is not None:
            break
        number += CODE_LOOKAHEAD
    locked.client_counter = candidates[free]
    locked.save(update_fields=["client_counter"])
    return free


# --- Clients and consent ---------------------------------------------------------------


CLIENT_FIELDS = (
    "given_name",
    "family_name",
    "name_native",
    "name_transliterated",
    "sex",
    "birth_date",
    "birth_year",
    "phone",
    "phone_alt",
    "email",
    "preferred_channel",
    "nationality",
    "current_location",
    "target_group",
    "education",
    "occupation",
    "skills",
    "languages",
)


def _check_birth(birth_date: dt.date | None, birth_year: int | None) -> None:
    today = timezone.localdate()
    if birth_date and birth_date > today:
        raise DomainError(_("The date of birth cannot be in the future."), field="birth_date")
    if birth_year and (birth_year > today.year or birth_year < 1900):
        raise DomainError(_("Enter a year of birth between 1900 and this year."), field="birth_year")


@transaction.atomic
def register_client(
    *,
    access: Access,
    actor: User,
    centre: Centre,
    consent_method: str,
    consent_witness: str = "",
    code: str = "",
    counsellor: User | None = None,
    **data: Any,
) -> CaseFile:
    """Take a new client in: the client, an open case file, and their consent to a counselling record.

    The duplicate check runs before (the view shows likely matches); this
    function trusts that the counsellor decided. A given `code` (from a paper
    file) must be in the centre's own series (`<country>-<centre>-NNNNNN`)
    and unused; otherwise the next free one is made from the centre's counter.
    """
    _require_centre(access, centre.pk)
    _check_birth(data.get("birth_date"), data.get("birth_year"))
    # Another centre's prefix is refused: a code typed there would take a number of this series.
    manual_code = parse_client_code(code, centre=centre) if code.strip() else ""
    if manual_code is None:
        raise DomainError(wrong_series_message(centre), field="code")
    # The same intake sent twice (double click on "register anyway", a resend) registers one client:
    # registrations of a centre wait for each other on its row, then the identical client this counsellor
    # registered minutes ago is returned. A namesake registered by anyone else is still registered.
    Centre.objects.select_for_update().only("pk").get(pk=centre.pk)
    same = {
        k: data[k]
        for k in ("given_name", "family_name", "name_native", "birth_date", "birth_year", "phone")
        if k in data
    }
    with unscoped():
        twin = (
            CaseFile.objects.filter(
                client__centre=centre,
                client__created_at__gte=timezone.now() - dt.timedelta(minutes=10),
                events__kind="case.opened",
                events__actor=actor,
                **{f"client__{k}": v for k, v in same.items()},
            )
            .exclude(status=CaseStatus.CLOSED)
            .select_related("client")
            .order_by("pk")
            .first()
        )
    if twin is not None and manual_code in ("", twin.client.code):
        return twin
    client = Client(centre=centre, **{k: v for k, v in data.items() if k in CLIENT_FIELDS})
    if client.birth_date and not client.birth_year:
        client.birth_year = client.birth_date.year
    _search_columns(client)
    client.code = manual_code or _next_client_code(centre)
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError as exc:
        raise DomainError(_("This client code is already in use."), field="code") from exc
    case = CaseFile.objects.create(client=client, centre=centre, counsellor=counsellor or actor)
    Consent.objects.create(
        client=client,
        purpose=ConsentPurpose.COUNSELLING_RECORD,
        method=consent_method,
        witness=consent_witness,
        recorded_by=actor,
    )
    _event(case, actor, "case.opened")
    record_event(actor=actor, action="counselling.client.registered", target=client, centre=centre)
    record_event(actor=actor, action="counselling.case.opened", target=case, centre=centre)
    return case


@transaction.atomic
def update_client(*, access: Access, actor: User, client: Client, vulnerabilities: list[str], **data: Any) -> Client:
    """Change a client's details. Vulnerabilities need the consent for sensitive information."""
    _require_centre(access, client.centre_id)
    _check_birth(data.get("birth_date"), data.get("birth_year"))
    if vulnerabilities and set(vulnerabilities) != set(client.vulnerabilities):
        require_consent(client, ConsentPurpose.SENSITIVE_DATA)
    changed = sorted(k for k, v in data.items() if k in CLIENT_FIELDS and getattr(client, k) != v)
    for key in changed:
        setattr(client, key, data[key])
    client.vulnerabilities = vulnerabilities
    _search_columns(client)
    client.save()
    record_event(actor=actor, action="counselling.client.updated", target=client, details={"fields": changed})
    return client


@transaction.atomic
def record_consent(
    *,
    access: Access,
    actor: User,
    client: Client,
    purpose: str,
    method: str,
    legal_basis: str = "consent",
    organisation: Organization | None = None,
    witness: str = "",
    given_on: dt.date | None = None,
) -> Consent:
    """Record a consent for one purpose. One active consent per purpose (and organisation)."""
    _require_centre(access, client.centre_id)
    if purpose == ConsentPurpose.SHARE_WITH_PARTNER and organisation is None:
        raise DomainError(_("Choose the partner organisation this consent is for."), field="organisation")
    if purpose != ConsentPurpose.SHARE_WITH_PARTNER:
        organisation = None
    if method == "oral_witness" and not witness.strip():
        raise DomainError(_("Oral consent needs the name of a witness."), field="witness")
    if given_on and given_on > timezone.localdate():
        raise DomainError(_("Consent cannot be dated in the future."), field="given_on")
    if has_consent(client, purpose, organisation):
        raise DomainError(_("This consent is already recorded."), field="purpose")
    consent = Consent.objects.create(
        client=client,
        purpose=purpose,
        organisation=organisation,
        method=method,
        legal_basis=legal_basis,
        witness=witness.strip(),
        given_on=given_on or timezone.localdate(),
        recorded_by=actor,
    )
    case = _latest_case(client)
    if case:
        _event(case, actor, "consent.recorded", purpose=purpose)
    record_event(
        actor=actor,
        action="counselling.consent.recorded",
        target=consent,
        centre=client.centre_id,
        details={"purpose": purpose},
    )
    return consent


@transaction.atomic
def withdraw_consent(*, access: Access, actor: User, consent: Consent) -> Consent:
    """Withdraw a consent from now on. Sharing that depends on it stops at once."""
    client = consent.client
    _require_centre(access, client.centre_id)
    if consent.withdrawn_at is not None:
        raise DomainError(_("This consent was already withdrawn."))
    if consent.purpose == ConsentPurpose.SENSITIVE_DATA:
        # Without the consent the sensitive data may not be kept.
        client.vulnerabilities = []
        client.save(update_fields=["vulnerabilities"])
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    case = _latest_case(client)
    if case:
        _event(case, actor, "consent.withdrawn", purpose=consent.purpose)
    record_event(
        actor=actor,
        action="counselling.consent.withdrawn",
        target=consent,
        centre=client.centre_id,
        details={"purpose": consent.purpose},
    )
    return consent


# --- Case file ---------------------------------------------------------------------------


@transaction.atomic
def log_session(
    *,
    access: Access,
    actor: User,
    case: CaseFile,
    held_at: dt.datetime,
    duration_minutes: int,
    mode: str,
    topics: list[str],
    kind: str = "individual",
    language: str = "",
    interpreter: bool = False,
    summary: str = "",
    confidential_notes: str = "",
    next_steps: str = "",
    follow_up_on: dt.date | None = None,
) -> Session:
    """Record a session on an open case; an open case becomes active; a follow-up date adds a follow-up."""
    _require_centre(access, case.centre_id)
    case = _locked(case)
    _require_open(case)
    if held_at > timezone.now() + dt.timedelta(hours=1):
        raise DomainError(_("A session cannot be logged in the future."), field="held_at")
    if not topics:
        raise DomainError(_("Choose at least one topic."), field="topics")
    # The same form sent twice (a double click, a resend after a dropped connection) logs one session:
    # the case row is locked above, so the second request sees the first one's session and returns it.
    with unscoped():
        same = Session.objects.filter(
            case=case, counsellor=actor, held_at=held_at, duration_minutes=duration_minutes, mode=mode, kind=kind
        ).filter(topics=topics, summary=summary, next_steps=next_steps)
        duplicate = same.order_by("pk").first()
    if duplicate is not None:
        return duplicate
    session = Session.objects.create(
        case=case,
        counsellor=actor,
        held_at=held_at,
        duration_minutes=duration_minutes,
        mode=mode,
        kind=kind,
        topics=topics,
        language=language,
        interpreter=interpreter,
        summary=summary,
        confidential_notes=confidential_notes,
        next_steps=next_steps,
    )
    fields: dict[str, Any] = {}
    held_on = timezone.localdate(held_at)
    if case.last_session_on is None or held_on > case.last_session_on:
        fields["last_session_on"] = held_on
    if case.status == CaseStatus.OPEN:
        fields["status"] = CaseStatus.ACTIVE
    _update_case(case, {**fields, "version": F("version") + 1, "updated_at": timezone.now()})
    _event(case, actor, "session.logged", session=str(session.public_id), minutes=duration_minutes)
    if follow_up_on:
        _create_follow_up(
            case=case,
            actor=actor,
            title=next_steps[:200] or _("Follow up on the session"),
            due_on=follow_up_on,
            assigned_to=actor,
        )
    record_event(actor=actor, action="counselling.session.logged", target=session, centre=case.centre_id)
    if case.counsellor_id and case.counsellor_id != actor.pk:
        from portal import outbox

        outbox.enqueue(
            "counselling.tasks.send_session_notice_task",
            kwargs={"session_id": session.pk},
            key=f"session-notice:{session.public_id}",
        )
    return session


def _locked(case: CaseFile) -> CaseFile:
    with unscoped():
        return CaseFile.objects.select_for_update().select_related("client").get(pk=case.pk)


def _refresh_next_follow_up(case: CaseFile) -> None:
    with unscoped():
        next_due = (
            FollowUp.objects.filter(case=case, done_at__isnull=True)
            .order_by("due_on")
            .values_list("due_on", flat=True)
            .first()
        )
        CaseFile.objects.filter(pk=case.pk).update(next_follow_up_on=next_due)
    case.next_follow_up_on = next_due


def _create_follow_up(*, case: CaseFile, actor: User, title: str, due_on: dt.date, assigned_to: User) -> FollowUp:
    follow_up = FollowUp.objects.create(
        case=case, title=title, due_on=due_on, assigned_to=assigned_to, created_by=actor
    )
    _refresh_next_follow_up(case)
    _event(case, actor, "follow_up.added", title=title, due_on=due_on.isoformat())
    record_event(actor=actor, action="counselling.follow_up.added", target=follow_up, centre=case.centre_id)
    return follow_up


@transaction.atomic
def add_follow_up(
    *,
    access: Access,
    actor: User,
    case: CaseFile,
    title: str,
    due_on: dt.date,
    assigned_to: User | None = None,
) -> FollowUp:
    """Add a follow-up task to an open case, assigned to the actor unless said otherwise."""
    _require_centre(access, case.centre_id)
    _require_open(case)
    if due_on < timezone.localdate() - dt.timedelta(days=1):
        raise DomainError(_("A follow-up cannot be due in the past."), field="due_on")
    assignee = assigned_to or actor
    if assignee != actor and not _works_at(assignee, case.centre_id):
        raise DomainError(_("Choose a colleague from this centre."), field="assigned_to")
    return _create_follow_up(case=case, actor=actor, title=title, due_on=due_on, assigned_to=assignee)


def _works_at(user: User, centre_id: int) -> bool:
    from portal.access import get_access

    return centre_id in get_access(user).centre_ids(*CASEWORK_ROLES)


@transaction.atomic
def complete_follow_up(*, access: Access, actor: User, follow_up: FollowUp) -> FollowUp:
    """Mark a follow-up done (idempotent: done twice stays done once)."""
    case = follow_up.case
    _require_centre(access, case.centre_id)
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["done_at"])
        _refresh_next_follow_up(case)
        _event(case, actor, "follow_up.done", title=follow_up.title)
        record_event(actor=actor, action="counselling.follow_up.done", target=follow_up, centre=case.centre_id)
    return follow_up


@transaction.atomic
def add_goal(*, access: Access, actor: User, case: CaseFile, title: str, due_on: dt.date | None = None) -> PlanGoal:
    """Add a goal to the case's reintegration plan."""
    _require_centre(access, case.centre_id)
    _require_open(case)
    goal = PlanGoal.objects.create(case=case, title=title, due_on=due_on)
    _update_case(case, {"version": F("version") + 1, "updated_at": timezone.now()})
    _event(case, actor, "goal.added", title=title)
    record_event(actor=actor, action="counselling.goal.added", target=goal, centre=case.centre_id)
    return goal


@transaction.atomic
def set_goal_status(*, access: Access, actor: User, goal: PlanGoal, status: str, expected_version: int) -> PlanGoal:
    """Move a plan goal to another status.

    `expected_version` is the goal's version when the page was shown: if someone changed the goal since,
    nothing is written and the user is told (the same optimistic locking as the case file).
    """
    case = goal.case
    _require_centre(access, case.centre_id)
    _require_open(case)
    if status not in GoalStatus.values:
        raise DomainError(_("Choose a valid status."), field="status")
    stale = StaleVersion(_("Someone else changed this goal while you were editing. Check the plan and try again."))
    if goal.version != expected_version:
        raise stale
    if goal.status != status:
        # Compare and set in one statement: two requests that read the same version cannot both win.
        if (
            not PlanGoal.objects.visible_to(access)
            .filter(pk=goal.pk, version=expected_version)
            .update(status=status, version=F("version") + 1)
        ):
            raise stale
        goal.status, goal.version = status, expected_version + 1
        _event(case, actor, "goal.status", title=goal.title, status=status)
        record_event(
            actor=actor,
            action="counselling.goal.updated",
            target=goal,
            centre=case.centre_id,
            details={"status": status},
        )
    return goal


@transaction.atomic
def change_case_status(
    *,
    access: Access,
    actor: User,
    case: CaseFile,
    status: str,
    expected_version: int,
    closure_reason: str = "",
) -> CaseFile:
    """Put a case on hold, close it (with a reason) or reopen it.

    `expected_version` is the version the form was shown with: if the case
    changed since, the change is refused rather than overwriting the other edit.
    """
    _require_centre(access, case.centre_id)
    case = _locked(case)
    if case.version != expected_version:
        raise StaleVersion(_("Someone else changed this case while you were editing. Check the case and try again."))
    if status not in CaseStatus.values:
        raise DomainError(_("Choose a valid status."), field="status")
    if status == case.status:
        return case
    fields: dict[str, Any] = {"status": status, "version": F("version") + 1, "updated_at": timezone.now()}
    if status == CaseStatus.CLOSED:
        if closure_reason not in ClosureReason.values:
            raise DomainError(_("Say why the case is closed."), field="closure_reason")
        fields.update(closed_on=timezone.localdate(), closure_reason=closure_reason)
    else:
        fields.update(closed_on=None, closure_reason="")
        if case.status == CaseStatus.CLOSED:
            with unscoped():
                other_open = (
                    CaseFile.objects.filter(client_id=case.client_id)
                    .exclude(pk=case.pk)
                    .exclude(status=CaseStatus.CLOSED)
                )
                if other_open.exists():
                    raise DomainError(_("This client already has another open case."))
    _update_case(case, fields)
    _event(case, actor, "case.status", status=status, reason=closure_reason)
    record_event(
        actor=actor,
        action="counselling.case.status_changed",
        target=case,
        details={"status": status, "reason": closure_reason},
    )
    return case


@transaction.atomic
def reopen_or_open_case(*, access: Access, actor: User, client: Client) -> CaseFile:
    """Open a new case for a known client whose earlier cases are closed."""
    _require_centre(access, client.centre_id)
    try:
        with transaction.atomic():
            case = CaseFile.objects.create(client=client, centre=client.centre, counsellor=actor)
    except IntegrityError as exc:
        raise DomainError(_("This client already has an open case.")) from exc
    _event(case, actor, "case.opened")
    record_event(actor=actor, action="counselling.case.opened", target=case)
    return case


# --- Documents ---------------------------------------------------------------------------


@transaction.atomic
def upload_document(*, access: Access, actor: User, case: CaseFile, kind: str, upload: UploadedFile) -> Document:
    """Keep a document on a case after checking its size and its real type (by content).

    Images are re-encoded, which drops their metadata (location, camera).
    The file is stored under a random name outside the web root.
    """
    _require_centre(access, case.centre_id)
    _require_open(case)
    inspected = inspect_upload(upload)
    document = Document(
        case=case,
        kind=kind,
        original_name=inspected.safe_name,
        content_type=inspected.content_type,
        size=len(inspected.content),
        sha256=hashlib.sha256(inspected.content).hexdigest(),
        uploaded_by=actor,
    )
    document.file.save(inspected.safe_name, inspected.as_file(), save=False)
    document.save()
    _event(case, actor, "document.uploaded", name=inspected.safe_name)
    record_event(
        actor=actor,
        action="counselling.document.uploaded",
        target=document,
        centre=case.centre_id,
        details={"type": inspected.content_type, "size": document.size},
    )
    return document


# --- Transfers ---------------------------------------------------------------------------


@transaction.atomic
def request_transfer(*, access: Access, actor: User, case: CaseFile, to_centre: Centre, reason: str) -> Transfer:
    """Ask another centre to take over a case. One pending request per case."""
    _require_centre(access, case.centre_id)
    _require_open(case)
    if to_centre.pk == case.centre_id:
        raise DomainError(_("Choose another centre."), field="to_centre")
    if not to_centre.is_active:
        raise DomainError(_("This centre does not take cases at the moment."), field="to_centre")
    try:
        with transaction.atomic():
            transfer = Transfer.objects.create(
                case=case,
                from_centre_id=case.centre_id,
                to_centre=to_centre,
                reason=reason,
                requested_by=actor,
            )
    except IntegrityError as exc:
        raise DomainError(_("A transfer of this case is already waiting for a decision.")) from exc
    _event(case, actor, "transfer.requested", to_centre=to_centre.name)
    record_event(
        actor=actor,
        action="counselling.transfer.requested",
        target=transfer,
        centre=case.centre_id,
        details={"to_centre": to_centre.pk},
    )
    return transfer


@transaction.atomic
def decide_transfer(*, access: Access, actor: User, transfer: Transfer, accept: bool, note: str = "") -> Transfer:
    """The receiving centre's manager accepts (the case and its client move, history stays) or declines."""
    if transfer.to_centre_id not in access.centre_ids(Role.CENTRE_MANAGER):
        raise NotAllowed(_("Only the manager of the receiving centre can decide."))
    with unscoped():
        transfer = Transfer.objects.select_for_update().select_related("case", "to_centre").get(pk=transfer.pk)
    if transfer.status != TransferStatus.PENDING:
        raise DomainError(_("This transfer was already decided."))
    transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.decision_note = note
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    case = transfer.case
    if accept:
        _update_case(
            case,
            {
                "centre_id": transfer.to_centre_id,
                "counsellor_id": None,
                "version": F("version") + 1,
                "updated_at": timezone.now(),
            },
        )
        with unscoped():
            Client.objects.filter(pk=case.client_id).update(centre_id=transfer.to_centre_id)
        # The reports count a case at its current centre: rebuild its history's roll-ups.
        from portal.reports.tasks import rebuild_rollups_task

        opened_on = case.opened_on.isoformat()
        transaction.on_commit(lambda: rebuild_rollups_task.delay(start=opened_on, end=timezone.localdate().isoformat()))
    _event(case, actor, "transfer.accepted" if accept else "transfer.declined", to_centre=transfer.to_centre.name)
    record_event(
        actor=actor,
        action="counselling.transfer.decided",
        target=transfer,
        centre=transfer.to_centre_id,
        details={"accepted": accept},
    )
    return transfer


# --- Group sessions ------------------------------------------------------------------------


def _check_breakdown(name: str, counts: dict[str, int], allowed: Iterable[str], total: int) -> dict[str, int]:
    clean = {key: int(value) for key, value in counts.items() if int(value or 0) > 0}
    if any(key not in set(allowed) for key in clean) or any(v < 0 for v in clean.values()):
        raise DomainError(_("Some numbers are not valid."), field=name)
    if clean and sum(clean.values()) != total:
        raise DomainError(
            _("The numbers add up to %(sum)d, but %(total)d people took part.")
            % {"sum": sum(clean.values()), "total": total},
            field=name,
        )
    return clean


@transaction.atomic
def record_group_session(
    *,
    access: Access,
    actor: User,
    centre: Centre,
    title: str,
    held_on: dt.date,
    topics: list[str],
    participants: int,
    by_sex: dict[str, int],
    by_age_band: dict[str, int],
    by_target_group: dict[str, int],
) -> GroupSession:
    """Record a group information session with its attendance, broken down three ways."""
    _require_centre(access, centre.pk)
    if held_on > timezone.localdate():
        raise DomainError(_("A session cannot be logged in the future."), field="held_on")
    if participants < 1:
        raise DomainError(_("Enter how many people took part."), field="participants")
    session = GroupSession.objects.create(
        centre=centre,
        title=title,
        held_on=held_on,
        topics=topics,
        facilitator=actor,
        participants=participants,
        by_sex=_check_breakdown("by_sex", by_sex, Sex.values, participants),
        by_age_band=_check_breakdown("by_age_band", by_age_band, AGE_BANDS, participants),
        by_target_group=_check_breakdown("by_target_group", by_target_group, TargetGroup.values, participants),
    )
    record_event(actor=actor, action="counselling.group_session.recorded", target=session, centre=centre)
    return session
