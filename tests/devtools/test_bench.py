"""Issue #9: the scale generator, the query counts that must not grow with data, and the benchmark end to end."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import override_settings

from counselling.models import CaseFile, Client, Session
from counselling.selectors import CaseloadFilter, list_caseload
from devtools.bench import runner
from devtools.bench.endpoints import ORDER_KEYS, prepare
from devtools.bench.names import ARABIC_FAMILY, ARABIC_GIVEN
from devtools.bench.seed import FOCUS_CENTRE, load_base, seed_base, seed_people
from jobfairs.models import Registration
from portal.access import get_access, unscoped
from portal.models import AuditEvent, User
from referrals.models import Referral, ReferralEvent

TODAY = dt.date(2026, 11, 20)
FLAT = ("E1", "E2", "E6", "E7")

pytestmark = pytest.mark.django_db


def _seed(clients: int) -> None:
    base = seed_base(seed=3, today=TODAY)
    seed_people(base=base, clients=clients, seed=3, today=TODAY, progress=False)


def test_seed_scale_writes_the_expected_rows():
    _seed(60)
    with unscoped():
        assert Client.objects.filter(centre__slug__startswith="bench-").count() == 60
        assert CaseFile.objects.filter(centre__slug__startswith="bench-").count() == 60
        sessions = Session.objects.filter(case__centre__slug__startswith="bench-").count()
        assert 59 * 3 + 50 <= sessions <= 59 * 7 + 50
        assert Referral.objects.filter(centre__slug__startswith="bench-").count() == 60
        assert ReferralEvent.objects.filter(referral__centre__slug__startswith="bench-").count() >= 60
        assert Registration.objects.filter(client__centre__slug__startswith="bench-").count() == 3
        assert AuditEvent.objects.filter(action="counselling.case.opened").count() == 60
        big = CaseFile.objects.get(client__code=f"EG-{FOCUS_CENTRE}-000001")
        assert big.sessions.count() == 50


def test_seeded_client_is_found_across_scripts():
    """A client written only in Latin letters is found by the same name in Arabic script, and the other way."""
    _seed(60)
    arabic = {latin: native for native, spellings in ARABIC_GIVEN + ARABIC_FAMILY for latin in spellings}
    with unscoped():
        candidates = Client.objects.filter(
            centre__slug__startswith="bench-", name_native="", cases__status__in=["open", "active", "on_hold"]
        ).select_related("centre")
        latin_only = next(c for c in candidates if c.given_name in arabic and c.family_name in arabic)
        native = (
            Client.objects.filter(centre__slug__startswith="bench-", cases__status__in=["open", "active"])
            .exclude(name_native="")
            .select_related("centre")
            .first()
        )
    searcher = User.objects.get(email=f"countrywide.{latin_only.centre.country_id.lower()}@bench.example")
    query = f"{arabic[latin_only.given_name]} {arabic[latin_only.family_name]}"
    found = list_caseload(access=get_access(searcher), filters=CaseloadFilter(q=query))
    assert latin_only.pk in {case.client_id for case in found}

    searcher = User.objects.get(email=f"countrywide.{native.centre.country_id.lower()}@bench.example")
    found = list_caseload(access=get_access(searcher), filters=CaseloadFilter(q=native.given_name))
    assert native.pk in {case.client_id for case in found}


def _query_counts() -> dict[str, int]:
    with override_settings(**runner._bench_settings()):
        endpoints = prepare(today=TODAY)
        return {key: runner.run_endpoint(endpoints[key], 1, log=lambda _m: None).queries for key in FLAT}


def test_query_counts_do_not_grow_with_data():
    base = seed_base(seed=5, today=TODAY)
    seed_people(base=base, clients=60, seed=5, today=TODAY, progress=False)
    small = _query_counts()
    seed_people(base=load_base(), clients=120, seed=6, today=TODAY, progress=False)  # 3× as many clients
    with unscoped():
        assert Client.objects.filter(centre__slug__startswith="bench-").count() == 180
    assert _query_counts() == small


def test_bench_runs_end_to_end_and_writes_json(tmp_path):
    _seed(30)
    document = runner.run(requests=2, log=lambda _m: None, pdf_in_process=True)
    path = tmp_path / "bench.json"
    runner.write_json(document, str(path))
    loaded = json.loads(path.read_text())
    assert set(ORDER_KEYS) <= set(loaded["endpoints"])
    for key in ORDER_KEYS:
        row = loaded["endpoints"][key]
        assert row["p95"] is not None, key
        assert row["p50"] is not None, key
    for key in ("E1", "E2", "E3", "E5", "E10", "E11"):
        assert loaded["endpoints"][key]["queries"] > 0
        assert loaded["endpoints"][key]["ratio_to_B2_B3"] is not None
    assert loaded["endpoints"]["E3"]["ratio_to_B5"] is not None
    assert loaded["endpoints"]["E12"]["pdf_bytes"] > 1000
    assert "E1" in runner.table(loaded)


def test_client_admin_search_is_for_the_bench_administrator_only_and_read_only(client):
    """B5's admin changelist, on the benchmark's own admin site: its administrator (a membership, not a
    superuser) searches it read-only; other staff are refused; the project's URLs have no such page."""
    _seed(20)
    url = "/bench-admin/counselling/client/"
    admin = User.objects.get(email="admin@bench.example")
    assert not admin.is_superuser and not admin.is_staff
    client.force_login(admin)
    with override_settings(**runner._bench_settings()):
        response = client.get(url, {"q": "EG-EG1-000001"})
        assert response.status_code == 200
        assert b"EG-EG1-000001" in response.content
        assert client.get(url + "add/").status_code == 403
        client.force_login(User.objects.get(email="manager.eg1@bench.example"))
        assert client.get(url).status_code == 302  # to the admin login, which refuses them
        assert client.get("/bench-admin/login/").status_code == 403
    client.force_login(admin)
    assert client.get(url, {"q": "EG-EG1-000001"}, follow=True).status_code == 404
    assert client.get("/django-admin/counselling/client/", {"q": "EG-EG1-000001"}, follow=True).status_code == 404
