"""Ending a role in the portal (issue #17: roles are managed in the portal, audited, never in the shell): a
manager ends a counsellor's role or withdraws an invitation; nobody ends their own role or the last
administrator's; the person loses access at their next request."""

from __future__ import annotations

import pytest
from allauth.usersessions.models import UserSession
from django.http import Http404
from django.test import Client
from django.urls import reverse

from portal.access import Role, get_access, unscoped
from portal.audit import PortalAudit
from portal.errors import DomainError
from portal.models import Membership, StaffInvitation, User
from portal.services import end_membership
from tests.audit import assert_audited
from tests.conftest import Persona
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _end_url(membership: Membership | None) -> str:
    assert membership is not None
    return reverse("portal:staff-membership-end", kwargs={"public_id": membership.public_id})


def test_a_manager_ends_a_counsellors_role_and_the_counsellor_loses_the_case_list_at_once(
    client: Client, manager: Persona, counsellor: Persona
) -> None:
    counsellors_browser = Client()
    counsellors_browser.force_login(counsellor.user)
    assert counsellors_browser.get(reverse("counselling:case-list")).status_code == 200

    client.force_login(manager.user)
    team = client.get(reverse("portal:staff-list")).content.decode()
    assert _end_url(counsellor.membership) in team
    assert _end_url(manager.membership) not in team  # never one's own
    confirm = client.get(_end_url(counsellor.membership))
    assert confirm.status_code == 200 and "Counsellor Persona" in confirm.content.decode()

    response = client.post(_end_url(counsellor.membership))

    assert response.status_code == 302 and response["Location"] == reverse("portal:staff-list")
    with unscoped():
        ended = Membership.objects.get(pk=counsellor.membership.pk)
    assert not ended.is_active and ended.ended_at is not None
    assert counsellors_browser.get(reverse("counselling:case-list")).status_code in (302, 403, 404)
    assert "Ended" in client.get(reverse("portal:staff-list")).content.decode()
    event = assert_audited(PortalAudit.STAFF_MEMBERSHIP_ENDED, actor=manager.user)[0]
    assert event.details["role"] == Role.COUNSELLOR and event.details["invitation_withdrawn"] is False


def test_without_another_role_the_persons_sessions_end(manager: Persona, counsellor: Persona) -> None:
    UserSession.objects.create(user=counsellor.user, session_key="s" * 32, ip="192.0.2.1", user_agent="test")

    end_membership(access=get_access(manager.user), actor=manager.user, public_id=counsellor.membership.public_id)

    assert not UserSession.objects.filter(user=counsellor.user).exists()


def test_nobody_ends_their_own_role(client: Client, manager: Persona) -> None:
    with pytest.raises(DomainError, match="your own role"):
        end_membership(access=get_access(manager.user), actor=manager.user, public_id=manager.membership.public_id)
    client.force_login(manager.user)
    assert client.post(_end_url(manager.membership)).status_code == 404
    with unscoped():
        assert Membership.objects.get(pk=manager.membership.pk).is_active


def test_a_manager_of_another_centre_sees_no_such_role(
    client: Client, outsider_manager: Persona, counsellor: Persona
) -> None:
    client.force_login(outsider_manager.user)
    assert client.post(_end_url(counsellor.membership)).status_code == 404
    with unscoped():
        assert Membership.objects.get(pk=counsellor.membership.pk).is_active


def test_a_manager_cannot_end_a_coordinators_role(manager: Persona, coordinator: Persona) -> None:
    with pytest.raises(Http404):  # outside the manager's team: unknown, not forbidden
        end_membership(access=get_access(manager.user), actor=manager.user, public_id=coordinator.membership.public_id)
    with unscoped():
        assert Membership.objects.get(pk=coordinator.membership.pk).is_active


def test_an_administrator_ends_another_administrators_role_but_never_their_own(admin_user: Persona) -> None:
    """Only an administrator ends an administrator's role, and never their own: one always remains."""
    second = MembershipFactory(user=UserFactory(), role=Role.ADMIN)

    end_membership(access=get_access(second.user), actor=second.user, public_id=admin_user.membership.public_id)

    with pytest.raises(DomainError, match="your own role"):
        end_membership(access=get_access(second.user), actor=second.user, public_id=second.public_id)
    with unscoped():
        assert list(Membership.objects.filter(role=Role.ADMIN, is_active=True)) == [second]


def test_ending_an_invitation_withdraws_its_link(client: Client, manager: Persona, centre_a) -> None:
    user = User(email=None, full_name="New Person")  # as invite_staff makes it
    user.set_unusable_password()
    user.save()
    membership = MembershipFactory(user=user, role=Role.COUNSELLOR, centre=centre_a, is_active=False)
    invitation = StaffInvitation.objects.create(email="new.person@example.org", full_name="New", membership=membership)
    from portal.emails import invitation_token

    link = reverse("portal:invitation-accept", kwargs={"token": invitation_token(invitation)})
    assert Client().get(link).status_code == 200

    client.force_login(manager.user)
    assert "Withdraw invitation" in client.get(reverse("portal:staff-list")).content.decode()
    client.post(_end_url(membership))

    assert Client().get(link).status_code == 400
    answer = Client().post(link, {"password1": "a long new passphrase 1", "password2": "a long new passphrase 1"})
    assert answer.status_code == 400
    assert not get_access(user).has_membership
    event = assert_audited(PortalAudit.STAFF_MEMBERSHIP_ENDED, actor=manager.user)[0]
    assert event.details["invitation_withdrawn"] is True


def test_a_role_already_ended_cannot_be_ended_twice(manager: Persona, counsellor: Persona, client: Client) -> None:
    access = get_access(manager.user)
    end_membership(access=access, actor=manager.user, public_id=counsellor.membership.public_id)
    with pytest.raises(DomainError, match="already been ended"):
        end_membership(access=access, actor=manager.user, public_id=counsellor.membership.public_id)
    client.force_login(manager.user)
    assert client.get(_end_url(counsellor.membership)).status_code == 404


def test_the_team_list_keeps_its_query_count_as_it_grows(
    client: Client, manager: Persona, centre_a, django_assert_max_num_queries
) -> None:
    client.force_login(manager.user)
    client.get(reverse("portal:staff-list"))
    for _ in range(3):
        MembershipFactory(user=UserFactory(), role=Role.COUNSELLOR, centre=centre_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:staff-list"))
    for _ in range(20):
        MembershipFactory(user=UserFactory(), role=Role.COUNSELLOR, centre=centre_a)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("portal:staff-list"))
    assert len(many) == len(few)
