"""Uploaded files: size limit, type by content (never by name), archives and images checked before expanding.

Everything here reads a bounded amount. An archive (Word, OpenDocument) is
judged by its directory: how many entries it has and the sizes they declare,
before a single entry is opened; the one entry ever read (an OpenDocument's
`mimetype`) is read a few bytes at most. An image is judged by the width and
height in its header before its pixels are decoded. A 300 KB file that would
unpack to gigabytes is refused without being unpacked.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from portal.errors import DomainError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# 40 million pixels: a phone photo (12 megapixels) or an A4 page scanned at 600 dpi (35 million) fits.
# Decoding one takes at most 160 MB (RGBA), re-encoding twice that; nothing larger is decoded.
MAX_IMAGE_PIXELS = 40_000_000
# A Word document has a few dozen entries, a few hundred with many pictures. Each entry costs memory
# the moment the directory is parsed, so the count is checked on the raw bytes before that.
MAX_ARCHIVE_ENTRIES = 2_000
# What the entries may declare in all: ten times the largest upload. Text XML deflates 5 to 20 times,
# pictures hardly at all; a run of zeros deflates a thousand times, which is what a zip bomb is made of.
MAX_ARCHIVE_EXPANDED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# A PNG's compressed text and colour-profile chunks are each unpacked (up to 1 MB) when the file is opened.
MAX_PNG_COMPRESSED_CHUNKS = 8
MAX_PNG_CHUNKS = 100_000

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    DOCX: ".docx",
}
_CENTRAL_DIRECTORY_ENTRY = b"PK\x01\x02"
_ODT_MIMETYPE = ODT.encode()


class UnsafeFile(DomainError):
    """The file would take far more memory to open than its size says (an archive or image "bomb")."""


@dataclass(frozen=True)
class InspectedUpload:
    content: bytes
    content_type: str
    safe_name: str

    def as_file(self) -> ContentFile:
        return ContentFile(self.content)


def _too_expanded(field: str) -> UnsafeFile:
    return UnsafeFile(
        _("This file unpacks to far more than its size and was not accepted. Save it again and upload the new copy."),
        field=field,
    )


def _open_archive(content: bytes, *, field: str) -> zipfile.ZipFile | None:
    """The archive's directory, once its entry count and declared sizes are safe; None when it is no zip.

    Nothing is decompressed here. Python's zip reader never returns more
    than an entry declares, so checking the declared sizes bounds every
    later read as well.
    """
    # Every directory entry starts with this signature, so the count bounds what the zip reader would
    # parse (and allocate), whatever the end record claims.
    if content.count(_CENTRAL_DIRECTORY_ENTRY) > MAX_ARCHIVE_ENTRIES:
        raise _too_expanded(field)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return None
    entries = archive.infolist()
    expanded = 0
    for entry in entries:
        expanded += entry.file_size
        if expanded > MAX_ARCHIVE_EXPANDED_BYTES or (
            entry.file_size > RATIO_CHECKED_FROM_BYTES
            and entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        ):
            archive.close()
            raise _too_expanded(field)
    return archive


def _is_odt(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """An OpenDocument text without macros: its `mimetype` entry (a few bytes, read no further) says so."""
    if "mimetype" not in names or "content.xml" not in names:
        return False
    if any(name.startswith(("Basic/", "Scripts/")) for name in names):
        return False
    entry = archive.getinfo("mimetype")
    if entry.file_size > len(_ODT_MIMETYPE) + 2:
        return False
    try:
        with archive.open(entry) as stream:
            return stream.read(len(_ODT_MIMETYPE) + 2).strip() == _ODT_MIMETYPE
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        # Damaged, encrypted or compressed in a way we do not read: not a CV we can vouch for.
        return False


def sniff(content: bytes, *, field: str = "upload") -> str | None:
    """The real type of a file from its content, or None when it is not one we know.

    Raises `UnsafeFile` for an archive whose directory promises more than we
    would ever unpack: such a file is refused, not merely "of another type".
    """
    head = content[:16]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04"):
        archive = _open_archive(content, field=field)
        if archive is None:
            return None
        with archive:
            names = set(archive.namelist())
            if (
                "[Content_Types].xml" in names
                and "word/document.xml" in names
                and not any(name.startswith("word/vbaProject") for name in names)
            ):
                return DOCX
            if _is_odt(archive, names):
                return ODT
    return None


def _check_png_chunks(content: bytes, *, field: str) -> None:
    """Refuse a PNG with more compressed side chunks (text, colour profile) than a real picture carries.

    Pillow unpacks each of them when it opens the file, up to 1 MB apiece and
    64 MB in all; a picture from a camera or scanner has one or two.
    """
    position, compressed, chunks = 8, 0, 0
    while position + 8 <= len(content):
        length, kind = struct.unpack(">I4s", content[position : position + 8])
        if kind in (b"zTXt", b"iTXt", b"iCCP"):
            compressed += 1
        chunks += 1
        if compressed > MAX_PNG_COMPRESSED_CHUNKS or chunks > MAX_PNG_CHUNKS:
            raise _too_expanded(field)
        if kind == b"IEND":
            return
        position += 12 + length


def limit_image_decoding() -> None:
    """Make every image decoded in this process refuse, when opened, more than `MAX_IMAGE_PIXELS`.

    Pillow checks the header's size when a file is opened, but by default
    only warns up to 179 million pixels. Wagtail's image library (through
    Willow) decodes a picture before it compares the size with its own
    setting; with the limit lowered and the warning made an error, Pillow
    refuses at open, before any pixel is decoded, wherever the call comes from.
    Called once from the app's `ready()`.
    """
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


def _reencode(content: bytes, content_type: str, *, field: str = "upload") -> bytes:
    """Decode and re-encode an image: proves it is one, and drops EXIF and other metadata.

    The size comes from the header; an image over `MAX_IMAGE_PIXELS` is
    refused before its pixels are decoded.
    """
    from PIL import Image, UnidentifiedImageError

    if content_type == "image/png":
        _check_png_chunks(content, field=field)
    too_large = DomainError(_("The image is too large."), field=field)
    try:
        # Opening reads the header only. Pillow itself refuses images over the process-wide limit (see
        # `limit_image_decoding`) with an error or a warning raised as one; both mean "too large".
        with Image.open(io.BytesIO(content), formats=["JPEG" if content_type == "image/jpeg" else "PNG"]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise too_large
            if content_type == "image/jpeg":
                mode = "L" if image.mode == "L" else "RGB"
            else:
                mode = image.mode if image.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
            pixels = image.convert(mode)
        # A new image with the bare pixels: nothing of the original file's metadata survives. The decoded
        # original is closed first, so at most two copies of the pixels are alive at once.
        clean = Image.new(mode, pixels.size)
        clean.paste(pixels)
        pixels.close()
        out = io.BytesIO()
        clean.save(out, format="JPEG" if content_type == "image/jpeg" else "PNG")
        clean.close()
        return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, struct.error) as exc:
        raise DomainError(_("This file is damaged or not what its name says."), field=field) from exc


def safe_name(name: str, extension: str) -> str:
    stem = unicodedata.normalize("NFKC", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]).rsplit(".", 1)[0]
    stem = re.sub(r"[^\w\- ]+", "", stem, flags=re.UNICODE).strip()[:80] or "document"
    return f"{stem}{extension}"


def inspect_upload(upload: UploadedFile) -> InspectedUpload:
    """Check an upload and return what may be kept; a clear error otherwise.

    Reads at most `MAX_UPLOAD_BYTES + 1` bytes; never expands an archive;
    decodes an image only when its header shows it is within `MAX_IMAGE_PIXELS`.
    """
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(_("The file is larger than 10 MB."), field="upload")
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise DomainError(_("The file is larger than 10 MB."), field="upload")
    if not content:
        raise DomainError(_("The file is empty."), field="upload")
    content_type = sniff(content, field="upload")
    if content_type is None or content_type not in ALLOWED:
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
