"""The PDF report: the dashboard's numbers and SVG charts, printed by WeasyPrint in the chosen language.

Fonts, the worker's warm-up and the printing itself are the foundation's (portal.pdf).
"""

from __future__ import annotations

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.pdf import language_context, render_document
from portal.timezones import valid_zone, zone_name_for
from reports.models import ReportBuild
from reports.periods import period_names, periods_for
from reports.selectors import Comparison, Report, get_comparison, get_report, scope_of_build


def render_report_html(build: ReportBuild, report: Report, comparison: Comparison | None = None) -> str:
    """The report as HTML, in the active language and the build's zone (`report_zone_name`); the same tables,
    charts and comparison as the dashboard."""
    with timezone.override(valid_zone(report_zone_name(build))):
        return render_to_string(
            "reports/pdf.html",
            {
                "build": build,
                "report": report,
                "comparison": comparison,
                "scope": report.scope,
                "period_names": period_names(),
                **language_context(),
                "generated_at": timezone.now(),
            },
        )


def report_zone_name(build: ReportBuild) -> str:
    """The zone a build's times ("generated on") are printed in: the requester's, else its centre's or
    country's, else UTC (a programme-wide scheduled build)."""
    if build.requested_by_id:
        return zone_name_for(build.requested_by)
    country = build.centre.country if build.centre is not None else build.country
    return country.timezone if country is not None and valid_zone(country.timezone) else "UTC"


def render_report_pdf(build: ReportBuild, *, progress: Callable[[int], None] = lambda _p: None) -> bytes:
    """The PDF bytes of a build, in its language and zone; `progress` is told how far it got (0-100)."""
    scope = scope_of_build(build)
    with translation.override(build.language):
        report = get_report(scope=scope, periods=periods_for(build.period_kind, build.period_start, build.period_end))
        comparison = get_comparison(scope=scope, period=report.periods[0])
        progress(40)
        html = render_report_html(build, report, comparison)
    progress(60)
    document = render_document(html)
    progress(85)
    return document.write_pdf()
