"""Retention, data-subject export and erasure: the person goes, the statistics stay."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from counselling import dataprotection, services
from counselling.models import CaseFile, Client, Document, FollowUp, Session
from portal.access import get_access, unscoped
from portal.errors import NotAllowed
from tests.audit import assert_audited
from tests.factories import TEST_PASSWORD, CaseFactory, ClientFactory, SessionFactory


@pytest.fixture
def full_case(counsellor):
    client = ClientFactory(
        centre=counsellor.centre,
        given_name="Amina",
        family_name="Haddad",
        name_native="أمينة حداد",
        phone="+233241234567",
        birth_year=1990,
        sex="female",
        target_group="returnee_de",
    )
    case = CaseFactory(client=client, counsellor=counsellor.user)
    SessionFactory(
        case=case,
        counsellor=counsellor.user,
        summary="Talked about her brother in Libya",
        confidential_notes="Fears for her safety",
    )
    FollowUp.objects.create(
        case=case,
        title="Call Amina about the course",
        due_on=timezone.localdate(),
        assigned_to=counsellor.user,
        created_by=counsellor.user,
    )
    services.upload_document(
        access=get_access(counsellor.user),
        actor=counsellor.user,
        case=case,
        kind="cv",
        upload=SimpleUploadedFile("cv.pdf", b"%PDF-1.4 Amina Haddad"),
    )
    return case


def _close(case, days_ago: int) -> None:
    with unscoped():
        CaseFile.objects.filter(pk=case.pk).update(
            status="closed", closure_reason="other", closed_on=timezone.localdate() - dt.timedelta(days=days_ago)
        )


def _raw_text_of_everything() -> str:
    with connection.cursor() as cursor:
        parts = []
        for table, columns in {
            "counselling_client": "given_name || family_name || name_native || phone || search_text",
            "counselling_session": "summary || confidential_notes || next_steps",
            "counselling_followup": "title",
            "counselling_caseevent": "params::text",
        }.items():
            cursor.execute(f"SELECT string_agg({columns}, ' ') FROM {table}")  # noqa: S608 - fixed names
            parts.append(cursor.fetchone()[0] or "")
    return " ".join(parts)


def test_retention_anonymises_only_cases_closed_past_the_period(full_case, counsellor, country_a) -> None:
    country_a.retention_days = 365
    country_a.save()
    recent = CaseFactory(client=ClientFactory(centre=counsellor.centre, given_name="Kofi"))
    _close(recent, days_ago=10)
    _close(full_case, days_ago=400)
    open_case = CaseFactory(client=ClientFactory(centre=counsellor.centre, given_name="Yaw"))

    assert dataprotection.anonymise_expired_cases(today=timezone.localdate()) == 1
    assert dataprotection.anonymise_expired_cases(today=timezone.localdate()) == 0  # idempotent
    with unscoped():
        gone = Client.objects.get(pk=full_case.client_id)
        assert Client.objects.get(pk=recent.client_id).given_name == "Kofi"
        assert Client.objects.get(pk=open_case.client_id).anonymised_at is None
        assert not Document.objects.filter(case=full_case).exists()
        assert Session.objects.filter(case=full_case).count() == 1  # the session still counts
    assert gone.anonymised_at is not None
    # What the statistics need stays.
    assert (gone.sex, gone.birth_year, gone.target_group, gone.centre_id) == (
        "female",
        1990,
        "returnee_de",
        counsellor.centre.pk,
    )
    raw = _raw_text_of_everything()
    for word in ("Amina", "Haddad", "أمينة", "241234567", "Libya", "safety", "cv.pdf"):
        assert word not in raw
    assert_audited("counselling.client.anonymised", details={"reason": "retention"})


def test_export_holds_everything_and_is_audited(full_case, manager) -> None:
    data = dataprotection.export_client_data(
        access=get_access(manager.user), actor=manager.user, client=full_case.client
    )
    text = json.dumps(data, ensure_ascii=False)
    for expected in ("Amina", "أمينة حداد", "Talked about her brother", "Fears for her safety", "cv.pdf"):
        assert expected in text
    assert_audited("counselling.client.exported", actor=manager.user, client=full_case.client)


def test_counsellor_cannot_export_or_erase(full_case, counsellor) -> None:
    with pytest.raises(NotAllowed):
        dataprotection.export_client_data(
            access=get_access(counsellor.user), actor=counsellor.user, client=full_case.client
        )
    with pytest.raises(NotAllowed):
        dataprotection.erase_client(access=get_access(counsellor.user), actor=counsellor.user, client=full_case.client)


def test_manager_reaches_the_data_subject_screen_from_the_case(client, full_case, manager) -> None:
    """Export and erasure live on one screen (counselling/dataprotection/views.py); the case page links to it."""
    client.force_login(manager.user)
    page = client.get(reverse("counselling:case-detail", kwargs={"public_id": full_case.public_id}))
    target = reverse("counselling:dsr-detail", kwargs={"public_id": full_case.client.public_id})
    assert f'href="{target}"' in page.content.decode()


def test_manager_erases_after_password_and_code(client, full_case, manager) -> None:
    client.force_login(manager.user)
    url = reverse("counselling:dsr-erase", kwargs={"public_id": full_case.client.public_id})
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    response = client.post(response["Location"], {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "erasure_request", "confirm": "WRONG"})
    assert response.status_code == 200 and "does not match" in response.content.decode()
    with unscoped():
        assert Client.objects.get(pk=full_case.client_id).anonymised_at is None
    response = client.post(url, {"reason": "erasure_request", "confirm": full_case.client.code})
    assert response.status_code == 302
    with unscoped():
        assert Client.objects.get(pk=full_case.client_id).given_name == "—"
    assert_audited("counselling.client.anonymised", details={"reason": "erasure_request"})


def test_manager_downloads_the_export_after_password(client, full_case, manager) -> None:
    client.force_login(manager.user)
    url = reverse("counselling:dsr-export-json", kwargs={"public_id": full_case.client.public_id})
    response = client.get(url)
    client.post(response["Location"], {"password": TEST_PASSWORD})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["client"]["given_name"] == "Amina"


# --- The data-protection officer's rights (per country, or programme-wide) ----------------


def test_dpo_exports_and_erases_clients_of_their_country_only(full_case, dpo, country_b) -> None:
    from portal.access import Role
    from tests.conftest import _member

    other_dpo = _member(Role.DATA_PROTECTION_OFFICER, country=country_b)
    client = full_case.client
    with pytest.raises(NotAllowed):
        dataprotection.export_client_data(access=get_access(other_dpo.user), actor=other_dpo.user, client=client)
    with pytest.raises(NotAllowed):
        dataprotection.erase_client(access=get_access(other_dpo.user), actor=other_dpo.user, client=client)
    data = dataprotection.export_client_data(access=get_access(dpo.user), actor=dpo.user, client=client)
    assert data["client"]["given_name"] == "Amina"
    dataprotection.erase_client(access=get_access(dpo.user), actor=dpo.user, client=client, reason="no_longer_needed")
    with unscoped():
        assert Client.objects.get(pk=client.pk).anonymised_at is not None
    (line,) = assert_audited("counselling.client.anonymised", actor=dpo.user)
    assert line.details == {"reason": "no_longer_needed", "client": client.pk}


def test_erasure_refuses_an_unknown_reason(full_case, manager) -> None:
    from portal.errors import DomainError

    with pytest.raises(DomainError) as raised:
        dataprotection.erase_client(
            access=get_access(manager.user), actor=manager.user, client=full_case.client, reason="x"
        )
    assert raised.value.field == "reason"
    with unscoped():
        assert Client.objects.get(pk=full_case.client_id).anonymised_at is None


def test_data_subjects_are_the_managers_centre_or_the_dpos_country(full_case, manager, counsellor, dpo, outsider):
    other = ClientFactory(centre=outsider.centre, given_name="Amina", family_name="Haddad")
    assert list(dataprotection.list_data_subjects(access=get_access(manager.user), query="Haddad")) == [
        full_case.client
    ]
    assert list(dataprotection.list_data_subjects(access=get_access(dpo.user), query="Haddad")) == [full_case.client]
    assert not dataprotection.list_data_subjects(access=get_access(counsellor.user), query="Haddad").exists()
    assert not dataprotection.list_data_subjects(access=get_access(dpo.user), query="  ").exists()
    assert other.code not in {
        c.code for c in dataprotection.list_data_subjects(access=get_access(dpo.user), query="Amina")
    }


def test_holdings_say_when_the_retention_task_will_anonymise(full_case, country_a) -> None:
    holdings = dataprotection.get_holdings(client=full_case.client)
    assert (holdings.cases, holdings.open_cases, holdings.sessions, holdings.documents) == (1, 1, 1, 1)
    assert holdings.erasable_on is None  # a case is open
    _close(full_case, days_ago=10)
    holdings = dataprotection.get_holdings(client=full_case.client)
    closed_on = timezone.localdate() - dt.timedelta(days=10)
    assert holdings.erasable_on == closed_on + dt.timedelta(days=country_a.retention_days)


def test_the_appointment_request_behind_a_client_is_exported_and_erased(full_case, manager) -> None:
    from counselling.models import AppointmentRequest

    appointment = AppointmentRequest.objects.create(
        centre=full_case.centre,
        name="Amina Haddad",
        contact="+233241234567",
        preferred_channel="phone",
        topic="training_jobs",
        message="I want to learn welding",
        consent_given_at=timezone.now(),
        client=full_case.client,
    )
    access = get_access(manager.user)
    data = dataprotection.export_client_data(access=access, actor=manager.user, client=full_case.client)
    assert data["appointment_requests"][0]["message"] == "I want to learn welding"
    dataprotection.erase_client(access=access, actor=manager.user, client=full_case.client)
    with unscoped():
        appointment = AppointmentRequest.objects.get(pk=appointment.pk)
    assert (appointment.name, appointment.contact, appointment.message) == ("—", "", "")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name || contact || message FROM counselling_appointmentrequest")
        assert "Amina" not in cursor.fetchone()[0]


def test_retention_blanks_appointment_requests_that_never_became_a_client(counsellor, country_a) -> None:
    from counselling.models import AppointmentRequest
    from counselling.services import request_appointment

    country_a.retention_days = 30
    country_a.save()
    fields = {"centre": counsellor.centre, "user": None, "preferred_channel": "phone", "topic": "other"}
    old = request_appointment(name="Ama Mensah", contact="+233241234567", message="Old request", **fields)
    fresh = request_appointment(name="Kofi Annan", contact="+233241234568", message="New request", **fields)
    with unscoped():
        AppointmentRequest.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=40))

    assert dataprotection.redact_stale_appointment_requests(today=timezone.localdate()) == 1
    assert dataprotection.redact_stale_appointment_requests(today=timezone.localdate()) == 0  # idempotent
    with unscoped():
        old.refresh_from_db()
        fresh.refresh_from_db()
    assert_audited("counselling.appointment.redacted", actor=False, details={"count": 1})
    assert (old.name, old.contact, old.message) == (dataprotection.REDACTED, "", "")
    assert (fresh.name, fresh.message) == ("Kofi Annan", "New request")


def test_retention_keeps_only_the_documented_fields_of_the_client(full_case, country_a) -> None:
    """The daily task erases like a request does: nationality, education, languages and channel go too."""
    with unscoped():
        Client.objects.filter(pk=full_case.client_id).update(
            nationality="SY",
            education="tertiary",
            languages=["ar"],
            preferred_channel="whatsapp",
            birth_year=None,
            birth_date=dt.date(1990, 5, 17),
        )
    _close(full_case, days_ago=country_a.retention_days + 1)
    assert dataprotection.anonymise_expired_cases(today=timezone.localdate()) == 1
    with unscoped():
        gone = Client.objects.get(pk=full_case.client_id)
    assert (gone.nationality, gone.education, gone.languages, gone.preferred_channel) == ("", "", [], "")
    assert (gone.birth_date, gone.birth_year) == (None, 1990)  # the year survives for the age bands
