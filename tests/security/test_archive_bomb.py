"""Finding 7: a 306 KB "ODT" CV inflated the web process by 600 MB.

The zip check read the OpenDocument `mimetype` entry whole: an entry of
hundreds of megabytes of zeros deflates to a few hundred kilobytes. Now an
archive is judged by its directory (entry count, declared sizes, compression
ratio) before anything in it is unpacked, the one entry ever read is read a
few bytes at most, and an image is judged by the size in its header before
its pixels are decoded. Each bomb below goes through the real upload views
(a returnee's CV, a counsellor's case document), is refused with a
translated error, saves nothing, and costs the process no more than a few MB.
"""

from __future__ import annotations

import functools
import io
import resource
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import translation
from PIL import Image

from cms.returnees.models import ReturneeProfile
from counselling.models import Document
from portal.access import unscoped
from tests.factories import CaseFactory, ClientFactory

MB = 1024 * 1024
# Python-level allocations a refused upload may cost: the request, the form, the page rendered again, and
# a few copies of the upload itself (the test client encodes it, Django parses it, the check reads it).
PYTHON_BUDGET = 6 * MB
COPIES_OF_THE_UPLOAD = 5
# Peak resident memory may grow by this much at most; each bomb would add hundreds of MB.
PROCESS_BUDGET = 40 * MB
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def _zip(entries: list[tuple[str, bytes | int]]) -> bytes:
    """A zip of the given entries; an int is that many MB of zeros, deflated (about 1 KB per MB)."""
    out = io.BytesIO()
    zeros = bytes(MB)
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            if isinstance(data, bytes):
                archive.writestr(name, data)
                continue
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as stream:
                for _ in range(data):
                    stream.write(zeros)
    return out.getvalue()


@functools.cache
def odt_bomb() -> bytes:
    """The file of the report: an "ODT" whose `mimetype` entry is 300 MB of zeros, 306 KB on disk."""
    return _zip([("mimetype", 300), ("content.xml", b"<office:document-content/>")])


@functools.cache
def docx_bomb() -> bytes:
    """A Word document whose body is 300 MB of zeros: nothing reads it here, but a counsellor's Word would."""
    return _zip([("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", 300)])


