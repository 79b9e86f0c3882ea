"""The data-protection officer's role and scope, and the record of processing activities generated from the
models (portal/dataprotection/). The data-subject request screens and the retention status are the counselling
app's: tests/counselling/test_dataprotection_views.py."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from counselling.models import CaseFile, Client
from portal.access import Role, get_access, unscoped
from portal.dataprotection import DECLARATIONS, personal_data_models, record_of_processing, undeclared_models
from portal.models import Membership
from tests.conftest import _member
from tests.factories import CaseFactory, ClientFactory


@pytest.fixture
def amina(counsellor):
    """A client with a case at the counsellor's centre."""
    return CaseFactory(client=ClientFactory(centre=counsellor.centre), counsellor=counsellor.user).client


@pytest.fixture
def dpo_b(country_b):
    """The data-protection officer of the other country."""
    return _member(Role.DATA_PROTECTION_OFFICER, country=country_b)


@pytest.fixture
def dpo_hq(db):
    """A data-protection officer for the whole programme (a membership without a country)."""
    return _member(Role.DATA_PROTECTION_OFFICER)


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


# --- Record of processing activities ------------------------------------------------------


def test_every_model_with_personal_data_is_in_the_record() -> None:
    """A new model with a ScopedManager and no declaration fails here: declare it with its app's others
    (`declare_processing` in its AppConfig.ready, e.g. counselling/dataprotection/declarations.py)."""
    assert undeclared_models() == []
    recorded = {activity.label for activity in record_of_processing()}
    scoped = {model._meta.label_lower for model in personal_data_models()}
    assert scoped and scoped <= recorded
    assert "portal.user" in recorded  # accounts have no ScopedManager but are declared


def test_a_model_may_declare_itself_with_privacy_meta() -> None:
    from portal.dataprotection import declaration_for

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
