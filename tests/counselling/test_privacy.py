"""Retention, data-subject export and erasure: the person goes, the statistics stay."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from counselling import privacy, services
from counselling.models import CaseFile, Client, Document, FollowUp, Session
from portal.access import get_access, unscoped
from portal.errors import NotAllowed
from portal.models import AuditEvent
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

    assert privacy.anonymise_expired_cases(today=timezone.localdate()) == 1
    assert privacy.anonymise_expired_cases(today=timezone.localdate()) == 0  # idempotent
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
    with unscoped():
        assert (
            AuditEvent.objects.filter(action="counselling.client.anonymised", details__reason="retention").count() == 1
        )


def test_export_holds_everything_and_is_audited(full_case, manager) -> None:
    data = privacy.export_client_data(access=get_access(manager.user), actor=manager.user, client=full_case.client)
    text = json.dumps(data, ensure_ascii=False)
    for expected in ("Amina", "أمينة حداد", "Talked about her brother", "Fears for her safety", "cv.pdf"):
        assert expected in text
    with unscoped():
        assert AuditEvent.objects.filter(action="counselling.client.exported", actor=manager.user).exists()


def test_counsellor_cannot_export_or_erase(full_case, counsellor) -> None:
    with pytest.raises(NotAllowed):
        privacy.export_client_data(access=get_access(counsellor.user), actor=counsellor.user, client=full_case.client)
    with pytest.raises(NotAllowed):
        privacy.erase_client(access=get_access(counsellor.user), actor=counsellor.user, client=full_case.client)


def test_manager_erases_after_password_and_code(client, full_case, manager) -> None:
    client.force_login(manager.user)
    url = reverse("counselling:client-erase", kwargs={"public_id": full_case.client.public_id})
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    response = client.post(response["Location"], {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirm": "WRONG"})
    assert response.status_code == 200 and "does not match" in response.content.decode()
    with unscoped():
        assert Client.objects.get(pk=full_case.client_id).anonymised_at is None
    response = client.post(url, {"confirm": full_case.client.code})
    assert response.status_code == 302
    with unscoped():
        assert Client.objects.get(pk=full_case.client_id).given_name == "—"
        assert AuditEvent.objects.filter(
            action="counselling.client.anonymised", details__reason="erasure_request"
        ).exists()


def test_manager_downloads_the_export_after_password(client, full_case, manager) -> None:
    client.force_login(manager.user)
    url = reverse("counselling:client-export", kwargs={"public_id": full_case.client.public_id})
    response = client.get(url)
    client.post(response["Location"], {"password": TEST_PASSWORD})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["client"]["given_name"] == "Amina"
