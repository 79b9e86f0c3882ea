"""Every URL of the project, for every role: the status each one must get.

Walks the URL configuration. A pattern of ours with no row in MATRIX makes
the suite fail, so a new view cannot land without saying who may open it.
Third-party URL trees (allauth, Django admin, Wagtail admin) are covered as
groups: each group names representative URLs, also walked for every role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.access import Role
from portal.emails import invitation_token
from portal.models import Membership, StaffInvitation
from tests.factories import UserFactory

ROLES = [
    "anonymous",
    "returnee",
    "counsellor",
    "centre_manager",
    "country_coordinator",
    "programme_analyst",
    "partner",
    "employer",
    "editor",
    "admin",
]
STAFF = [r for r in ROLES if r not in ("anonymous", "returnee")]
TEAM_MANAGERS = ["centre_manager", "country_coordinator", "admin"]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, *, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    row = dict.fromkeys(ROLES, status)
    row["anonymous"] = anonymous
    row.update(overrides)
    return row


def only(roles: list[str], status: int = 200, *, others: int = 404) -> dict[str, int]:
    row = dict.fromkeys(ROLES, others)
    row["anonymous"] = 302
    row.update(dict.fromkeys(roles, status))
    return row


def pending_invitation_kwargs(request: pytest.FixtureRequest) -> dict[str, str]:
    centre_a = request.getfixturevalue("centre_a")
    user = UserFactory(password=None)
    user.set_unusable_password()
    user.save()
    membership = Membership.objects.create(user=user, role=Role.COUNSELLOR, centre=centre_a, is_active=False)
    invitation = StaffInvitation.objects.create(email=user.email, full_name="New Person", membership=membership)
    return {"token": invitation_token(invitation)}


CASEWORKERS = ["counsellor", "centre_manager"]


def _case_in_centre_a(request: pytest.FixtureRequest):
    from tests.factories import CaseFactory, ClientFactory

    centre_a = request.getfixturevalue("centre_a")
    return CaseFactory(client=ClientFactory(centre=centre_a))


def case_kwargs(request: pytest.FixtureRequest) -> dict:
    return {"public_id": _case_in_centre_a(request).public_id}


def client_kwargs(request: pytest.FixtureRequest) -> dict:
    return {"public_id": _case_in_centre_a(request).client.public_id}


def goal_kwargs(request: pytest.FixtureRequest) -> dict:
    from counselling.models import PlanGoal

    return {"public_id": PlanGoal.objects.create(case=_case_in_centre_a(request), title="Goal").public_id}


def follow_up_kwargs(request: pytest.FixtureRequest) -> dict:
    import datetime as dt

    from counselling.models import FollowUp

    case = _case_in_centre_a(request)
    user = request.getfixturevalue("counsellor").user
    item = FollowUp.objects.create(case=case, title="Call", due_on=dt.date.today(), assigned_to=user, created_by=user)
    return {"public_id": item.public_id}


def consent_kwargs(request: pytest.FixtureRequest) -> dict:
    from counselling.models import Consent

    case = _case_in_centre_a(request)
    user = request.getfixturevalue("counsellor").user
    consent = Consent.objects.create(client=case.client, purpose="follow_up", method="signed", recorded_by=user)
    return {"public_id": consent.public_id}


def document_kwargs(request: pytest.FixtureRequest) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from counselling.services import upload_document
    from portal.access import get_access

    case = _case_in_centre_a(request)
    user = request.getfixturevalue("counsellor").user
    upload = SimpleUploadedFile("cv.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    document = upload_document(access=get_access(user), actor=user, case=case, kind="cv", upload=upload)
    return {"public_id": document.public_id}


def transfer_kwargs(request: pytest.FixtureRequest) -> dict:
    from counselling.models import Transfer
    from tests.factories import CaseFactory, ClientFactory

    centre_b = request.getfixturevalue("centre_b")
    centre_a = request.getfixturevalue("centre_a")
    case = CaseFactory(client=ClientFactory(centre=centre_b))
    user = request.getfixturevalue("outsider").user
    transfer = Transfer.objects.create(
        case=case, from_centre=centre_b, to_centre=centre_a, reason="Moved", requested_by=user
    )
    return {"public_id": transfer.public_id}


def casework(status: int = 200) -> dict[str, int]:
    return only(CASEWORKERS, status)


# URL name -> (kwargs factory or None, {role: expected status})
MATRIX: dict[str, tuple[Callable[[pytest.FixtureRequest], dict] | None, dict[str, int]]] = {
    "healthz": (None, everyone(200)),
    "set_language": (None, everyone(302)),
    "portal:home": (None, everyone(200)),
    "portal:staff-home": (None, signed_in(200, returnee=302)),
    "portal:me": (None, signed_in(200)),
    "portal:staff-list": (None, only(TEAM_MANAGERS)),
    "portal:staff-invite": (None, only(TEAM_MANAGERS)),
    "portal:invitation-accept": (pending_invitation_kwargs, everyone(200)),
    "counselling:case-list": (None, casework()),
    "counselling:case-detail": (case_kwargs, casework()),
    "counselling:session-create": (case_kwargs, casework()),
    "counselling:case-status": (case_kwargs, casework()),
    "counselling:goal-create": (case_kwargs, casework()),
    "counselling:follow-up-create": (case_kwargs, casework()),
    "counselling:document-create": (case_kwargs, casework()),
    "counselling:transfer-create": (case_kwargs, casework()),
    "counselling:client-create": (None, casework()),
    "counselling:client-edit": (client_kwargs, casework()),
    "counselling:case-open": (client_kwargs, casework(405)),
    "counselling:consent-create": (client_kwargs, casework()),
    "counselling:consent-withdraw": (consent_kwargs, casework(405)),
    "counselling:goal-status": (goal_kwargs, casework(405)),
    "counselling:follow-up-list": (None, casework()),
    "counselling:follow-up-done": (follow_up_kwargs, casework(405)),
    "counselling:document-download": (document_kwargs, casework()),
    "counselling:transfer-list": (None, only(["centre_manager"])),
    "counselling:transfer-decide": (transfer_kwargs, only(["centre_manager"])),
    "counselling:group-session-list": (None, casework()),
    "counselling:group-session-create": (None, casework()),
}

# Third-party URL trees: (route prefix, representative URL names and their rows).
GROUPS: dict[str, list[tuple[str, dict[str, int]]]] = {
    "accounts/": [
        ("account_login", signed_in(302, anonymous=200)),
        ("account_signup", signed_in(302, anonymous=200)),
        ("account_reset_password", everyone(200)),
        ("account_change_password", signed_in(200)),
        ("account_email", signed_in(200)),
        ("mfa_index", signed_in(200)),
        ("usersessions_list", signed_in(200)),
    ],
    "django-admin/": [
        ("admin:index", signed_in(302, admin=200)),
    ],
    "cms-admin/": [
        ("wagtailadmin_home", signed_in(302, admin=200)),
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
    url = reverse(name, kwargs=factory(request) if factory else None)
    response = client.get(url)
    response.close()  # file responses hold their file open until closed
    assert response.status_code == _expected(name, role), f"{role} GET {url}"
