"""Data-protection screens: data-subject requests (JSON and PDF export, erasure), the record of processing
activities generated from the models, the retention status, and the data-protection officer's scope."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import given

from counselling.models import CaseFile, Client
from portal.access import Role, get_access, unscoped
from portal.models import AuditEvent, Membership
from portal.privacy import DECLARATIONS, personal_data_models, record_of_processing, undeclared_models
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


def _events(action: str, **filters):
    with unscoped():
        return list(AuditEvent.objects.filter(action=action, **filters))


def _url(name: str, client: Client) -> str:
    return reverse(f"portal:{name}", kwargs={"public_id": client.public_id})


# --- The role and its scope ---------------------------------------------------------------


def test_dpo_membership_is_per_country_or_programme_wide(dpo, dpo_hq, centre_a, country_a) -> None:
    assert dpo.membership.country == country_a and dpo_hq.membership.country is None
    assert get_access(dpo_hq.user).is_programme_dpo and not get_access(dpo.user).is_programme_dpo
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=dpo.user, role=Role.DATA_PROTECTION_OFFICER, centre=centre_a)


def test_dpo_does_no_casework(client, dpo, amina) -> None:
    client.force_login(dpo.user)
    case = amina.cases.get()
    assert client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id})).status_code == 404
    assert client.get(reverse("counselling:case-list")).status_code == 404
    with unscoped():
        assert not CaseFile.objects.visible_to(dpo.user).exists()
        assert not Client.objects.visible_to(dpo.user).exists()


def test_dpo_reads_the_audit_log_of_their_country_only(client, dpo, dpo_b, amina, counsellor, outsider) -> None:
    other = ClientFactory(centre=outsider.centre)
    client.force_login(counsellor.user)
    client.get(reverse("counselling:case-detail", kwargs={"public_id": amina.cases.get().public_id}))
    client.force_login(outsider.user)
    client.get(reverse("counselling:case-detail", kwargs={"public_id": CaseFactory(client=other).public_id}))

    client.force_login(dpo.user)
    html = client.get(reverse("portal:audit-log"), {"client_code": amina.code}).content.decode()
    assert str(amina.cases.get().public_id) in html
    assert client.get(reverse("portal:audit-log"), {"client_code": other.code}).context["page"].paginator.count == 0
    client.force_login(dpo_b.user)
    assert client.get(reverse("portal:audit-log"), {"client_code": amina.code}).context["page"].paginator.count == 0


# --- Data-subject requests ----------------------------------------------------------------


def test_dpo_finds_the_client_by_name_in_any_script_and_the_search_is_audited(client, dpo, amina, outsider) -> None:
    ClientFactory(centre=outsider.centre, given_name="Amina", family_name="Haddad")
    client.force_login(dpo.user)
    response = client.get(reverse("portal:dsr-search"), {"q": NAME_AR})
    assert list(response.context["clients"]) == [amina]
    assert [c.pk for c in client.get(reverse("portal:dsr-search"), {"q": "Amina Haddad"}).context["clients"]] == [
        amina.pk
    ]
    searched = _events("portal.dsr.searched", actor=dpo.user)
    assert len(searched) == 2 and searched[0].details == {"results": 1}  # never the name typed


def test_search_refuses_markup_with_a_clear_error(client, dpo) -> None:
    client.force_login(dpo.user)
    response = client.get(reverse("portal:dsr-search"), {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "Remove the HTML" in response.content.decode()
    assert response.context["clients"] == []


def test_search_query_count_is_flat(client, dpo, amina, django_assert_num_queries) -> None:
    client.force_login(dpo.user)
    url = reverse("portal:dsr-search")
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
    assert len(_events("portal.dsr.opened", target_id=str(amina.public_id))) == 1


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
    assert _events("counselling.client.exported", actor=dpo.user)[0].details == {
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
    assert _events("counselling.client.exported", actor=dpo.user)[0].details == {
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
    (event,) = _events("counselling.client.anonymised", actor=dpo.user)
    assert event.details == {"reason": "consent_withdrawn", "client": amina.pk}
    # A second visit says it is done, and erases nothing twice.
    response = client.get(url)
    assert response.status_code == 302
    assert len(_events("counselling.client.anonymised")) == 1


def test_manager_handles_requests_of_their_centre_only(client, manager, amina, outsider) -> None:
    other = ClientFactory(centre=outsider.centre)
    client.force_login(manager.user)
    assert client.get(_url("dsr-detail", amina)).status_code == 200
    assert client.get(_url("dsr-detail", other)).status_code == 404


# --- Record of processing activities ------------------------------------------------------


def test_every_model_with_personal_data_is_in_the_record() -> None:
    """A new model with a ScopedManager and no declaration fails here: declare it in portal/privacy.py."""
    assert undeclared_models() == []
    recorded = {activity.label for activity in record_of_processing()}
    scoped = {model._meta.label_lower for model in personal_data_models()}
    assert scoped and scoped <= recorded
    assert "portal.user" in recorded  # accounts have no ScopedManager but are declared


def test_a_model_may_declare_itself_with_privacy_meta() -> None:
    from portal.privacy import declaration_for

    class Declared:
        class PrivacyMeta:
            purpose = "Testing"
            legal_basis = "consent"
            data_subjects = ("testers",)
            special = ("notes",)

    processing = declaration_for(Declared)
    assert (processing.purpose, processing.special, processing.retention) == ("Testing", ("notes",), None)


def test_declarations_name_existing_models_only() -> None:
    from django.apps import apps

    for label in DECLARATIONS:
        apps.get_model(label)  # raises LookupError on a stale declaration


def test_record_reads_the_categories_from_the_fields() -> None:
    by_label = {activity.label: activity for activity in record_of_processing()}
    session = by_label["counselling.session"]
    notes = next(c for c in session.categories if c.name == "confidential notes")
    assert notes.encrypted and notes.special
    assert any("encrypted at rest" in str(m) for m in session.measures)
    client = by_label["counselling.client"]
    names = {c.name for c in client.categories}
    assert {"given name", "phone", "vulnerabilities"} <= names
    assert "search_text" not in names and "ID" not in names
    assert any("partner organisation" in str(r) for r in by_label["referrals.referral"].processing.recipients)


def test_record_page_and_csv(client, dpo, country_a, django_assert_num_queries) -> None:
    client.force_login(dpo.user)
    response = client.get(reverse("portal:processing-record"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Counselling sessions" in html and "confidential notes" in html and "encrypted" in html
    assert str(country_a.retention_days) in html
    response = client.get(reverse("portal:processing-csv"))
    assert response["Content-Disposition"] == 'attachment; filename="record-of-processing.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Processing", "Purpose", "Legal basis"]
    assert len(rows) == 1 + len(record_of_processing())
    sessions = next(row for row in rows if row[0] == "counselling sessions")
    assert "confidential notes" in sessions[6]  # encrypted at rest


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
    rows = client.get(reverse("portal:retention-status")).context["rows"]
    assert [r["country"].code for r in rows] == [country_a.code]  # only the DPO's country
    assert (rows[0]["total"], rows[0]["waiting"], rows[0]["overdue"], rows[0]["anonymised"]) == (3, 2, 1, 0)


def test_retention_status_query_count_is_flat(client, dpo, centre_a, django_assert_num_queries) -> None:
    client.force_login(dpo.user)
    url = reverse("portal:retention-status")
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


def test_admin_invites_a_dpo_for_a_country_or_the_whole_programme(admin_user, country_a, coordinator) -> None:
    from portal.errors import NotAllowed
    from portal.services import invite_staff

    def invite(persona, email: str, country):
        return invite_staff(
            access=get_access(persona.user),
            actor=persona.user,
            email=email,
            full_name="Data Protection",
            role=Role.DATA_PROTECTION_OFFICER,
            country=country,
        )

    assert invite(admin_user, "dpo.gh@example.org", country_a).membership.country == country_a
    assert invite(admin_user, "dpo.hq@example.org", None).membership.country is None
    with pytest.raises(NotAllowed):
        invite(coordinator, "dpo.other@example.org", country_a)


def test_record_page_query_count_is_flat(client, dpo_hq, django_assert_num_queries) -> None:
    from tests.factories import CountryFactory

    client.force_login(dpo_hq.user)
    url = reverse("portal:processing-record")
    client.get(url)
    CountryFactory(code="AL")
    with django_assert_num_queries(RECORD_QUERIES):
        client.get(url)
    for code in ("EG", "MA", "TN", "SN", "NG", "PK"):
        CountryFactory(code=code)
    with django_assert_num_queries(RECORD_QUERIES):
        assert len(client.get(url).context["countries"]) == 7


# session, user, memberships, MFA check, countries
RECORD_QUERIES = 5


# --- Random text at the forms -------------------------------------------------------------


@FUZZ
@given(query=NASTY)
def test_search_survives_random_text(client, dpo, query: str) -> None:
    client.force_login(dpo.user)
    response = client.get(reverse("portal:dsr-search"), {"q": query})
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
