"""The PDF report: the dashboard's numbers and SVG charts, printed by WeasyPrint in the chosen language."""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.reports.forms import period_names, periods_for
from portal.reports.models import ReportBuild
from portal.reports.selectors import Comparison, Report, get_comparison, get_report, scope_of_build

# The scripts a report may need, in the order a browser would try them: Arabic script (Naskh), then
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


def warm_up() -> bytes:
    """Load WeasyPrint and the report's fonts once: a reports worker calls it before its children fork.

    The first PDF of a fresh process otherwise spends about a second importing WeasyPrint and letting
    fontconfig and Pango find and load the fonts (measured in issue #9, E12).
    """
    from weasyprint import HTML

    sample = '<p style="font-family: {}">Report تقرير رپورٹ Извештај</p>'.format(FONTS.replace('"', "'"))
    return HTML(string=sample).write_pdf()


def render_report_html(build: ReportBuild, report: Report, comparison: Comparison | None = None) -> str:
    """The report as HTML, in the active language; the same tables, charts and comparison as the dashboard."""
    return render_to_string(
        "portal/reports/pdf.html",
        {
            "build": build,
            "report": report,
            "comparison": comparison,
            "scope": report.scope,
            "period_names": period_names(),
            "fonts": FONTS,
            "LANGUAGE_CODE": translation.get_language(),
            "LANGUAGE_BIDI": translation.get_language_bidi(),
            "generated_at": timezone.now(),
        },
    )


def render_report_pdf(build: ReportBuild, *, progress: Callable[[int], None] = lambda _p: None) -> bytes:
    """The PDF bytes of a build, in its language; `progress` is told how far it got (0-100)."""
    from weasyprint import HTML

    scope = scope_of_build(build)
    with translation.override(build.language):
        report = get_report(scope=scope, periods=periods_for(build.period_kind, build.period_start, build.period_end))
        comparison = get_comparison(scope=scope, period=report.periods[0])
        progress(40)
        html = render_report_html(build, report, comparison)
    progress(60)
    document = HTML(string=html).render()
    progress(85)
    return document.write_pdf()
