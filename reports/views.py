"""Views of the reports: the indicator catalogue, dashboards per scope and period, CSV and XLSX exports,
PDF reports (request, status, download) and the report archive per scope."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.audit import record_event
from portal.errors import DomainError, apply_domain_error
from portal.http import AuthenticatedRequest
from portal.routers import replica_reads
from portal.views import role_required
from reports.audit import ReportsAudit
from reports.forms import PeriodForm, ReportRequestForm
from reports.indicators import INDICATORS
from reports.models import BuildStatus
from reports.periods import MONTH
from reports.selectors import (
    CENTRE,
    COUNTRY,
    PROGRAMME,
    REPORT_ROLES,
    Comparison,
    Report,
    Scope,
    data_as_of,
    default_scope,
    get_build,
    get_centre_scope,
    get_comparison,
    get_country_scope,
    get_programme_scope,
    get_report,
    get_scope,
    list_builds,
    list_scope_centres,
    scope_key,
)
from reports.services import request_report
from reports.suppression import Cell

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@role_required(*REPORT_ROLES)
@require_GET
def indicator_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "reports/indicator_list.html", {"indicators": INDICATORS})


@role_required(*REPORT_ROLES)
@require_GET
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """The dashboard a user starts from: the programme, their country or their centre."""
    target = default_scope(request.access)
    if target is None:
        raise Http404
    query = request.GET.urlencode()
    return redirect(reverse(target[0], kwargs=target[1]) + (f"?{query}" if query else ""))


def _show(request: HttpRequest, scope: Scope, export_name: str, kwargs: dict[str, Any]) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    with replica_reads():  # reporting reads go to the replica when one is configured (portal/routers.py)
        report = get_report(scope=scope, periods=form.periods()) if form.is_valid() else None
        comparison = get_comparison(scope=scope, period=report.periods[0]) if report else None
        centres = list_scope_centres(scope=scope)
        as_of = data_as_of()
    context = {
        "as_of": as_of,
        "scope": scope,
        "form": form,
        "report": report,
        "comparison": comparison,
        "period_names": form.period_names,
        "centres": centres,
        "exports": [(fmt, reverse(export_name, kwargs={**kwargs, "fmt": fmt})) for fmt in FORMATS],
        "query": request.GET.urlencode(),
        "pdf_url": _scope_url(scope, "build-request"),
        "archive_url": _scope_url(scope, "build-list"),
    }
    return render(request, "reports/dashboard.html", context, status=200 if form.is_valid() else 400)


@role_required(*REPORT_ROLES)
@require_GET
def centre_dashboard(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    scope = get_centre_scope(access=request.access, public_id=public_id)
    return _show(request, scope, "reports:centre-export", {"public_id": public_id})


@role_required(*REPORT_ROLES)
@require_GET
def country_dashboard(request: AuthenticatedRequest, code: str) -> HttpResponse:
    scope = get_country_scope(access=request.access, code=code)
    return _show(request, scope, "reports:country-export", {"code": code})


@role_required(*REPORT_ROLES)
@require_GET
def programme_dashboard(request: AuthenticatedRequest) -> HttpResponse:
    scope = get_programme_scope(access=request.access)
    return _show(request, scope, "reports:programme-export", {})


# --- Exports ----------------------------------------------------------------------------------------------


def _value(cell: Cell) -> Any:
    """A number where the cell shows one, else what it shows ("<5", "×", "12 %")."""
    return cell.count if cell.count is not None and cell.display == str(cell.count) else cell.display


def csv_delimiter() -> str:
    """The CSV separator: ";" where the active language's decimal mark is a comma (de, fr, sq, sr-latn, id, ar)."""
    # A spreadsheet program set up for such a language splits a CSV line at ";", the list separator of regional
    # settings whose decimal mark is ","; with "," every line would land in one column.
    return ";" if formats.get_format("DECIMAL_SEPARATOR") == "," else ","


def _comparison_rows(comparison: Comparison) -> list[list[Any]]:
    """The comparison table: a heading row, then code, indicator, one value per column and the total."""
    header = [_("Code"), str(comparison.heading), *comparison.columns, _("Total")]
    return [header, *([row.key, str(row.label), *[_value(c) for c in row.cells]] for row in comparison.rows)]


def _table_rows(report: Report) -> Iterator[list[Any]]:
    """Every indicator table as flat rows: code, indicator, breakdown, row, then one value per period."""
    for result in report.results:
        name = str(result.indicator.name)
        yield [result.indicator.code, name, _("Total"), "", *[_value(c) for c in result.total]]
        for breakdown in result.breakdowns:
            for row in breakdown.rows:
                values = [_value(c) for c in row.cells]
                yield [result.indicator.code, name, str(breakdown.name), str(row.label), *values]


