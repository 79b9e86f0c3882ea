"""Editor scoping: a country's editors edit its subtree in every language, nothing else."""

from __future__ import annotations

import pytest

from cms.models import CentrePage, CountryPage, InformationPage, Topic
from cms.services import grant_editor_access, sync_editor_group
from portal.access import Role
from tests.audit import assert_audited
from tests.factories import CentreFactory, CountryFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def countries(home, add_page, translate):
    ghana = add_page(home, CountryPage, title="Ghana", slug="ghana", country=CountryFactory(code="GH"))
    serbia = add_page(home, CountryPage, title="Serbia", slug="serbia", country=CountryFactory(code="RS"))
    info = add_page(ghana, InformationPage, title="Safe ways", slug="safe", topic=Topic.REGULAR_MIGRATION, body=[])
    add_page(serbia, CentrePage, title="Beograd", slug="beograd", centre=CentreFactory(country=serbia.country))
    translate(home, ["fr"])
    translate(ghana, ["fr"])
    translate(info, ["fr"])
    return ghana, serbia, info


def test_editor_of_ghana_edits_the_ghana_subtree_in_every_language_not_serbia(countries, editor) -> None:
    ghana, serbia, info = countries
    sync_editor_group(user=editor.user)

    assert ghana.permissions_for_user(editor.user).can_edit()
    assert info.permissions_for_user(editor.user).can_edit()
    assert info.permissions_for_user(editor.user).can_publish()
    french_info = info.get_translation(info.locale.__class__.objects.get(language_code="fr"))
    assert french_info.permissions_for_user(editor.user).can_edit()
    assert not serbia.permissions_for_user(editor.user).can_edit()
    assert not serbia.get_children().first().permissions_for_user(editor.user).can_edit()
    assert not ghana.get_parent().permissions_for_user(editor.user).can_edit()
    assert editor.user.has_perm("wagtailadmin.access_admin")


def test_grant_editor_access_is_idempotent_and_audited(countries) -> None:
    ghana = countries[0]
    group = grant_editor_access(country=ghana.country)
    first = group.page_permissions.count()
    assert first == 2 * 3  # two locales of the Ghana page, three permissions
    assert_audited(
        "cms.editor_access.granted",
        actor=False,
        details={"country": ghana.country.code, "group": group.pk, "permissions_added": first},
    )

    grant_editor_access(country=ghana.country)

    assert group.page_permissions.count() == first
    assert_audited("cms.editor_access.granted", count=1)  # nothing added, no second line


def test_an_editor_who_leaves_loses_the_group(countries) -> None:
    user = UserFactory()
    membership = MembershipFactory(user=user, role=Role.EDITOR, country=countries[0].country)
    sync_editor_group(user=user)
    assert user.groups.filter(name="Editors GH").exists()

    membership.is_active = False
    membership.save()
    sync_editor_group(user=user)

    assert not user.groups.exists()
