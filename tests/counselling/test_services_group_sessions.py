"""Group sessions: breakdowns that add up; audited."""

from __future__ import annotations

import pytest
from django.utils import timezone

from counselling import services
from portal.access import get_access
from portal.errors import DomainError
from tests.audit import assert_audited


def test_group_session_breakdowns_must_add_up(counsellor) -> None:
    access = get_access(counsellor.user)
    kwargs = {
        "access": access,
        "actor": counsellor.user,
        "centre": counsellor.centre,
        "title": "Safe migration",
        "held_on": timezone.localdate(),
        "topics": ["regular_migration"],
        "participants": 10,
    }
    session = services.record_group_session(
        **kwargs, by_sex={"female": 6, "male": 4}, by_age_band={"18_24": 10}, by_target_group={}
    )
    assert session.by_sex == {"female": 6, "male": 4}
    assert_audited(
        "counselling.group_session.recorded", target=session, actor=counsellor.user, centre=counsellor.centre
    )
    with pytest.raises(DomainError, match="add up to 9"):
        services.record_group_session(**kwargs, by_sex={"female": 5, "male": 4}, by_age_band={}, by_target_group={})
    with pytest.raises(DomainError, match="not valid"):
        services.record_group_session(**kwargs, by_sex={"robot": 10}, by_age_band={}, by_target_group={})
    assert_audited("counselling.group_session.recorded", count=1)  # the refused ones left no line
