"""PDF printing with WeasyPrint: the fonts every printed document uses, the worker warm-up, HTML to PDF bytes.

The documents themselves (a report, a referral slip, a data-subject export) render their own
templates and hand the HTML to `write_pdf`. WeasyPrint is imported only when a PDF is printed:
loading it takes about a second, which a web process that prints nothing should not pay.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

# The scripts a document may need, in the order a browser would try them: Arabic script (Naskh), then
# Latin and Cyrillic. Debian: fonts-noto-core, fonts-noto-extra, fonts-dejavu-core.
#
# Urdu is printed in Naskh, not Nastaliq, on purpose. Noto Nastaliq Urdu draws a word from shared
# letter bodies and separate dot glyphs, so one glyph stands for many letters; a PDF can map each
# glyph to one text only (its ToUnicode table) and WeasyPrint writes no /ActualText spans, so
# pdftotext, copy and paste, search and screen readers got scrambled words (e.g. "ش ی ر" for
# "مشیر"; measured with WeasyPrint 70 and poppler, 2026-11). A report is a working document that
# is searched, quoted in e-mails and read aloud: correct text serves Urdu readers better than the
# calligraphic style, and Naskh is the style of most Urdu text on screens. The web pages, where the
# browser keeps the text, still use Nastaliq.
FONTS = '"Noto Naskh Arabic", "DejaVu Sans", sans-serif'


def language_context() -> dict[str, Any]:
    """What a PDF template needs to print in the active language: the fonts, the language and its direction."""
    return {
        "fonts": FONTS,
        "LANGUAGE_CODE": translation.get_language(),
        "LANGUAGE_BIDI": translation.get_language_bidi(),
    }


def render_document(html: str) -> Any:
    """The laid-out WeasyPrint document of `html` (its `write_pdf()` gives the bytes)."""
    from weasyprint import HTML

    return HTML(string=html).render()


def write_pdf(html: str) -> bytes:
    """The PDF bytes of an HTML document (its styles inline; fonts from FONTS)."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def warm_up() -> bytes:
    """Load WeasyPrint and the fonts once: a worker of the reports queue calls it before its children fork.

    The first PDF of a fresh process otherwise spends about a second importing WeasyPrint and letting
    fontconfig and Pango find and load the fonts (measured in issue #9, E12).
    """
    sample = '<p style="font-family: {}">Report تقرير رپورٹ Извештај</p>'.format(FONTS.replace('"', "'"))
    return write_pdf(sample)
