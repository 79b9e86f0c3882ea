"""The case file: sessions, the reintegration plan, the case's status, a new case for a known client."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from counselling.audit import CounsellingAudit
from counselling.corrections import CORRECTABLE, REASON_NEEDED_AFTER, correction_window_ends
from counselling.models import (
    CaseFile,
    CaseStatus,
    Client,
    ClosureReason,
    FollowUp,
    GoalStatus,
    PlanGoal,
    Session,
    SessionRevision,
)
from counselling.services.common import (
    StaleVersion,
    case_event,
    centre_caseworkers,
    locked_case,
    require_centre,
    require_open,
    update_case,
)
from counselling.services.follow_ups import create_follow_up
from portal import outbox
from portal.access import Access, Role, unscoped
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed
from portal.models import User


@transaction.atomic(durable=True)
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
    require_centre(access, case.centre_id)
    case = locked_case(case)
    require_open(case)
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
    update_case(case, {**fields, "version": F("version") + 1, "updated_at": timezone.now()})
    case_event(case, actor, "session.logged", session=str(session.public_id), minutes=duration_minutes)
    if follow_up_on:
        create_follow_up(
            case=case,
            actor=actor,
            title=next_steps[:200] or _("Follow up on the session"),
            due_on=follow_up_on,
            assigned_to=actor,
        )
    record_event(actor=actor, action=CounsellingAudit.SESSION_LOGGED, target=session, centre=case.centre_id)
    if case.counsellor_id and case.counsellor_id != actor.pk:
        outbox.enqueue(
            "counselling.tasks.send_session_notice_task",
            kwargs={"session_id": session.pk},
            key=f"session-notice:{session.public_id}",
        )
    return session


@transaction.atomic(durable=True)
def add_goal(*, access: Access, actor: User, case: CaseFile, title: str, due_on: dt.date | None = None) -> PlanGoal:
    """Add a goal to the case's reintegration plan."""
    require_centre(access, case.centre_id)
    require_open(case)
    goal = PlanGoal.objects.create(case=case, title=title, due_on=due_on)
    update_case(case, {"version": F("version") + 1, "updated_at": timezone.now()})
    case_event(case, actor, "goal.added", title=title)
    record_event(actor=actor, action=CounsellingAudit.GOAL_ADDED, target=goal, centre=case.centre_id)
    return goal


@transaction.atomic(durable=True)
def set_goal_status(*, access: Access, actor: User, goal: PlanGoal, status: str, expected_version: int) -> PlanGoal:
    """Move a plan goal to another status.

    `expected_version` is the goal's version when the page was shown: if someone changed the goal since,
    nothing is written and the user is told (the same optimistic locking as the case file).
    """
    case = goal.case
    require_centre(access, case.centre_id)
    require_open(case)
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
        case_event(case, actor, "goal.status", title=goal.title, status=status)
        record_event(
            actor=actor,
            action=CounsellingAudit.GOAL_UPDATED,
            target=goal,
            centre=case.centre_id,
            details={"status": status},
        )
    return goal


@transaction.atomic(durable=True)
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
    require_centre(access, case.centre_id)
    case = locked_case(case)
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
    update_case(case, fields)
    case_event(case, actor, "case.status", status=status, reason=closure_reason)
    record_event(
        actor=actor,
        action=CounsellingAudit.CASE_STATUS_CHANGED,
        target=case,
        details={"status": status, "reason": closure_reason},
    )
    return case


@transaction.atomic(durable=True)
def reopen_or_open_case(*, access: Access, actor: User, client: Client) -> CaseFile:
    """Open a new case for a known client whose earlier cases are closed."""
    require_centre(access, client.centre_id)
    try:
        with transaction.atomic():
            case = CaseFile.objects.create(client=client, centre=client.centre, counsellor=actor)
    except IntegrityError as exc:
        raise DomainError(_("This client already has an open case.")) from exc
    case_event(case, actor, "case.opened")
    record_event(actor=actor, action=CounsellingAudit.CASE_OPENED, target=case)
    return case


