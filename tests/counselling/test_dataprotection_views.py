"""Data-subject request screens (search, the request, JSON and PDF export, erasure) and the retention status:
counselling/dataprotection/views.py. The services behind them: tests/counselling/test_dataprotection.py."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given

from counselling.models import CaseFile, Client
from portal.access import Role, unscoped
from tests.audit import assert_audited
from tests.conftest import _member
from tests.factories import TEST_PASSWORD, CaseFactory, ClientFactory, SessionFactory
from tests.reports.test_builds import pdf_text
from tests.test_fuzz_forms import FUZZ, NASTY

NAME_AR = "أمينة حداد"
SUMMARY_AR = "تحدثنا عن العمل في ألمانيا"


@pytest.fixture
def amina(counsellor):
    client = ClientFactory(
        centre=counsellor.centre,
        given_name="Amina",
        family_name="Haddad",
        name_native=NAME_AR,
        phone="+233241234567",
        sex="female",
        target_group="returnee_de",
    )
    case = CaseFactory(client=client, counsellor=counsellor.user)
    SessionFactory(case=case, counsellor=counsellor.user, summary="Talked about a welding course")
    SessionFactory(case=case, counsellor=counsellor.user, summary=SUMMARY_AR, confidential_notes="Fears for her safety")
    return client


@pytest.fixture
def dpo_b(country_b):
    """The data-protection officer of the other country."""
    return _member(Role.DATA_PROTECTION_OFFICER, country=country_b)


@pytest.fixture
def dpo_hq(db):
    """A data-protection officer for the whole programme (a membership without a country)."""
    return _member(Role.DATA_PROTECTION_OFFICER)


def _reauthenticated(client, persona, url: str):
    client.force_login(persona.user)
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    client.post(response["Location"], {"password": TEST_PASSWORD})
    return client


def _url(name: str, client: Client) -> str:
    return reverse(f"counselling:{name}", kwargs={"public_id": client.public_id})


# --- Data-subject requests ----------------------------------------------------------------


def test_dpo_finds_the_client_by_name_in_any_script_and_the_search_is_audited(client, dpo, amina, outsider) -> None:
    ClientFactory(centre=outsider.centre, given_name="Amina", family_name="Haddad")
    client.force_login(dpo.user)
    response = client.get(reverse("counselling:dsr-search"), {"q": NAME_AR})
    assert list(response.context["clients"]) == [amina]
    assert [c.pk for c in client.get(reverse("counselling:dsr-search"), {"q": "Amina Haddad"}).context["clients"]] == [
        amina.pk
    ]
    searched = assert_audited("portal.dsr.searched", actor=dpo.user, count=2)
    assert searched[0].details == {"results": 1}  # never the name typed


def test_search_refuses_markup_with_a_clear_error(client, dpo) -> None:
    client.force_login(dpo.user)
    response = client.get(reverse("counselling:dsr-search"), {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "Remove the HTML" in response.content.decode()
    assert response.context["clients"] == []


def test_search_query_count_is_flat(client, dpo, amina, django_assert_num_queries) -> None:
    client.force_login(dpo.user)
    url = reverse("counselling:dsr-search")
    client.get(url, {"q": "Haddad"})  # warm the session and the access cache
    with django_assert_num_queries(SEARCH_QUERIES):
        assert len(client.get(url, {"q": "Haddad"}).context["clients"]) == 1
    for _ in range(20):
        ClientFactory(centre=amina.centre, given_name="Amina", family_name="Haddad")
    with django_assert_num_queries(SEARCH_QUERIES):
        assert len(client.get(url, {"q": "Haddad"}).context["clients"]) == 21


# session, user, memberships, MFA check, the search, the audit line
SEARCH_QUERIES = 6


def test_request_page_shows_counts_never_the_case_content(client, dpo, amina) -> None:
    client.force_login(dpo.user)
    response = client.get(_url("dsr-detail", amina))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["holdings"].sessions == 2
    assert "welding" not in html and "safety" not in html and SUMMARY_AR not in html
    assert f"{reverse('portal:audit-log')}?client_code={amina.code}" in html  # who saw this client's case?
    assert_audited("portal.dsr.opened", target=amina)


def test_programme_wide_dpo_handles_every_country(client, dpo_hq, amina, outsider) -> None:
    other = ClientFactory(centre=outsider.centre)
    client.force_login(dpo_hq.user)
    assert client.get(_url("dsr-detail", amina)).status_code == 200
    assert client.get(_url("dsr-detail", other)).status_code == 200


@pytest.mark.parametrize("name", ["dsr-detail", "dsr-export-json", "dsr-export-pdf", "dsr-erase"])
@pytest.mark.parametrize("persona", ["dpo_b", "outsider_manager", "counsellor", "coordinator"])
def test_outsiders_get_404_for_a_request(client, amina, name: str, persona: str, request) -> None:
    user = request.getfixturevalue(persona).user
    client.force_login(user)
    url = _url(name, amina)
    # Past re-authentication too: the answer is 404 whatever the password.
    response = client.get(url)
    if response.status_code == 302:
        client.post(response["Location"], {"password": TEST_PASSWORD})
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "erasure_request", "confirm": amina.code}).status_code in (404, 405)
    with unscoped():
        assert Client.objects.get(pk=amina.pk).anonymised_at is None


def test_dpo_downloads_the_json_export_after_password(client, dpo, amina) -> None:
    url = _url("dsr-export-json", amina)
    response = _reauthenticated(client, dpo, url).get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    data = response.json()
    assert data["client"]["name_native"] == NAME_AR
    # The officer's copy leaves the confidential note out and says so (SECURITY.md, "Roles").
    assert "Fears for her safety" not in response.content.decode()
    assert data["confidential_notes_withheld"]["count"] == 1
    assert assert_audited("counselling.client.exported", actor=dpo.user)[0].details == {
        "format": "json",
        "notes_withheld": 1,
        "client": amina.pk,
    }


@pytest.mark.parametrize("language", ["en", "ar"])
def test_pdf_export_holds_the_name_and_sessions_in_the_language(client, dpo, amina, language, tmp_path) -> None:
    url = _url("dsr-export-pdf", amina)
    response = _reauthenticated(client, dpo, url).get(url, {"lang": language})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{amina.code}.pdf"'
    path = Path(tmp_path) / "export.pdf"
    path.write_bytes(response.content)
    text = pdf_text(path)
    for expected in ("Amina", "Haddad", amina.code, "welding course"):
        assert expected in text
    assert "Fears for her safety" not in text  # the officer's copy withholds confidential notes
    # Arabic runs come out in reading order, whatever the page's direction. (pdftotext drops the
    # alef with hamza that Naskh's Arabic shaping draws as two glyphs, so the words checked avoid it.)
    assert "حداد" in text and "تحدثنا عن العمل في" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=False).stdout
    if language == "ar":
        assert "Naskh" in fonts
    assert assert_audited("counselling.client.exported", actor=dpo.user)[0].details == {
        "format": "pdf",
        "lang": language,
        "notes_withheld": 1,
        "client": amina.pk,
    }


def test_erasure_needs_a_reason_and_the_code_and_is_audited(client, dpo, amina) -> None:
    url = _url("dsr-erase", amina)
    _reauthenticated(client, dpo, url)
    response = client.post(url, {"reason": "erasure_request", "confirm": "WRONG"})
    assert response.status_code == 200 and "does not match" in response.content.decode()
    response = client.post(url, {"reason": "because", "confirm": amina.code})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    with unscoped():
        assert Client.objects.get(pk=amina.pk).anonymised_at is None
    response = client.post(url, {"reason": "consent_withdrawn", "confirm": amina.code.lower()})
    assert response.status_code == 302 and response["Location"] == _url("dsr-detail", amina)
    with unscoped():
        erased = Client.objects.get(pk=amina.pk)
    assert erased.anonymised_at is not None and erased.given_name == "—" and erased.name_native == ""
    (event,) = assert_audited("counselling.client.anonymised", actor=dpo.user)
    assert event.details == {"reason": "consent_withdrawn", "client": amina.pk}
    # A second visit says it is done, and erases nothing twice.
    response = client.get(url)
    assert response.status_code == 302
    assert_audited("counselling.client.anonymised", count=1)


def test_manager_handles_requests_of_their_centre_only(client, manager, amina, outsider) -> None:
    other = ClientFactory(centre=outsider.centre)
    client.force_login(manager.user)
    assert client.get(_url("dsr-detail", amina)).status_code == 200
    assert client.get(_url("dsr-detail", other)).status_code == 404


# --- Retention status ---------------------------------------------------------------------


def _closed_case(centre, *, days_ago: int):
    case = CaseFactory(client=ClientFactory(centre=centre))
    with unscoped():
        CaseFile.objects.filter(pk=case.pk).update(
            status="closed",
            closure_reason="other",
            closed_on=timezone.localdate() - dt.timedelta(days=days_ago),
        )
    return case


def test_retention_status_counts_per_country(client, dpo, centre_a, country_a, amina) -> None:
    country_a.retention_days = 100
    country_a.save()
    _closed_case(centre_a, days_ago=10)
    _closed_case(centre_a, days_ago=200)
    client.force_login(dpo.user)
    rows = client.get(reverse("counselling:retention-status")).context["rows"]
    assert [r["country"].code for r in rows] == [country_a.code]  # only the DPO's country
    assert (rows[0]["total"], rows[0]["waiting"], rows[0]["overdue"], rows[0]["anonymised"]) == (3, 2, 1, 0)


def test_retention_status_query_count_is_flat(client, dpo, centre_a, django_assert_num_queries) -> None:
    client.force_login(dpo.user)
    url = reverse("counselling:retention-status")
    client.get(url)
    _closed_case(centre_a, days_ago=10)
    with django_assert_num_queries(RETENTION_QUERIES):
        client.get(url)
    for days in range(20):
        _closed_case(centre_a, days_ago=days * 100)
    with django_assert_num_queries(RETENTION_QUERIES):
        client.get(url)


# session, user, memberships, MFA check, countries, the aggregate
RETENTION_QUERIES = 6


# --- Random text at the forms -------------------------------------------------------------


@FUZZ
@given(query=NASTY)
def test_search_survives_random_text(client, dpo, query: str) -> None:
    client.force_login(dpo.user)
    response = client.get(reverse("counselling:dsr-search"), {"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


@FUZZ
@given(reason=NASTY, confirm=NASTY)
def test_erasure_form_survives_random_text(client, dpo, amina, reason: str, confirm: str) -> None:
    url = _url("dsr-erase", amina)
    if client.get(url).status_code == 302:
        _reauthenticated(client, dpo, url)
    response = client.post(url, {"reason": reason, "confirm": confirm})
    assert response.status_code == 200 and response.context["form"].errors
    with unscoped():
        assert Client.objects.get(pk=amina.pk).anonymised_at is None
