"""Case documents: checked by content and size, images re-encoded, kept under a random name; audited."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from counselling.models import Document
from portal.access import unscoped
from portal.errors import DomainError
from tests.audit import assert_audited
from tests.counselling.helpers import upload


def test_pdf_is_kept_under_a_random_name_and_audited(counsellor, case, settings) -> None:
    document = upload(counsellor, case, "../../etc/CV Ama.pdf", b"%PDF-1.7\n...")
    assert document.original_name == "CV Ama.pdf"
    assert document.content_type == "application/pdf"
    assert "CV" not in document.file.name and document.file.name.startswith("case-documents/")
    assert str(settings.MEDIA_ROOT) in document.file.path
    assert_audited(
        "counselling.document.uploaded",
        target=document,
        actor=counsellor.user,
        client=case.client,
        centre=case.centre,
        details={"type": "application/pdf", "size": document.size},
    )


def test_disguised_file_is_refused_by_its_content(counsellor, case) -> None:
    with pytest.raises(DomainError, match="not accepted"):
        upload(counsellor, case, "cv.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(DomainError, match="not accepted"):
        upload(counsellor, case, "photo.jpg", b"MZ\x90\x00 windows executable")
    with unscoped():
        assert not Document.objects.exists()


def test_oversized_file_is_refused(counsellor, case) -> None:
    with pytest.raises(DomainError, match="10 MB"):
        upload(counsellor, case, "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))


def test_image_is_reencoded_without_metadata(counsellor, case) -> None:
    image = Image.new("RGB", (20, 20), "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert b"SecretCameraMaker" in buffer.getvalue()
    document = upload(counsellor, case, "id.jpg", buffer.getvalue(), "image/jpeg")
    stored = document.file.open("rb").read()
    document.file.close()
    assert b"SecretCameraMaker" not in stored
    assert Image.open(io.BytesIO(stored)).size == (20, 20)


def test_broken_image_is_refused(counsellor, case) -> None:
    with pytest.raises(DomainError, match="damaged"):
        upload(counsellor, case, "id.png", b"\x89PNG\r\n\x1a\n" + b"not really", "image/png")