@transaction.atomic(durable=True)
def assign_counsellor(
    *, access: Access, actor: User, case: CaseFile, counsellor: User | None, expected_version: int
) -> CaseFile:
    """The centre's manager gives the case to one of the centre's counsellors (or leaves it unassigned).

    The case's open follow-ups that sat with the previous counsellor, or with anyone who no longer does
    casework at the centre (after a transfer, or when someone left), move to the new counsellor, or to the
    manager while the case has none. Timeline and audit keep who had the case before.
    """
    if case.centre_id not in access.centre_ids(Role.CENTRE_MANAGER):
        require_centre(access, case.centre_id)  # outside the centre: unknown (404)
        raise NotAllowed(_("Only the centre's manager assigns counsellors."))
    case = locked_case(case)
    if case.version != expected_version:
        raise StaleVersion(_("Someone else changed this case while you were editing. Check the case and try again."))
    caseworkers = {user.pk: user for user in centre_caseworkers(case.centre_id)}
    if counsellor is not None and counsellor.pk not in caseworkers:
        raise DomainError(_("This person does not work at this case's centre."), field="counsellor")
    previous = case.counsellor
    if (counsellor.pk if counsellor else None) == case.counsellor_id:
        return case
    update_case(
        case,
        {
            "counsellor_id": counsellor.pk if counsellor else None,
            "version": F("version") + 1,
            "updated_at": timezone.now(),
        },
    )
    holder = counsellor or actor
    with unscoped():
        open_follow_ups = FollowUp.objects.filter(case=case, done_at__isnull=True).exclude(assigned_to=holder)
        stranded = open_follow_ups.exclude(assigned_to_id__in=caseworkers)
        if previous is not None:
            stranded = stranded | open_follow_ups.filter(assigned_to=previous)
        moved = stranded.update(assigned_to=holder)
    case_event(
        case,
        actor,
        "case.counsellor",
        counsellor=counsellor.full_name if counsellor else "",
        previous=previous.full_name if previous else "",
        follow_ups_moved=moved,
    )
    record_event(
        actor=actor,
        action=CounsellingAudit.CASE_COUNSELLOR_ASSIGNED,
        target=case,
        details={
            "counsellor": counsellor.pk if counsellor else None,
            "previous": previous.pk if previous else None,
            "follow_ups_moved": moved,
        },
    )
    return case


@transaction.atomic(durable=True)
def correct_session(
    *, access: Access, actor: User, session: Session, expected_version: int, reason: str = "", **values: Any
) -> Session:
    """The author corrects a session they logged, within `SESSION_CORRECTION_DAYS`; after 24 hours with a
    reason. What it said before is kept (`SessionRevision`, encrypted), the timeline says it was corrected
    and why, and the audit log records which fields changed (never their text)."""
    require_centre(access, session.case.centre_id)
    with unscoped():
        session = Session.objects.select_for_update().select_related("case").get(pk=session.pk)
    if session.counsellor_id != actor.pk:
        raise DomainError(_("Only the counsellor who logged a session can correct it."))
    require_open(session.case)
    if timezone.now() > correction_window_ends(session):
        raise DomainError(
            _("Sessions can be corrected for %(days)s days after they were logged. Add a new session instead.")
            % {"days": settings.SESSION_CORRECTION_DAYS}
        )
    if session.version != expected_version:
        raise StaleVersion(_("This session was corrected meanwhile. Check it and try again."))
    reason = reason.strip()
    if not reason and timezone.now() - session.created_at > REASON_NEEDED_AFTER:
        raise DomainError(_("Say why you correct a session logged more than a day ago."), field="reason")
    if values.get("held_at") and values["held_at"] > timezone.now() + dt.timedelta(hours=1):
        raise DomainError(_("A session cannot be logged in the future."), field="held_at")
    if "topics" in values and not values["topics"]:
        raise DomainError(_("Choose at least one topic."), field="topics")
    changed = [name for name in CORRECTABLE if name in values and _differs(name, values[name], getattr(session, name))]
    if not changed:
        return session
    previous = {name: getattr(session, name) for name in changed}
    SessionRevision.objects.create(
        session=session,
        version=session.version,
        edited_by=actor,
        reason=reason,
        changed=changed,
        previous=json.dumps(previous, cls=DjangoJSONEncoder),
    )
    for name in changed:
        setattr(session, name, values[name])
    session.version += 1
    session.corrected_at = timezone.now()
    session.save(update_fields=[*changed, "version", "corrected_at"])
    case_event(session.case, actor, "session.corrected", session=str(session.public_id), reason=reason)
    record_event(
        actor=actor,
        action=CounsellingAudit.SESSION_CORRECTED,
        target=session,
        centre=session.case.centre_id,
        details={"fields": changed, "version": session.version},
    )
    return session


def _differs(name: str, new: Any, old: Any) -> bool:
    """Whether a corrected value changes the session; the form's time has minutes, the stored one may not."""
    if name == "held_at" and new is not None and old is not None:
        return new.replace(second=0, microsecond=0) != old.replace(second=0, microsecond=0)
    return new != old
