"""PDFs print with the fonts the project ships (portal/fonts), on a machine without any font installed (issue #18).

An Urdu PDF printed on a server without Debian's Noto packages showed empty boxes for ہ and ے. The decisive test
prints in a child process whose fontconfig knows no font at all, and reads the text back with the small PDF reader
below (no poppler needed): what a search, a copy or a screen reader gets.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import polib
import pytest
from django.conf import settings
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from portal import pdf

ROOT = Path(__file__).resolve().parents[2]
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")

# Run in the child: prints the referral slip (the real template) in Urdu, Arabic and Serbian and says which
# fonts fontconfig knew and what WeasyPrint complained about (a .notdef glyph, a font face it could not load).
CHILD = r"""
import json, logging, sys
import django
django.setup()
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from portal import pdf
from portal.qr import qr_svg

complaints = []
class Complaints(logging.Handler):
    def emit(self, record):
        complaints.append(record.getMessage())
logging.getLogger("weasyprint").addHandler(Complaints(level=logging.WARNING))

weasyprint = pdf._weasyprint()
from weasyprint.text.ffi import fontconfig
system_fonts = fontconfig.FcConfigGetFonts(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcSetSystem).nfont

out, printed = sys.argv[1], {}
for language, centre, city, service in json.loads(sys.argv[2]):
    slip = {"code": "R-7Q2K", "centre": centre, "city": city, "service": service, "organization": "IOM",
            "due_on": None}
    with translation.override(language):
        html = render_to_string("referrals/slip.html", {"slip": slip, "qr": qr_svg("https://x.test/r/1"),
                                                        "link": "https://x.test/r/1", **pdf.language_context()})
        title = gettext("Referral slip")
    path = f"{out}/{language}.pdf"
    with open(path, "wb") as handle:
        handle.write(pdf.write_pdf(html))
    printed[language] = {"path": path, "title": title}
