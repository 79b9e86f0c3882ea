"""Profile, CV checked by content, consents given and withdrawn with their history."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cms.returnees.models import ReturneeConsent, ReturneeProfile
from portal.access import unscoped
from tests.audit import assert_audited

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def _post(client, **extra):
    data = {
        "full_name": "Kwame Mensah",
        "skills": "Welding, driving",
        "education": "vocational",
        "languages": ["en", "fr"],
        "contact_preference": "whatsapp",
        "sex": "",
        "birth_year": "",
        "target_group": "undisclosed",
    }
    data.update(extra)
    return client.post(reverse("returnees:profile"), data)


def _profile(user) -> ReturneeProfile:
    with unscoped():
        return ReturneeProfile.objects.get(user=user)


def test_returnee_saves_profile_with_a_cv(client, returnee) -> None:
    client.force_login(returnee.user)
    response = _post(client, cv=SimpleUploadedFile("my cv.pdf", PDF))
    assert response.status_code == 302
    profile = _profile(returnee.user)
    assert profile.skills == "Welding, driving" and profile.languages == ["en", "fr"]
    assert profile.target_group == "undisclosed" and profile.cv_name == "my cv.pdf"
    assert "my cv" not in profile.cv.name  # stored under a random name
    returnee.user.refresh_from_db()
    assert returnee.user.full_name == "Kwame Mensah"

    download = client.get(reverse("returnees:cv-download"))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF
    download.close()


def test_odt_cv_is_accepted(client, returnee) -> None:
    client.force_login(returnee.user)
    assert _post(client, cv=SimpleUploadedFile("cv.odt", _odt())).status_code == 302
    assert _profile(returnee.user).cv_content_type == "application/vnd.oasis.opendocument.text"


def test_cv_of_another_type_is_refused_by_content_and_nothing_is_lost(client, returnee) -> None:
    client.force_login(returnee.user)
    _post(client, cv=SimpleUploadedFile("cv.pdf", PDF))
    before = _profile(returnee.user)
    response = _post(client, skills="Changed", cv=SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 not a pdf at all"))
    assert response.status_code == 200
    assert "This type of file is not accepted for a CV" in response.content.decode()
    after = _profile(returnee.user)
    assert after.skills == "Welding, driving" and after.cv.name == before.cv.name
    assert after.cv.storage.exists(after.cv.name)


def test_too_large_cv_is_refused(client, returnee, settings) -> None:
    client.force_login(returnee.user)
    big = SimpleUploadedFile("cv.pdf", PDF + b"0" * (5 * 1024 * 1024))
    response = _post(client, cv=big)
    assert "larger than 5 MB" in response.content.decode()


def test_bad_year_of_birth_is_a_clear_error(client, returnee) -> None:
    client.force_login(returnee.user)
    response = _post(client, birth_year="1850")
    assert response.status_code == 200
    assert "Enter a year between 1900 and this year." in response.content.decode()


def test_nobody_else_downloads_the_cv(client, returnee, counsellor) -> None:
    client.force_login(returnee.user)
    _post(client, cv=SimpleUploadedFile("cv.pdf", PDF))
    client.force_login(counsellor.user)
    assert client.get(reverse("returnees:cv-download")).status_code == 404


def test_consents_are_given_and_withdrawn_with_their_times(client, returnee) -> None:
    client.force_login(returnee.user)
    url = reverse("returnees:consent", kwargs={"purpose": "share_with_employers"})
    client.post(url, {"give": "1"})
    client.post(url, {"give": "1"})  # twice: still one active consent
    client.post(url, {"give": "0"})
    client.post(url, {"give": "1"})
    with unscoped():
        rows = list(ReturneeConsent.objects.filter(user=returnee.user).order_by("given_at", "pk"))
    assert len(rows) == 2
    assert rows[0].withdrawn_at is not None and rows[1].withdrawn_at is None
    assert_audited("returnees.consent.given", actor=returnee.user, count=2)
    assert_audited("returnees.consent.withdrawn", target=rows[0], actor=returnee.user)
    page = client.get(reverse("returnees:profile")).content.decode()
    assert "withdrawn on" in page


def test_unknown_consent_purpose_is_404(client, returnee) -> None:
    client.force_login(returnee.user)
    assert (
        client.post(reverse("returnees:consent", kwargs={"purpose": "sell-my-data"}), {"give": "1"}).status_code == 404
    )
