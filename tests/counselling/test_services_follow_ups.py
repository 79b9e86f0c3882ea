"""Follow-ups: added to a colleague of the centre only, done once, the case's next date kept; each audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from counselling import services
from portal.access import get_access
from portal.errors import DomainError
from tests.audit import assert_audited
from tests.counselling.helpers import events


def test_follow_up_done_updates_next_date(counsellor, case) -> None:
    access = get_access(counsellor.user)
    soon = services.add_follow_up(
        access=access, actor=counsellor.user, case=case, title="Call", due_on=timezone.localdate()
    )
    later = services.add_follow_up(
        access=access,
        actor=counsellor.user,
        case=case,
        title="Visit",
        due_on=timezone.localdate() + dt.timedelta(days=9),
    )
    case.refresh_from_db()
    assert case.next_follow_up_on == soon.due_on
    assert_audited("counselling.follow_up.added", target=soon, actor=counsellor.user, client=case.client)
    services.complete_follow_up(access=access, actor=counsellor.user, follow_up=soon)
    services.complete_follow_up(access=access, actor=counsellor.user, follow_up=soon)  # twice: still once
    case.refresh_from_db()
    assert case.next_follow_up_on == later.due_on
    assert events(case).count("follow_up.done") == 1
    assert_audited("counselling.follow_up.done", target=soon, actor=counsellor.user, centre=case.centre, count=1)


def test_follow_up_cannot_go_to_someone_outside_the_centre(counsellor, outsider, case) -> None:
    with pytest.raises(DomainError, match="colleague"):
        services.add_follow_up(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            case=case,
            title="x",
            due_on=timezone.localdate(),
            assigned_to=outsider.user,
        )
