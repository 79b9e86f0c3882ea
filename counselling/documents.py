"""Uploaded files: size limit, type by content (never by name), images re-encoded."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from portal.errors import DomainError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


@dataclass(frozen=True)
class InspectedUpload:
    content: bytes
    content_type: str
    safe_name: str

    def as_file(self) -> ContentFile:
        return ContentFile(self.content)


def sniff(head: bytes, content: bytes) -> str | None:
    """The real type of a file from its first bytes, or None when it is not one we accept."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if (
            "[Content_Types].xml" in names
            and "word/document.xml" in names
            and not any(name.startswith("word/vbaProject") for name in names)
        ):
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return None


def _reencode(content: bytes, content_type: str) -> bytes:
    """Decode and re-encode an image: proves it is one, and drops EXIF and other metadata."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            if image.width * image.height > 40_000_000:
                raise DomainError(_("The image is too large."), field="upload")
            if content_type == "image/jpeg":
                mode = "L" if image.mode == "L" else "RGB"
            else:
                mode = image.mode if image.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
            pixels = image.convert(mode)
            # A new image from the bare pixels: nothing of the original file's metadata survives.
            clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
            out = io.BytesIO()
            clean.save(out, format="JPEG" if content_type == "image/jpeg" else "PNG")
            return out.getvalue()
    except (UnidentifiedImageError, OSError) as exc:
        raise DomainError(_("This file is damaged or not what its name says."), field="upload") from exc


def safe_name(name: str, extension: str) -> str:
    stem = unicodedata.normalize("NFKC", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).rsplit(".", 1)[0]
    stem = re.sub(r"[^\w\- ]+", "", stem, flags=re.UNICODE).strip()[:80] or "document"
    return f"{stem}{extension}"


def inspect_upload(upload: UploadedFile) -> InspectedUpload:
    """Check an upload and return what may be kept; a clear error otherwise."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(_("The file is larger than 10 MB."), field="upload")
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise DomainError(_("The file is larger than 10 MB."), field="upload")
    if not content:
        raise DomainError(_("The file is empty."), field="upload")
    content_type = sniff(content[:16], content)
    if content_type is None:
        raise DomainError(
            _("This type of file is not accepted. Upload a PDF, JPEG, PNG or Word (.docx) file."),
            field="upload",
        )
    if content_type.startswith("image/"):
        content = _reencode(content, content_type)
    return InspectedUpload(
        content=content,
        content_type=content_type,
        safe_name=safe_name(upload.name or "", ALLOWED[content_type]),
    )
