"""Download all my data (JSON, PDF) after re-authentication; delete my account, keeping the centre's case."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cms.returnees.models import ReturneeConsent, ReturneeProfile, SavedOpportunity
from counselling.models import AppointmentRequest, CaseFile, Client
from jobfairs.models import Registration, RegistrationStatus
from portal.access import unscoped
from portal.models import User
from referrals.models import Referral, ReferralStatus
from tests.audit import assert_audited
from tests.factories import TEST_PASSWORD, CaseFactory, ClientFactory
from tests.jobfairs.factories import FairFactory, RegistrationFactory, past_fair
from tests.referrals.factories import ServiceFactory
from tests.returnees.conftest import code_in, reauthenticate

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def filled(client, returnee, counsellor, country_a, partner_org):
    """A returnee with a profile, CV, consent, a saved fair, a registration, an appointment request and a link."""
    user = returnee.user
    client.force_login(user)
    client.post(
        reverse("returnees:profile"),
        {"full_name": "Kwame Returnee", "skills": "Carpentry", "cv": SimpleUploadedFile("cv.pdf", PDF)},
    )
    client.post(reverse("returnees:consent", kwargs={"purpose": "follow_up"}), {"give": "1"})
    fair = FairFactory(country=country_a, title="Accra Jobs Fair")
    with unscoped():
        SavedOpportunity.objects.create(user=user, fair=fair)
    RegistrationFactory(fair=fair, user=user)
    RegistrationFactory(fair=past_fair(country=country_a), user=user, status=RegistrationStatus.ATTENDED)
    AppointmentRequest.objects.create(
        centre=counsellor.centre,
        user=user,
        name="Kwame Returnee",
        contact="+233241234567",
        preferred_channel="phone",
        topic="training_jobs",
        message="I need help",
        consent_given_at=timezone.now(),
    )
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    with unscoped():
        Client.objects.filter(pk=case.client.pk).update(portal_account=user)
    Referral.objects.create(
        case=case,
        centre=case.centre,
        service=ServiceFactory(organization=partner_org, name="Tailoring course"),
        organization=partner_org,
        created_by=counsellor.user,
        reason="Confidential reason",
        status=ReferralStatus.SENT,
        due_on=timezone.localdate(),
    )
    return case


def test_export_asks_for_reauthentication_first(client, returnee) -> None:
    client.force_login(returnee.user)
    response = client.get(reverse("returnees:data-json"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))


def test_json_export_holds_everything(client, returnee, filled) -> None:
    reauthenticate(client, TEST_PASSWORD)
    response = client.get(reverse("returnees:data-json"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["name"] == "Kwame Returnee"
    assert data["profile"]["skills"] == "Carpentry" and data["profile"]["cv"]["file_name"] == "cv.pdf"
    assert [c["purpose"] for c in data["consents"]] == ["follow_up"]
    assert data["saved_opportunities"][0]["title"] == "Accra Jobs Fair"
    assert len(data["job_fair_registrations"]) == 2
    assert data["appointment_requests"][0]["message"] == "I need help"
    assert [r["in_words"] for r in data["referrals"]] == ["Sent to Accra Training Institute – waiting for their answer"]
    assert "Confidential reason" not in response.content.decode()
    assert_audited("returnees.data.exported", actor=returnee.user, details={"format": "json"})


def test_pdf_export_is_readable(client, returnee, filled) -> None:
    reauthenticate(client, TEST_PASSWORD)
    response = client.get(reverse("returnees:data-pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read the PDF"
    text = subprocess.run([pdftotext, "-", "-"], input=response.content, capture_output=True, check=True).stdout
    assert "Kwame Returnee" in text.decode() and "Accra Jobs Fair" in text.decode()


def test_phone_only_returnee_reauthenticates_by_sms(client, db, sms_outbox) -> None:
    user = User.objects.create(email=None, phone="+233241234567", phone_verified=True, full_name="Abena")
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    response = client.get(reverse("returnees:data-json"))
    assert response["Location"].startswith(reverse("returnees:reauthenticate"))
    url = response["Location"]
    client.post(url, {"action": "send"})
    assert [m.to for m in sms_outbox] == ["+233241234567"]
    response = client.post(url, {"action": "verify", "code": "WRONG-1"})
    assert "not right or has expired" in response.content.decode()
    response = client.post(url, {"action": "verify", "code": code_in(sms_outbox[0])})
    assert response.status_code == 302 and response["Location"] == reverse("returnees:data-json")
    assert json.loads(client.get(reverse("returnees:data-json")).content)["account"]["name"] == "Abena"


def test_delete_needs_confirmation(client, returnee, filled) -> None:
    reauthenticate(client, TEST_PASSWORD)
    page = client.get(reverse("returnees:delete")).content.decode()
    assert "What the centre keeps" in page
    response = client.post(reverse("returnees:delete"))
    assert response.status_code == 200 and "Tick the box" in response.content.decode()
    assert User.objects.get(pk=returnee.user.pk).is_active


def test_delete_erases_portal_data_and_keeps_the_case(client, returnee, filled) -> None:
    user = returnee.user
    with unscoped():
        cv_name = ReturneeProfile.objects.get(user=user).cv.name
        storage = ReturneeProfile.objects.get(user=user).cv.storage
    assert storage.exists(cv_name)
    reauthenticate(client, TEST_PASSWORD)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda func, *a, **k: func())
        response = client.post(reverse("returnees:delete"), {"confirm": "yes"})
    assert response.status_code == 302
    assert not client.get(reverse("returnees:dashboard")).wsgi_request.user.is_authenticated  # signed out
    user.refresh_from_db()
    assert not user.is_active and user.email is None and user.phone == "" and user.full_name == ""
    assert not user.has_usable_password()
    assert not storage.exists(cv_name)
    with unscoped():
        assert not ReturneeProfile.objects.filter(user=user).exists()
        assert not ReturneeConsent.objects.filter(user=user).exists()
        assert not SavedOpportunity.objects.filter(user=user).exists()
        statuses = sorted(Registration.objects.filter(user=user).values_list("status", flat=True))
        assert statuses == [RegistrationStatus.ATTENDED, RegistrationStatus.CANCELLED]  # the future one cancelled
        request = AppointmentRequest.objects.get(centre=filled.centre)
        assert request.user_id is None and request.name == "—" and request.message == "" and request.contact == ""
        # The centre's case stays; only the link to the account goes.
        assert CaseFile.objects.filter(pk=filled.pk).exists()
        client_record = Client.objects.get(pk=filled.client_id)
        assert client_record.portal_account_id is None and client_record.given_name == "Ama"
    (event,) = assert_audited("returnees.account.deleted", target=user)
    assert "Kwame" not in json.dumps(event.details)


def test_dashboard_shows_my_appointment_requests_and_referrals(client, returnee, filled) -> None:
    page = client.get(reverse("returnees:dashboard")).content.decode()
    assert "Centre A" in page and "Training and jobs" in page
    assert "Tailoring course" in page and "waiting for their answer" in page
    assert "Accra Jobs Fair" in page
