"""PDF printing with WeasyPrint: the fonts every printed document uses, the worker warm-up, HTML to PDF bytes.

The documents themselves (a report, a referral slip, a data-subject export) render their own
templates and hand the HTML to `write_pdf`. WeasyPrint is imported only when a PDF is printed:
loading it takes about a second, which a web process that prints nothing should not pay.

The fonts ship with the project (portal/fonts/, SIL Open Font License) and every document gets them
through `@font-face` rules that name the files by path, so a server needs no font packages: an Urdu
report printed on a machine without Debian's Noto packages once showed empty boxes for ہ and ے.
"""

from __future__ import annotations

import atexit
import os
import threading
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation

FONT_DIR = Path(__file__).resolve().parent / "fonts"

# Naskh carries the Arabic script (Arabic and Urdu, with Arabic-Indic digits) but no Latin letters; Noto
# Sans carries Latin (with the Albanian, Serbian, French, German and Indonesian letters) and Cyrillic.
NASKH = "Noto Naskh Arabic"
SANS = "Noto Sans"

# Urdu is printed in Naskh, not Nastaliq, on purpose. Noto Nastaliq Urdu draws a word from shared
# letter bodies and separate dot glyphs, so one glyph stands for many letters; a PDF can map each
# glyph to one text only (its ToUnicode table) and WeasyPrint writes no /ActualText spans, so
# pdftotext, copy and paste, search and screen readers got scrambled words ("م ش یر" for "مشیر";
# measured again with WeasyPrint 70, the font loaded by path and poppler, 2026-12). A report is a
# working document that is searched, quoted in e-mails and read aloud: correct text serves Urdu
# readers better than the calligraphic style, and Naskh is the style of most Urdu text on screens.
# The web pages, where the browser keeps the text, still use Nastaliq.
ARABIC_SCRIPT_FONTS = f'"{NASKH}", "{SANS}", sans-serif'
LATIN_FONTS = f'"{SANS}", "{NASKH}", sans-serif'
FONTS = LATIN_FONTS  # what a template without a language gets


@dataclass(frozen=True)
class FontFile:
    """One shipped font file, and letters it must draw (what /healthz checks it still can)."""

    family: str
    weight: int
    name: str
    sample: str

    @property
    def path(self) -> Path:
        return FONT_DIR / self.name


# ہ and ے are the Urdu letters that came out as empty boxes; ڈ ڑ ں ٹ are Urdu only, ٣ an Arabic-Indic digit.
FONT_FILES = (
    FontFile(NASKH, 400, "NotoNaskhArabic-Regular.ttf", "ابتثجحخ ہےڈڑںٹ ٣"),
    FontFile(NASKH, 700, "NotoNaskhArabic-Bold.ttf", "ابتثجحخ ہےڈڑںٹ ٣"),
    FontFile(SANS, 400, "NotoSans-Regular.ttf", "Aaëçćčđšžß× Жж“”„«»–"),
    FontFile(SANS, 700, "NotoSans-Bold.ttf", "Aaëçćčđšžß× Жж“”„«»–"),
)


def fonts_for(language: str | None) -> str:
    """The CSS `font-family` list for a document in `language`: its own script's font first."""
    bidi = language is not None and language.split("-")[0] in settings.LANGUAGES_BIDI
    return ARABIC_SCRIPT_FONTS if bidi else LATIN_FONTS


def font_face_css() -> str:
    """`@font-face` rules naming each shipped font file by its path (a file: URL)."""
    return "\n".join(
        f'@font-face {{ font-family: "{font.family}"; font-weight: {font.weight}; src: url("{font.path.as_uri()}"); }}'
        for font in FONT_FILES
    )


def font_problems() -> list[str]:
    """What keeps a shipped font from printing: a missing or unreadable file, or letters it does not draw.

    Cheap enough for every /healthz: the files are parsed once per (path, size, modification time).
    """
    problems = []
    for font in FONT_FILES:
        try:
            stat = font.path.stat()
        except OSError as exc:
            problems.append(f"{font.name}: {exc.__class__.__name__}")
            continue
        problem = _font_problem(str(font.path), stat.st_size, stat.st_mtime_ns, font.sample)
        if problem:
            problems.append(f"{font.name}: {problem}")
    return problems