print(json.dumps({"system_fonts": system_fonts, "complaints": complaints, "printed": printed}))
"""

SLIPS = [
    # Urdu: ہ and ے (the letters that were boxes), ڈ ٹ ں; an Arabic-script centre and city.
    ("ur", "مشاورتی مرکز لاہور", "ڈیرہ اسماعیل خان", "ملازمت کی تلاش اور ٹریننگ میں مدد"),
    ("ar", "مركز الاستشارات", "الدار البيضاء", "المساعدة في البحث عن عمل"),
    ("sr-latn", "Savetovalište Đakovica", "Niš", "Pomoć pri traženju posla"),
]


def _empty_fontconfig(folder: Path) -> Path:
    """A fontconfig configuration that names no font folder: fontconfig then knows no font at all."""
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><cachedir>{folder / 'cache'}</cachedir></fontconfig>\n"
    )
    return conf


def test_pdfs_print_every_letter_on_a_machine_without_fonts(tmp_path) -> None:
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(_empty_fontconfig(tmp_path)),
        "FONTCONFIG_PATH": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),  # no ~/.local/share/fonts either
        "HOME": str(tmp_path),  # nor ~/.fonts
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", CHILD, str(tmp_path), json.dumps(SLIPS)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["system_fonts"] == 0  # the premise: fontconfig found no font on this "machine"
    font_complaints = [text for text in report["complaints"] if "glyph" in text or "font" in text.lower()]
    assert font_complaints == []  # no .notdef glyph, no font face that failed to load

    for language, centre, city, service in SLIPS:
        printed = report["printed"][language]
        document = Path(printed["path"]).read_bytes()
        assert _font_names(document) <= {"Noto-Sans", "Noto-Sans-Bold", "Noto-Naskh-Arabic", "Noto-Naskh-Arabic-Bold"}
        assert not _has_notdef_encoding(document)
        text = pdf_text(document)
        for expected in (printed["title"], centre, city, service, "R-7Q2K"):
            assert expected in text, (language, expected, text)
    urdu = pdf_text(Path(report["printed"]["ur"]["path"]).read_bytes())
    for letter in "ہےڈٹں":
        assert letter in urdu


def test_the_urdu_and_arabic_slips_are_laid_out_in_naskh_and_the_latin_ones_in_noto_sans() -> None:
    assert pdf.fonts_for("ur").startswith('"Noto Naskh Arabic"')
    assert pdf.fonts_for("ar").startswith('"Noto Naskh Arabic"')
    for language in ("en", "de", "fr", "sq", "sr-latn", "id"):
        assert pdf.fonts_for(language).startswith('"Noto Sans"')


def test_the_font_faces_name_the_shipped_files_by_path() -> None:
    css = pdf.font_face_css()
    for font in pdf.FONT_FILES:
        assert font.path.is_file() and font.path.parent == ROOT / "portal" / "fonts"
        assert f'src: url("{font.path.as_uri()}")' in css
    assert (ROOT / "portal" / "fonts" / "OFL.txt").is_file()
    assert sum(font.path.stat().st_size for font in pdf.FONT_FILES) < 2_000_000


def test_the_shipped_fonts_draw_every_letter_the_pdfs_print_in_all_eight_languages() -> None:
    """Each catalogue's strings that PDF templates or the report's code print, and the PDF templates themselves."""
    pdf_sources = ("pdf.html", "slip.html", "export_pdf.html", "data_pdf.html", "reports/", "referrals/slip.py")
    naskh = _cmap("NotoNaskhArabic-Regular.ttf") & _cmap("NotoNaskhArabic-Bold.ttf")
    sans = _cmap("NotoSans-Regular.ttf") & _cmap("NotoSans-Bold.ttf")
    for language, _name in settings.LANGUAGES:
        folder = "sr_Latn" if language == "sr-latn" else language
        letters: set[str] = set()
        for entry in polib.pofile(str(ROOT / "locale" / folder / "LC_MESSAGES" / "django.po")):
            if any(source in path for path, _line in entry.occurrences for source in pdf_sources):
                letters |= set(entry.msgstr or entry.msgid)
                letters |= set("".join(entry.msgstr_plural.values()))
        drawn = naskh | sans  # the font list always names both (pdf.fonts_for)
        missing = {letter for letter in letters if not letter.isspace() and ord(letter) not in drawn}
        assert not missing, (language, sorted(missing))
        assert len(letters) > 40  # the filter found the PDFs' strings


def test_healthz_is_degraded_while_a_report_font_cannot_load(client, db, monkeypatch, tmp_path) -> None:
    assert pdf.font_problems() == []
    assert client.get("/healthz").json()["fonts"] == "ok"

    monkeypatch.setattr(pdf, "FONT_DIR", tmp_path)  # the fonts are gone
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"  # PDFs fail; the pages are still served
    assert body["fonts"].startswith("error: NotoNaskhArabic-Regular.ttf: FileNotFoundError")
    assert "fonts_since" in body

    (tmp_path / "NotoNaskhArabic-Regular.ttf").write_bytes(b"not a font")
    for font in pdf.FONT_FILES[1:]:
        (tmp_path / font.name).write_bytes(font_bytes(font.name))
    assert pdf.font_problems() == ["NotoNaskhArabic-Regular.ttf: unreadable (TTLibError)"]
    # A Latin font in the Urdu font's place cannot draw Urdu: that is a problem too.
    (tmp_path / "NotoNaskhArabic-Regular.ttf").write_bytes(font_bytes("NotoSans-Regular.ttf"))
    problems = pdf.font_problems()
    assert len(problems) == 1 and problems[0].startswith("NotoNaskhArabic-Regular.ttf: no glyph for ")
    assert "ہ" in problems[0] and "ے" in problems[0]


def font_bytes(name: str) -> bytes:
    return (ROOT / "portal" / "fonts" / name).read_bytes()


def _cmap(name: str) -> set[int]:
    with TTFont(ROOT / "portal" / "fonts" / name, lazy=True) as font:
        return set(font.getBestCmap())


# A small reader for the PDFs WeasyPrint writes (pydyf: Flate streams, objects in object streams, Type0 fonts
# with Identity-H glyph ids and a ToUnicode map): enough to get the drawn text back without poppler.


def _objects(document: bytes) -> dict[int, bytes]:
    """Every object's dictionary (and its decoded stream after b"stream"), object streams opened."""
    objects: dict[int, bytes] = {}
    for match in re.finditer(rb"(\d+) 0 obj\s*", document):
        start = match.end()
        head_end = document.find(b"endobj", start)
        stream_at = document.find(b"stream", start, head_end)
        if stream_at == -1:
            objects[int(match[1])] = document[start:head_end]
            continue
        head = document[start:stream_at]
        length = int(re.search(rb"/Length (\d+)", head)[1])  # type: ignore[index]
        data_start = stream_at + len(b"stream") + (2 if document[stream_at + 6 : stream_at + 8] == b"\r\n" else 1)
        data = document[data_start : data_start + length]
        if b"/FlateDecode" in head:
            data = zlib.decompress(data)
        objects[int(match[1])] = head + b"stream\n" + data
        if b"/ObjStm" in head:
            first = int(re.search(rb"/First (\d+)", head)[1])  # type: ignore[index]
            numbers = [int(value) for value in data[:first].split()]
            pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
            for index, (number, offset) in enumerate(pairs):
                end = first + pairs[index + 1][1] if index + 1 < len(pairs) else len(data)
                objects[number] = data[first + offset : end]
    return objects