@functools.cache
def many_entries_bomb() -> bytes:
    """A Word document of 10,000 empty entries (900 KB): parsing its directory alone costs several MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>")
        for number in range(10_000):
            archive.writestr(f"m/{number}", b"")
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, *, rows: int | None = None) -> bytes:
    """A black RGB PNG, its pixel data deflated row by row (never held whole); `rows` cuts the data short."""
    row = bytes(1 + 3 * width)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height if rows is None else rows)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


@functools.cache
def image_bomb() -> bytes:
    """50 million black pixels (150 MB decoded) in 146 KB, over the 40-million-pixel limit."""
    return png(10_000, 5_000)


@functools.cache
def huge_header_png() -> bytes:
    """A header claiming 10 billion pixels over a few bytes of data: only the header may be read."""
    return png(100_000, 100_000, rows=1)


def _measured(send: Callable[[], object]) -> tuple[object, int, int, int]:
    """The response, the Python allocation peak, the growth of the process peak, and images Pillow decoded."""
    decoded_before = Image.core.get_stats()["new_count"]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    try:
        response = send()
        _current, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    return response, python_peak, rss_growth, Image.core.get_stats()["new_count"] - decoded_before


def _url(name: str, language: str, **kwargs: object) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


# --- The returnee's CV -------------------------------------------------------------------------

PROFILE = {
    "full_name": "Kwame Mensah",
    "skills": "Welding, driving",
    "education": "vocational",
    "languages": ["en"],
    "contact_preference": "whatsapp",
    "sex": "",
    "birth_year": "",
    "target_group": "undisclosed",
}


def _profile(user) -> ReturneeProfile:
    with unscoped():
        return ReturneeProfile.objects.get(user=user)


@pytest.mark.parametrize(
    "bomb",
    [odt_bomb, docx_bomb, many_entries_bomb],
    ids=["odt-mimetype-300mb", "docx-body-300mb", "docx-10000-entries"],
)
def test_cv_zip_bomb_is_refused_without_unpacking_and_the_old_cv_is_kept(client, returnee, bomb) -> None:
    client.force_login(returnee.user)
    assert (
        client.post(_url("returnees:profile", "en"), {**PROFILE, "cv": SimpleUploadedFile("cv.pdf", PDF)}).status_code
        == 302
    )
    before = _profile(returnee.user)
    content = bomb()
    assert len(content) < 5 * MB

    response, python_peak, rss_growth, decoded = _measured(
        lambda: client.post(
            _url("returnees:profile", "de"),
            {**PROFILE, "skills": "Changed", "cv": SimpleUploadedFile("lebenslauf.odt", content)},
        )
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Diese Datei entpackt sich auf ein Vielfaches ihrer Größe und wurde nicht angenommen." in html
    after = _profile(returnee.user)
    assert after.skills == "Welding, driving"
    assert (after.cv.name, after.cv_name, after.cv_size) == (before.cv.name, before.cv_name, before.cv_size)
    assert python_peak < PYTHON_BUDGET + COPIES_OF_THE_UPLOAD * len(content), f"allocated {python_peak / MB:.0f} MB"
    assert rss_growth < PROCESS_BUDGET, f"the process grew by {rss_growth / MB:.0f} MB"
    assert decoded == 0


def test_a_real_odt_cv_is_still_accepted(client, returnee) -> None:
    odt = _zip([("mimetype", ODT_MIMETYPE), ("content.xml", b"<office:document-content/>")])
    client.force_login(returnee.user)
    response = client.post(_url("returnees:profile", "en"), {**PROFILE, "cv": SimpleUploadedFile("cv.odt", odt)})
    assert response.status_code == 302
    assert _profile(returnee.user).cv_content_type == "application/vnd.oasis.opendocument.text"


# --- A document on a case ----------------------------------------------------------------------


@pytest.fixture
def case(counsellor):
    return CaseFactory(client=ClientFactory(centre=counsellor.centre), counsellor=counsellor.user)


def _upload(client: HttpClient, case, name: str, content: bytes, language: str = "fr"):
    url = _url("counselling:document-create", language, public_id=case.public_id)
    return client.post(url, {"kind": "other", "upload": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("bomb", "name", "message"),
    [
        (docx_bomb, "rapport.docx", "Ce fichier se décompresse en bien plus que sa taille"),
        (many_entries_bomb, "rapport.docx", "Ce fichier se décompresse en bien plus que sa taille"),
        (odt_bomb, "rapport.odt", "Ce fichier se décompresse en bien plus que sa taille"),
        (image_bomb, "passeport.png", "image est trop grande."),
        (huge_header_png, "passeport.png", "image est trop grande."),
    ],
    ids=[
        "docx-body-300mb",
        "docx-10000-entries",
        "odt-mimetype-300mb",
        "png-50-megapixels",
        "png-header-10-gigapixels",
    ],
)
def test_case_document_bomb_is_refused_without_expanding(client, counsellor, case, bomb, name, message) -> None:
    client.force_login(counsellor.user)
    content = bomb()
    assert len(content) < 5 * MB

    response, python_peak, rss_growth, decoded = _measured(lambda: _upload(client, case, name, content))

    assert response.status_code == 200
    assert message in response.content.decode()
    with unscoped():
        assert not Document.objects.filter(case=case).exists()
    assert python_peak < PYTHON_BUDGET + COPIES_OF_THE_UPLOAD * len(content), f"allocated {python_peak / MB:.0f} MB"
    assert rss_growth < PROCESS_BUDGET, f"the process grew by {rss_growth / MB:.0f} MB"
    assert decoded == 0, "the image's pixels were decoded"


def test_a_real_photo_is_still_accepted_and_reencoded(client, counsellor, case) -> None:
    client.force_login(counsellor.user)
    response = _upload(client, case, "passport.png", png(600, 400), language="en")
    assert response.status_code == 302
    with unscoped():
        document = Document.objects.get(case=case)
    with document.file.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (600, 400)


def test_png_with_many_compressed_text_chunks_is_refused_before_opening(client, counsellor, case) -> None:
    # Pillow unpacks up to 1 MB of each compressed text chunk when it opens a PNG, 64 MB in all.
    text = _png_chunk(b"zTXt", b"comment\x00\x00" + zlib.compress(bytes(MB - 1), 9))
    picture = png(20, 20)
    bomb = picture[:33] + text * 60 + picture[33:]
    client.force_login(counsellor.user)

    response, python_peak, _rss, decoded = _measured(lambda: _upload(client, case, "scan.png", bomb, "en"))

    assert response.status_code == 200
    assert "This file unpacks to far more than its size and was not accepted." in response.content.decode()
    with unscoped():
        assert not Document.objects.filter(case=case).exists()
    assert python_peak < PYTHON_BUDGET + COPIES_OF_THE_UPLOAD * len(bomb)
    assert decoded == 0


# --- Wagtail's image library ------------------------------------------------------------------


def test_wagtail_image_field_refuses_the_image_bomb_from_the_header(db) -> None:
    # Editors have no image library rights today; should anyone get them, the same pixel limit holds. Wagtail
    # (through Willow) decodes a picture before it compares its size with its own setting, so the limit must
    # hold inside Pillow itself, when the file is opened.
    from django.core.exceptions import ValidationError
    from wagtail.images.fields import WagtailImageField

    decoded_before = Image.core.get_stats()["new_count"]
    with pytest.raises(ValidationError):
        WagtailImageField().clean(SimpleUploadedFile("poster.png", image_bomb()))
    assert Image.core.get_stats()["new_count"] == decoded_before