def _export(request: HttpRequest, scope: Scope, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    form = PeriodForm(request.GET or None)
    if not form.is_valid():
        return HttpResponse(" ".join(form.non_field_errors()) or _("Choose a valid period."), status=400)
    with replica_reads():
        report = get_report(scope=scope, periods=form.periods())
        comparison = get_comparison(scope=scope, period=report.periods[0])
    header = [_("Code"), _("Indicator"), _("Table"), _("Row"), *[p.label for p in report.periods]]
    names = [_("Code"), "", "", "", *form.period_names]
    rows = [names, header, *_table_rows(report)]
    compared = _comparison_rows(comparison) if comparison else []
    record_event(
        actor=request.user,
        action=ReportsAudit.EXPORT_DOWNLOADED,
        centre=scope.centre,
        details={"scope": scope.kind, "format": fmt, "start": report.periods[0].start.isoformat()},
    )
    filename = f"report-{scope.kind}-{report.periods[0].start:%Y%m%d}-{report.periods[0].end:%Y%m%d}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # spreadsheet programs read UTF-8 by this mark
        writer = csv.writer(buffer, delimiter=csv_delimiter())
        writer.writerows(rows)
        if compared:
            writer.writerows([[], *compared])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Indicators")[:31]
        sheet.sheet_view.rightToLeft = translation.get_language_bidi()  # Arabic and Urdu read from the right
        for row in rows:
            sheet.append(row)
        if compared:
            second = workbook.create_sheet(_("Comparison")[:31])
            second.sheet_view.rightToLeft = sheet.sheet_view.rightToLeft
            for row in compared:
                second.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(*REPORT_ROLES)
@require_GET
def centre_export(request: AuthenticatedRequest, public_id: Any, fmt: str) -> HttpResponse:
    return _export(request, get_centre_scope(access=request.access, public_id=public_id), fmt)


@role_required(*REPORT_ROLES)
@require_GET
def country_export(request: AuthenticatedRequest, code: str, fmt: str) -> HttpResponse:
    return _export(request, get_country_scope(access=request.access, code=code), fmt)


@role_required(*REPORT_ROLES)
@require_GET
def programme_export(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    return _export(request, get_programme_scope(access=request.access), fmt)


# --- PDF reports and the archive ---------------------------------------------------------------------------

# Seconds between reloads of the status page while a report is being built (no JavaScript).
REFRESH_SECONDS = 3


def _scope_url(scope: Scope, suffix: str) -> str:
    key = scope_key(scope)
    if scope.kind == CENTRE:
        return reverse(f"reports:centre-{suffix}", kwargs={"public_id": key})
    if scope.kind == COUNTRY:
        return reverse(f"reports:country-{suffix}", kwargs={"code": key})
    return reverse(f"reports:programme-{suffix}")


def _request_pdf(request: AuthenticatedRequest, kind: str, key: Any = None) -> HttpResponse:
    """GET: the request form (period from the dashboard's query); POST: queue the build, show its status."""
    scope = get_scope(access=request.access, kind=kind, key=key)
    if request.method == "POST":
        form = ReportRequestForm(request.POST)
    else:
        today = timezone.localdate()
        data = {"period": MONTH, "year": today.year, "month": today.month, "language": translation.get_language()}
        form = ReportRequestForm({**data, **request.GET.dict()})
    if request.method == "POST" and form.is_valid():
        start, end = form.cleaned_data["range"]
        try:
            build = request_report(
                access=request.access,
                actor=request.user,
                scope_kind=kind,
                scope_key=key,
                period_kind=form.cleaned_data["period"],
                start=start,
                end=end,
                language=form.cleaned_data["language"],
                notes=form.cleaned_data["notes"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            return redirect("reports:build-detail", public_id=build.public_id)
    status = 400 if form.is_bound and form.errors and request.method == "POST" else 200
    context = {"scope": scope, "form": form, "archive_url": _scope_url(scope, "build-list")}
    return render(request, "reports/build_request.html", context, status=status)


@role_required(*REPORT_ROLES)
@require_http_methods(["GET", "POST"])
def centre_build_request(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    return _request_pdf(request, CENTRE, public_id)


@role_required(*REPORT_ROLES)
@require_http_methods(["GET", "POST"])
def country_build_request(request: AuthenticatedRequest, code: str) -> HttpResponse:
    return _request_pdf(request, COUNTRY, code)


@role_required(*REPORT_ROLES)
@require_http_methods(["GET", "POST"])
def programme_build_request(request: AuthenticatedRequest) -> HttpResponse:
    return _request_pdf(request, PROGRAMME)


def _archive(request: HttpRequest, scope: Scope) -> HttpResponse:
    context = {
        "scope": scope,
        "builds": list_builds(scope=scope),
        "request_url": _scope_url(scope, "build-request"),
    }
    return render(request, "reports/build_list.html", context)


@role_required(*REPORT_ROLES)
@require_GET
def centre_build_list(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    return _archive(request, get_centre_scope(access=request.access, public_id=public_id))


@role_required(*REPORT_ROLES)
@require_GET
def country_build_list(request: AuthenticatedRequest, code: str) -> HttpResponse:
    return _archive(request, get_country_scope(access=request.access, code=code))


@role_required(*REPORT_ROLES)
@require_GET
def programme_build_list(request: AuthenticatedRequest) -> HttpResponse:
    return _archive(request, get_programme_scope(access=request.access))


@role_required(*REPORT_ROLES)
@require_GET
def build_detail(request: AuthenticatedRequest, public_id: Any) -> HttpResponse:
    """The status of a build: progress (the page reloads itself while it runs), then the download link."""
    build, scope = get_build(access=request.access, public_id=public_id)
    context = {
        "build": build,
        "scope": scope,
        "refresh": REFRESH_SECONDS if build.is_active else None,
        "archive_url": _scope_url(scope, "build-list"),
        "request_url": _scope_url(scope, "build-request"),
    }
    return render(request, "reports/build_detail.html", context)


@role_required(*REPORT_ROLES)
@require_GET
def build_download(request: AuthenticatedRequest, public_id: Any) -> FileResponse:
    """The finished PDF, after the scope check, as an attachment; every download is audited."""
    build, scope = get_build(access=request.access, public_id=public_id)
    if build.status != BuildStatus.DONE or not build.file:
        raise Http404
    record_event(
        actor=request.user,
        action=ReportsAudit.BUILD_DOWNLOADED,
        target=build,
        centre=build.centre_id,
        details={"scope": scope.kind},
    )
    filename = f"report-{build.scope_kind}-{build.period_start:%Y%m%d}-{build.period_end:%Y%m%d}-{build.language}.pdf"
    response = FileResponse(
        build.file.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