def _stream(body: bytes) -> bytes:
    return body.split(b"stream\n", 1)[1]


def _font_names(document: bytes) -> set[str]:
    """The embedded fonts' names without their subset tag ("Noto-Sans" for "HUHQIP+Noto-Sans")."""
    names = set()
    for body in _objects(document).values():
        if b"/Type /Font" in body and b"/BaseFont" in body:
            names.add(re.search(rb"/BaseFont /(?:[A-Z]{6}\+)?(\S+?)(?=[/>\s])", body)[1].decode())  # type: ignore[index]
    return names


def _has_notdef_encoding(document: bytes) -> bool:
    """WeasyPrint gives a font with missing glyphs its own encoding (WP-Encod-…) so they print as .notdef."""
    return any(b"WP-Encod" in body for body in _objects(document).values())


def pdf_text(document: bytes) -> str:
    """The drawn text, one line per text run; Arabic-script runs back in reading order."""
    objects = _objects(document)
    to_unicode: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, number in re.findall(rb"/(\w+) (\d+) 0 R", body.split(b"stream\n", 1)[0]):
            font_object = objects.get(int(number), b"")
            if b"/Type /Font" in font_object and (cmap := re.search(rb"/ToUnicode (\d+) 0 R", font_object)):
                to_unicode[name] = _cmap_of(_stream(objects[int(cmap[1])]))
    lines = []
    for body in objects.values():
        if b"stream\n" not in body or b"TJ" not in _stream(body):
            continue
        # Glyphs by the line they sit on (y) and where on it (x): a line may be drawn in several pieces.
        drawn: dict[float, list[tuple[float, list[str]]]] = {}
        font: dict[int, str] = {}
        x = y = 0.0
        operators = rb"([-\d.]+) ([-\d.]+) Tm|/(\w+) [\d.]+ Tf|\[(.*?)\]\s*TJ"
        for match in re.finditer(operators, _stream(body), re.S):
            if match[1]:
                x, y = float(match[1]), round(float(match[2]), 1)
            elif match[3]:
                font = to_unicode[match[3]]
            else:
                runs = re.findall(rb"<([0-9a-fA-F]*)>", match[4])
                drawn.setdefault(y, []).append(
                    (x, [font.get(int(code, 16), "\ufffd") for r in runs for code in _fours(r)])
                )
        for _y, pieces in sorted(drawn.items()):
            texts = [text for _x, glyphs in sorted(pieces, key=lambda piece: piece[0]) for text in glyphs]
            if ARABIC_SCRIPT.search("".join(texts)):
                texts.reverse()  # drawn left to right; read right to left
            lines.append("".join(texts))
    return "\n".join(lines)


def _fours(run: bytes) -> list[bytes]:
    return [run[index : index + 4] for index in range(0, len(run), 4)]


def _cmap_of(cmap: bytes) -> dict[int, str]:
    """Glyph id to text, from a ToUnicode CMap's bfchar and bfrange entries."""
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for glyph, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(glyph, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            first = int(text, 16)
            for offset, glyph in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[glyph] = chr(first + offset)
    return mapping


@pytest.mark.parametrize("language", ["ur", "ar"])
def test_the_reader_above_gets_the_printed_words_back(language: str) -> None:
    """The reader is checked on the kind of PDF it is used on: the words come back as printed, in reading order."""
    words = {"ur": "یہ ملازمت کی تلاش ہے", "ar": "تقرير التوظيف في الدار البيضاء"}[language]
    html = f"<html lang='{language}' dir='rtl'><body style='font-family: {pdf.fonts_for(language)}'><p>{words}</p>"
    assert words in pdf_text(pdf.write_pdf(html))
