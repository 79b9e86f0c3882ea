"""`seed_demo` is idempotent and `demo_accounts --json` keeps its contract."""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command

from counselling.models import Client
from portal.access import unscoped
from portal.models import Centre, Country
from tests.conftest import rows_for_the_module

ROLES = {
    "counsellor",
    "centre_manager",
    "country_coordinator",
    "programme_analyst",
    "partner",
    "employer",
    "editor",
    "admin",
    "dpo",
    "returnee",
}


def _seed() -> list[dict]:
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_accounts", "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def _seeded_once(django_db_setup, django_db_blocker, tmp_path_factory):
    with rows_for_the_module(django_db_blocker, tmp_path_factory, _seed) as accounts:
        yield accounts


@pytest.fixture
def seeded(_seeded_once, db) -> list[dict]:
    return _seeded_once


def test_seed_creates_countries_centres_and_clients_in_their_scripts(seeded) -> None:
    assert Country.objects.count() == 15
    per_country = defaultdict(int)
    for centre in Centre.objects.all():
        per_country[centre.country_id] += 1
    assert all(per_country[code] >= 2 for code in ("GH", "RS", "MA", "PK"))
    assert all(per_country[code] >= 1 for code in Country.objects.exclude(code="DE").values_list("code", flat=True))
    with unscoped():
        assert Client.objects.count() >= 300
        native = set(Client.objects.exclude(name_native="").values_list("name_native", flat=True))
    assert any("\u0600" <= ch <= "\u06ff" for name in native for ch in name)  # Arabic / Urdu script
    with unscoped():
        assert Client.objects.filter(family_name__in=["Jovanović", "Petrović", "Đorđević"]).exists()


def test_seed_is_idempotent(seeded) -> None:
    with unscoped():
        before = Client.objects.count()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    with unscoped():
        assert Client.objects.count() == before
    assert "'users': 0" in out.getvalue()
    assert "'clients': 0" in out.getvalue()


def test_demo_accounts_json_has_two_of_every_role_in_different_places(seeded) -> None:
    by_role = defaultdict(list)
    for row in seeded:
        assert set(row) == {"email", "password", "role", "centre", "country", "organisation", "totp_secret"}
        assert row["role"] in ROLES
        by_role[row["role"]].append(row)
    assert set(by_role) == ROLES
    for role, rows in by_role.items():
        assert len(rows) >= 2, role
        places = {(r["centre"], r["country"], r["organisation"], r["email"]) for r in rows}
        assert len(places) == len(rows)
    assert len({r["centre"] for r in by_role["counsellor"]}) >= 2
    assert len({r["organisation"] for r in by_role["partner"]}) >= 2
    assert len({r["organisation"] for r in by_role["employer"]}) >= 2


def test_every_staff_demo_account_has_a_working_totp_secret(seeded, client) -> None:
    from allauth.mfa.totp.internal.auth import validate_totp_code

    from devtools.demo.portal import current_totp

    for row in seeded:
        if row["role"] == "returnee":
            assert row["totp_secret"] is None
            continue
        base64.b32decode(row["totp_secret"])
        assert validate_totp_code(row["totp_secret"], current_totp(row["totp_secret"]))


def test_demo_counsellor_can_sign_in_with_password_and_totp(seeded, client) -> None:
    from devtools.demo.portal import current_totp

    row = next(r for r in seeded if r["role"] == "counsellor")
    response = client.post("/en/accounts/login/", {"login": row["email"], "password": row["password"]})
    assert response["Location"] == "/en/accounts/2fa/authenticate/"
    response = client.post("/en/accounts/2fa/authenticate/", {"code": current_totp(row["totp_secret"])})
    assert response.status_code == 302
    assert client.get("/en/staff/").status_code == 200