@cache
def _font_problem(path: str, _size: int, _mtime_ns: int, sample: str) -> str:
    """ "" when the file at `path` is a font that has a glyph for each letter of `sample`, else what is wrong."""
    from fontTools.ttLib import TTFont, TTLibError  # type: ignore[import-untyped]

    try:
        with open(path, "rb") as handle:  # closed even when fontTools gives up half-way through the file
            cmap = TTFont(handle, lazy=True).getBestCmap() or {}
    except (OSError, TTLibError, AssertionError, KeyError) as exc:  # fontTools asserts on a damaged table
        return f"unreadable ({exc.__class__.__name__})"
    missing = "".join(sorted({letter for letter in sample if not letter.isspace() and ord(letter) not in cmap}))
    return f"no glyph for {missing}" if missing else ""


def language_context() -> dict[str, Any]:
    """What a PDF template needs to print in the active language: the fonts, the language and its direction."""
    language = translation.get_language()
    return {
        "fonts": fonts_for(language),
        "LANGUAGE_CODE": language,
        "LANGUAGE_BIDI": translation.get_language_bidi(),
    }


def _weasyprint() -> Any:
    """The weasyprint module, imported without its warning about a machine without system fonts.

    WeasyPrint warns ("No fonts configured in FontConfig") on import when fontconfig finds no font:
    expected here, since every document brings its own fonts (`font_face_css`), and under
    `pytest -W error` the warning would stop the import itself.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"(No fonts configured|FontConfig cannot load)", category=UserWarning)
        import weasyprint

    return weasyprint


def render_document(html: str) -> Any:
    """The laid-out WeasyPrint document of `html`, with the shipped fonts (its `write_pdf()` gives the bytes)."""
    weasyprint = _weasyprint()
    with _layout_lock:
        font_config, fonts = _shipped_fonts()
        return weasyprint.HTML(string=html).render(stylesheets=[fonts], font_config=font_config)


# This process's font configuration, with the shipped fonts added, shared by its documents. A configuration
# per document (WeasyPrint's default) copies and scans the font files each time: measured 2026-12, it doubled
# the time of a one-page document (0.5 s to 1.1 s). Pango's font map is not for several threads at once (gunicorn
# runs threads), so layout takes the lock.
_layout_lock = threading.RLock()
_shipped: list[tuple[Any, Any]] = []  # (FontConfiguration, CSS of the @font-face rules), once made


def _shipped_fonts() -> tuple[Any, Any]:
    """This process's (FontConfiguration, CSS of the `@font-face` rules); the caller holds `_layout_lock`."""
    if not _shipped:
        weasyprint = _weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        _shipped.append((font_config, weasyprint.CSS(string=font_face_css(), font_config=font_config)))
    return _shipped[0]


def _after_fork_in_child() -> None:
    """A worker's child keeps the configuration its parent made in `warm_up`, but not the duty to clean it up.

    WeasyPrint removes a configuration's temporary copies of the fonts when the configuration is dropped; those
    copies are the parent's (it outlives its children) and the other children use them, so the child's copy of
    the configuration forgets their folder. A lock held by another thread of the parent stays held in the child:
    the child gets a new one.
    """
    global _layout_lock
    _layout_lock = threading.RLock()
    for font_config, _css in _shipped:
        font_config._folder = None


os.register_at_fork(after_in_child=_after_fork_in_child)
# Dropped while the interpreter is whole, so the configuration removes its temporary copies of the fonts
# (at interpreter teardown its clean-up finds its own imports gone).
atexit.register(_shipped.clear)


def write_pdf(html: str) -> bytes:
    """The PDF bytes of an HTML document (its styles inline; fonts from portal/fonts)."""
    return render_document(html).write_pdf()


def warm_up() -> bytes:
    """Load WeasyPrint and the fonts once: a worker of the reports queue calls it before its children fork.

    The first PDF of a fresh process otherwise spends about a second importing WeasyPrint and letting
    fontconfig and Pango find and load the fonts (measured in issue #9, E12).
    """
    sample = (
        f"<p style='font-family: {LATIN_FONTS}'>Report Извештај <b>Shqipëri</b></p>"
        f"<p style='font-family: {ARABIC_SCRIPT_FONTS}' dir='rtl'>تقرير <b>رپورٹ</b></p>"
    )
    return write_pdf(sample)
