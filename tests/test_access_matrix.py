"""Every URL of the project, for every role: the status each one must get.

Walks the URL configuration. A pattern of ours with no row in MATRIX makes
the suite fail, so a new view cannot land without saying who may open it.
Third-party URL trees (allauth, Django admin, Wagtail admin) are covered as
groups: each group names representative URLs, also walked for every role.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.access import Role
from portal.emails import invitation_token
from portal.models import Membership, StaffInvitation, User
from tests.access import ROLES, TEAM_MANAGERS, everyone, only, signed_in


def _employer_home_status() -> int:
    from django.urls import NoReverseMatch

    try:
        reverse("jobfairs:employer-dashboard")
    except NoReverseMatch:
        return 200
    return 302


def pending_invitation_kwargs(request: pytest.FixtureRequest) -> dict[str, str]:
    centre_a = request.getfixturevalue("centre_a")
    # As invite_staff makes it: a new account with no address, password or phone until the invitee accepts.
    user = User(email=None, full_name="New Person")
    user.set_unusable_password()
    user.save()
    membership = Membership.objects.create(user=user, role=Role.COUNSELLOR, centre=centre_a, is_active=False)
    invitation = StaffInvitation.objects.create(
        email="new.person@example.org", full_name="New Person", membership=membership
    )
    return {"token": invitation_token(invitation)}


# URL name -> (kwargs factory or None, {role: expected status})
MATRIX: dict[str, tuple[Callable[[pytest.FixtureRequest], dict] | None, dict[str, int]]] = {
    "healthz": (None, everyone(200)),
    "set_language": (None, everyone(302)),
    "portal:home": (None, everyone(200)),
    # Partners and employers are sent on to their own area.
    "portal:staff-home": (None, signed_in(200, returnee=302, partner=302, employer=_employer_home_status())),
    "portal:me": (None, signed_in(200)),
    "portal:staff-list": (None, only(TEAM_MANAGERS)),
    "portal:staff-invite": (None, only(TEAM_MANAGERS)),
    # The counsellor's own role: the counsellor may not end it (404), their managers may.
    "portal:staff-membership-end": (
        lambda request: {"public_id": request.getfixturevalue("counsellor").user.memberships.get().public_id},
        only(TEAM_MANAGERS),
    ),
    "portal:invitation-accept": (pending_invitation_kwargs, everyone(200)),
    "portal:audit-log": (None, only(["centre_manager", "country_coordinator", "dpo"])),
    # Wagtail's front end: pages (none at this path), its own login (sent to the portal's), page passwords.
    "wagtail_serve": (lambda request: {"args": ["no-such-page/"]}, everyone(404)),
    "wagtailcore_login": (None, everyone(302)),
    "wagtailcore_authenticate_with_password": (
        lambda request: {"page_view_restriction_id": 999999, "page_id": 999999},
        everyone(404),
    ),
}

# Each app keeps its own rows in tests/<app>/access_rows.py (ROWS, same shape as MATRIX).
for _module in sorted(Path(__file__).parent.glob("*/access_rows.py")):
    MATRIX.update(importlib.import_module(f"tests.{_module.parent.name}.access_rows").ROWS)

# Third-party URL trees: (route prefix, representative URL names and their rows).
GROUPS: dict[str, list[tuple[str, dict[str, int]]]] = {
    "accounts/": [
        ("account_login", signed_in(302, anonymous=200)),
        ("account_signup", signed_in(302, anonymous=200)),
        ("account_reset_password", everyone(200)),
        ("account_change_password", signed_in(200)),
        ("account_email", signed_in(200)),
        ("mfa_index", signed_in(200)),
        ("mfa_list_webauthn", signed_in(200)),
        ("usersessions_list", signed_in(200)),
    ],
    "django-admin/": [
        ("admin:index", signed_in(302, admin=200)),
    ],
    "cms-admin/": [
        # Editors get in through their country's group (cms/services.py; not given to the persona here).
        # Administrators hold no Wagtail permission: they are no superusers (issue #15).
        ("wagtailadmin_home", signed_in(302)),
    ],
}


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield prefix + str(entry.pattern), name


def _group_of(route: str) -> str | None:
    bare = route.split("/", 1)[1] if route.startswith("^") or route.startswith("<") else route
    for prefix in GROUPS:
        if route.startswith(prefix) or bare.startswith(prefix):
            return prefix
    return None


def test_every_url_pattern_has_a_row() -> None:
    """A pattern that is neither in MATRIX nor inside a covered third-party tree fails."""
    missing = []
    for route, name in _walk(get_resolver().url_patterns):
        if name in MATRIX or _group_of(route.removeprefix("en/")) is not None:
            continue
        # i18n_patterns render their prefix as a LocalePrefixPattern ("en/").
        missing.append(f"{route} (name={name or '-'})")
    assert not missing, "URL patterns with no row in the access matrix:\n" + "\n".join(sorted(set(missing)))


def test_every_row_names_a_real_url() -> None:
    names = {name for _route, name in _walk(get_resolver().url_patterns)}
    stale = [name for name in MATRIX if name not in names]
    assert not stale, f"rows for URLs that no longer exist: {stale}"


CASES = [(name, role) for name in MATRIX for role in ROLES] + [
    (name, role) for rows in GROUPS.values() for name, _row in rows for role in ROLES
]


def _expected(name: str, role: str) -> int:
    if name in MATRIX:
        return MATRIX[name][1][role]
    for rows in GROUPS.values():
        for row_name, row in rows:
            if row_name == name:
                return row[role]
    raise KeyError(name)


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
def test_role_gets_expected_status(
    name: str, role: str, client, db, persona_for, request: pytest.FixtureRequest
) -> None:
    persona = persona_for(role)
    if persona is not None:
        client.force_login(persona.user)
    factory = MATRIX[name][0] if name in MATRIX else None
    arguments = factory(request) if factory else {}
    url = reverse(name, args=arguments.pop("args", None), kwargs=arguments or None)
    response = client.get(url)
    response.close()  # file responses hold their file open until closed
    assert response.status_code == _expected(name, role), f"{role} GET {url}"
