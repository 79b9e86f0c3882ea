"""Finding 13: pages with personal data had no `Cache-Control` (issue #15).

Every answer to a signed-in person (staff, partner, employer and returnee pages, exports, PDFs, files) is
`private, no-store`, whatever the view said; anonymous information pages keep their public caching
(cms/cache.py), and an anonymous answer that says nothing about caching is not stored either.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import CaseFactory, ClientFactory


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def _private_no_store(response) -> bool:
    directives = _directives(response)
    return {"private", "no-store"} <= directives and "public" not in directives


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("counsellor", lambda: reverse("counselling:case-list")),
        ("counsellor", lambda: reverse("portal:staff-home")),
        ("manager", lambda: reverse("portal:staff-list")),
        ("manager", lambda: reverse("portal:audit-log")),
        ("partner", lambda: reverse("referrals:partner-inbox")),
        ("employer", lambda: reverse("portal:staff-home")),
        ("returnee", lambda: reverse("returnees:dashboard")),
        ("returnee", lambda: reverse("portal:me")),
        ("returnee", lambda: reverse("account_email")),
        ("admin_user", lambda: "/cms-admin/"),
    ],
)
def test_signed_in_pages_are_private_and_never_stored(request, persona, url) -> None:
    client = Client()
    client.force_login(request.getfixturevalue(persona).user)
    response = client.get(url())
    assert response.status_code in (200, 302), response.status_code
    assert _private_no_store(response), response.get("Cache-Control")


def test_a_case_page_is_private_and_never_stored(client, counsellor) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    client.force_login(counsellor.user)
    response = client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id}))
    assert response.status_code == 200
    assert _private_no_store(response)


def test_publicly_cacheable_answers_turn_private_for_signed_in_people(client, returnee) -> None:
    """robots.txt is `public, max-age` for everyone else; a signed-in answer is never shared or kept."""
    assert "public" in _directives(Client().get("/robots.txt"))
    client.force_login(returnee.user)
    response = client.get("/robots.txt")
    assert _private_no_store(response)
    assert not any(d.startswith(("max-age=3", "s-maxage")) for d in _directives(response))


def test_anonymous_forms_are_not_stored(client, db) -> None:
    assert _private_no_store(client.get(reverse("account_login")))
