"""Sessions (notes encrypted), the case's status (optimistic locking), a new case, the plan's goals: each audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from counselling import services
from counselling.models import CaseStatus, FollowUp, PlanGoal, Session
from portal.access import Role, get_access, unscoped
from portal.errors import DomainError, NotAllowed
from tests.audit import assert_audited
from tests.counselling.helpers import events, log, register
from tests.factories import MembershipFactory


def test_log_session_activates_case_adds_follow_up_and_audits(counsellor) -> None:
    case = register(counsellor)
    follow_up_on = timezone.localdate() + dt.timedelta(days=7)
    session = log(counsellor, case, follow_up_on=follow_up_on, next_steps="Send course list")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE
    assert case.last_session_on == timezone.localdate(session.held_at)
    assert case.next_follow_up_on == follow_up_on
    assert case.version == 2
    with unscoped():
        assert FollowUp.objects.get(case=case).title == "Send course list"
    assert_audited("counselling.session.logged", target=session, actor=counsellor.user, client=case.client)
    with unscoped():
        follow_up = FollowUp.objects.get(case=case)
    assert_audited("counselling.follow_up.added", target=follow_up, actor=counsellor.user, centre=case.centre)
    assert events(case) == ["case.opened", "session.logged", "follow_up.added"]


def test_confidential_notes_are_encrypted_at_rest(counsellor, case) -> None:
    session = log(counsellor, case)
    with connection.cursor() as cursor:
        cursor.execute("SELECT confidential_notes FROM counselling_session WHERE id = %s", [session.pk])
        raw = cursor.fetchone()[0]
    assert "violence" not in raw
    assert raw.startswith("enc:v1:")
    with unscoped():
        assert Session.objects.get(pk=session.pk).confidential_notes == "Client disclosed violence at home."


def test_notes_are_readable_by_author_and_manager_only(counsellor, manager, case, centre_a) -> None:
    from tests.conftest import _member

    session = log(counsellor, case)
    colleague = _member(Role.COUNSELLOR, centre=centre_a)
    session.case = case
    assert session.notes_visible_to(get_access(counsellor.user))
    assert session.notes_visible_to(get_access(manager.user))
    assert not session.notes_visible_to(get_access(colleague.user))


def test_session_on_closed_case_is_refused_and_nothing_saved(counsellor, case) -> None:
    services.change_case_status(
        access=get_access(counsellor.user),
        actor=counsellor.user,
        case=case,
        status="closed",
        closure_reason="goals_achieved",
        expected_version=case.version,
    )
    with pytest.raises(services.CaseClosed, match="closed"):
        log(counsellor, case)
    with unscoped():
        assert not Session.objects.filter(case=case).exists()


def test_session_in_the_future_is_refused(counsellor, case) -> None:
    with pytest.raises(DomainError, match="future"):
        log(counsellor, case, held_at=timezone.now() + dt.timedelta(days=2))


def test_outsider_cannot_log_on_a_case_of_another_centre(outsider, case) -> None:
    with pytest.raises(NotAllowed):
        log(outsider, case)


def test_closing_needs_a_reason(counsellor, case) -> None:
    with pytest.raises(DomainError, match="why"):
        services.change_case_status(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            case=case,
            status="closed",
            expected_version=case.version,
        )


def test_second_editor_with_stale_version_is_told_not_overwritten(counsellor, manager, case) -> None:
    version = case.version
    services.change_case_status(
        access=get_access(manager.user), actor=manager.user, case=case, status="on_hold", expected_version=version
    )
    with pytest.raises(services.StaleVersion, match="Someone else"):
        services.change_case_status(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            case=case,
            status="closed",
            closure_reason="other",
            expected_version=version,
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.ON_HOLD


def test_reopening_a_closed_case(counsellor, case) -> None:
    access = get_access(counsellor.user)
    services.change_case_status(
        access=access,
        actor=counsellor.user,
        case=case,
        status="closed",
        closure_reason="unreachable",
        expected_version=case.version,
    )
    case.refresh_from_db()
    assert_audited(
        "counselling.case.status_changed",
        target=case,
        actor=counsellor.user,
        client=case.client,
        details={"status": "closed", "reason": "unreachable"},
    )
    services.change_case_status(
        access=access, actor=counsellor.user, case=case, status="active", expected_version=case.version
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.ACTIVE and case.closed_on is None and case.closure_reason == ""
    assert_audited("counselling.case.status_changed", target=case, details={"status": "active"})


def test_a_known_client_whose_cases_are_closed_gets_a_new_case(counsellor, outsider, case) -> None:
    access = get_access(counsellor.user)
    with pytest.raises(DomainError, match="already has an open case"):
        services.reopen_or_open_case(access=access, actor=counsellor.user, client=case.client)
    with pytest.raises(NotAllowed):
        services.reopen_or_open_case(access=get_access(outsider.user), actor=outsider.user, client=case.client)
    services.change_case_status(
        access=access,
        actor=counsellor.user,
        case=case,
        status="closed",
        closure_reason="unreachable",
        expected_version=case.version,
    )
    new = services.reopen_or_open_case(access=access, actor=counsellor.user, client=case.client)
    assert new != case and new.client == case.client and new.counsellor == counsellor.user
    assert events(new) == ["case.opened"]
    assert_audited("counselling.case.opened", target=new, actor=counsellor.user, client=case.client, centre=case.centre)


def test_goal_added_and_moved(counsellor, case) -> None:
    access = get_access(counsellor.user)
    goal = services.add_goal(access=access, actor=counsellor.user, case=case, title="Finish welding course")
    services.set_goal_status(access=access, actor=counsellor.user, goal=goal, status="achieved", expected_version=1)
    goal.refresh_from_db()
    assert goal.status == "achieved" and goal.version == 2
    assert events(case) == ["goal.added", "goal.status"]
    assert_audited("counselling.goal.added", target=goal, actor=counsellor.user, client=case.client)
    assert_audited(
        "counselling.goal.updated",
        target=goal,
        actor=counsellor.user,
        centre=case.centre,
        details={"status": "achieved"},
    )
    with pytest.raises(DomainError):
        services.set_goal_status(access=access, actor=counsellor.user, goal=goal, status="nonsense", expected_version=2)


def test_second_change_to_a_goal_from_an_old_page_is_refused(counsellor, case, centre_a) -> None:
    """Two counsellors open the plan; the first moves the goal, the second is told and overwrites nothing."""
    colleague = MembershipFactory(role=Role.COUNSELLOR, centre=centre_a).user
    goal = services.add_goal(access=get_access(counsellor.user), actor=counsellor.user, case=case, title="Find work")
    seen_by_both = goal.version
    theirs = PlanGoal.objects.visible_to(get_access(colleague)).get(pk=goal.pk)  # the colleague's page

    services.set_goal_status(
        access=get_access(counsellor.user),
        actor=counsellor.user,
        goal=goal,
        status="achieved",
        expected_version=seen_by_both,
    )
    with pytest.raises(services.StaleVersion):
        services.set_goal_status(
            access=get_access(colleague), actor=colleague, goal=theirs, status="dropped", expected_version=seen_by_both
        )
    goal.refresh_from_db()
    assert goal.status == "achieved" and goal.version == seen_by_both + 1
    assert events(case).count("goal.status") == 1


def test_a_goal_changed_between_read_and_write_is_refused(counsellor, case) -> None:
    """The version is compared in the UPDATE itself: a change that lands after the read still wins alone."""
    access = get_access(counsellor.user)
    goal = services.add_goal(access=access, actor=counsellor.user, case=case, title="Find work")
    PlanGoal.objects.visible_to(access).filter(pk=goal.pk).update(status="in_progress", version=2)  # meanwhile
    with pytest.raises(services.StaleVersion):
        services.set_goal_status(access=access, actor=counsellor.user, goal=goal, status="dropped", expected_version=1)
    goal.refresh_from_db()
    assert goal.status == "in_progress"
