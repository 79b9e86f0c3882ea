"""The PDF report: the dashboard's numbers and SVG charts, printed by WeasyPrint in the chosen language."""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.reports.forms import period_names, periods_for
from portal.reports.models import ReportBuild
from portal.reports.selectors import Report, get_report, scope_of_build

# The scripts a report may need, in the order a browser would try them: Arabic (Naskh), Urdu
# (Nastaliq), then Latin and Cyrillic. Debian: fonts-noto-core, fonts-noto-extra, fonts-dejavu-core.
FONTS = '"Noto Naskh Arabic", "Noto Nastaliq Urdu", "DejaVu Sans", sans-serif'


def render_report_html(build: ReportBuild, report: Report) -> str:
    """The report as HTML, in the active language; the same tables and charts as the dashboard."""
    return render_to_string(
        "portal/reports/pdf.html",
        {
            "build": build,
            "report": report,
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
        progress(40)
        html = render_report_html(build, report)
    progress(60)
    document = HTML(string=html).render()
    progress(85)
    return document.write_pdf()
