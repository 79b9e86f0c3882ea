"""Group information sessions, with attendance broken down by sex, age band and target group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from counselling.agebands import AgeBand
from counselling.audit import CounsellingAudit
from counselling.models import GroupSession, Sex, TargetGroup
from counselling.services.common import require_centre
from portal.access import Access
from portal.audit import record_event
from portal.errors import DomainError
from portal.models import Centre, User


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


@transaction.atomic(durable=True)
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
    require_centre(access, centre.pk)
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
        by_age_band=_check_breakdown("by_age_band", by_age_band, AgeBand.values, participants),
        by_target_group=_check_breakdown("by_target_group", by_target_group, TargetGroup.values, participants),
    )
    record_event(actor=actor, action=CounsellingAudit.GROUP_SESSION_RECORDED, target=session, centre=centre)
    return session
