"""The one door: reads of personal data need a scope; each role sees what it should."""

from __future__ import annotations

import pytest

from counselling.models import Client
from portal.access import ScopeError, get_access, unscoped
from portal.models import AuditEvent, Membership, User
from tests.factories import ClientFactory


def test_reading_personal_data_without_a_scope_fails_loudly(db) -> None:
    with pytest.raises(ScopeError):
        list(Client.objects.all())
    with pytest.raises(ScopeError):
        Client.objects.filter(code="x").exists()
    with pytest.raises(ScopeError):
        AuditEvent.objects.count()
    with pytest.raises(ScopeError):
        Membership.objects.first()


def test_system_work_reads_inside_unscoped(centre_a) -> None:
    ClientFactory(centre=centre_a)
    with unscoped():
        assert Client.objects.count() == 1
    with pytest.raises(ScopeError):
        Client.objects.count()


def test_creating_needs_no_scope(centre_a) -> None:
    client = Client.objects.create(
        centre=centre_a, code="GH-AAA-000001", given_name="Ama", sex="female", target_group="local"
    )
    assert client.pk


def test_counsellor_sees_only_own_centre_clients(counsellor, outsider, centre_a, centre_b) -> None:
    mine = ClientFactory(centre=centre_a)
    theirs = ClientFactory(centre=centre_b)
    assert list(Client.objects.visible_to(counsellor.user)) == [mine]
    assert list(Client.objects.visible_to(outsider.user)) == [theirs]


def test_manager_sees_own_centre_clients_only(manager, centre_a, centre_b) -> None:
    mine = ClientFactory(centre=centre_a)
    ClientFactory(centre=centre_b)
    assert list(Client.objects.visible_to(manager.user)) == [mine]


@pytest.mark.parametrize(
    "role", ["country_coordinator", "programme_analyst", "partner", "employer", "editor", "returnee", "admin"]
)
def test_roles_without_casework_see_no_client(role, persona_for, centre_a) -> None:
    ClientFactory(centre=centre_a)
    assert not Client.objects.visible_to(persona_for(role).user).exists()


def test_anonymous_sees_nothing(centre_a) -> None:
    from django.contrib.auth.models import AnonymousUser

    ClientFactory(centre=centre_a)
    assert not Client.objects.visible_to(AnonymousUser()).exists()


def test_inactive_membership_gives_no_access(counsellor, centre_a) -> None:
    ClientFactory(centre=centre_a)
    with unscoped():
        Membership.objects.filter(pk=counsellor.membership.pk).update(is_active=False)
    fresh = User.objects.get(pk=counsellor.user.pk)
    assert not Client.objects.visible_to(fresh).exists()


def test_related_manager_of_a_scoped_object_is_allowed(counsellor, centre_a) -> None:
    ClientFactory(centre=centre_a)
    centre = centre_a
    # centre.clients is reached from an object, not a bare table scan.
    assert centre.clients.count() == 1


def test_access_is_loaded_once_per_user_object(counsellor, django_assert_num_queries) -> None:
    user = User.objects.get(pk=counsellor.user.pk)
    with django_assert_num_queries(1):
        get_access(user)
        get_access(user)
        Client.objects.visible_to(user)
