"""Follow-ups: tasks on a case with a due date; the case keeps the date of the next open one."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counselling.audit import CounsellingAudit
from counselling.models import CaseFile, FollowUp
from counselling.services.common import case_event, require_centre, require_open
from portal.access import CASEWORK_ROLES, Access, get_access, unscoped
from portal.audit import record_event
from portal.errors import DomainError
from portal.models import User


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


def create_follow_up(*, case: CaseFile, actor: User, title: str, due_on: dt.date, assigned_to: User) -> FollowUp:
    follow_up = FollowUp.objects.create(
        case=case, title=title, due_on=due_on, assigned_to=assigned_to, created_by=actor
    )
    _refresh_next_follow_up(case)
    case_event(case, actor, "follow_up.added", title=title, due_on=due_on.isoformat())
    record_event(actor=actor, action=CounsellingAudit.FOLLOW_UP_ADDED, target=follow_up, centre=case.centre_id)
    return follow_up


@transaction.atomic(durable=True)
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
    require_centre(access, case.centre_id)
    require_open(case)
    if due_on < timezone.localdate() - dt.timedelta(days=1):
        raise DomainError(_("A follow-up cannot be due in the past."), field="due_on")
    assignee = assigned_to or actor
    if assignee != actor and not _works_at(assignee, case.centre_id):
        raise DomainError(_("Choose a colleague from this centre."), field="assigned_to")
    return create_follow_up(case=case, actor=actor, title=title, due_on=due_on, assigned_to=assignee)


def _works_at(user: User, centre_id: int) -> bool:
    return centre_id in get_access(user).centre_ids(*CASEWORK_ROLES)


@transaction.atomic(durable=True)
def complete_follow_up(*, access: Access, actor: User, follow_up: FollowUp) -> FollowUp:
    """Mark a follow-up done (idempotent: done twice stays done once)."""
    case = follow_up.case
    require_centre(access, case.centre_id)
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["done_at"])
        _refresh_next_follow_up(case)
        case_event(case, actor, "follow_up.done", title=follow_up.title)
        record_event(actor=actor, action=CounsellingAudit.FOLLOW_UP_DONE, target=follow_up, centre=case.centre_id)
    return follow_up
