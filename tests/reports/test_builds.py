"""PDF reports: requests, the build task, status and download, the archive, the monthly schedule."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection, connections
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.access import Role, get_access
from reports.models import BuildStatus, ReportBuild, ReportNotice
from reports.services import PeriodNotAllowed, build_report, request_report, schedule_monthly_reports
from reports.tasks import build_monthly_reports_task, build_report_task
from tests.audit import assert_audited
from tests.conftest import wait_for
from tests.factories import CentreFactory, MembershipFactory, UserFactory
from tests.reports.conftest import MARCH
from tests.reports.test_views import MARCH_Q, _rebuild

# As the dashboard: the page's furniture (session, user, memberships, MFA),
# the centre of the scope, and one query for the builds.
ARCHIVE_QUERIES = 6
HIRES_AR = "حالات التوظيف"  # "Hires", an indicator name, as the Arabic catalogue has it
NOTES_AR = "ملاحظات المدير عن الشهر"
NOTES_UR = "دو نئے مشیر فروری میں شروع ہوئے"  # "two new counsellors started in February"


def pdf_text(path: str | Path) -> str:
    """The text of a PDF as poppler's pdftotext reads it (what a screen reader or a search would get)."""
    if shutil.which("pdftotext") is None:
        message = "pdftotext is missing: install poppler-utils (Debian: apt-get install -y poppler-utils)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    result = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return result.stdout


def _request(persona, *, language: str = "en", notes: str = "", start=MARCH[0], end=MARCH[1], **scope) -> ReportBuild:
    scope = scope or {"scope_kind": "centre", "scope_key": persona.centre.public_id}
    return request_report(
        access=get_access(persona.user),
        actor=persona.user,
        period_kind="month",
        start=start,
        end=end,
        language=language,
        notes=notes,
        **scope,
    )


def _url(name: str, **kwargs: object) -> str:
    return reverse(f"reports:{name}", kwargs=kwargs)


# --- The PDF ------------------------------------------------------------------------------------------------


def test_manager_gets_an_english_pdf_with_the_dashboards_numbers(
    manager, march, django_capture_on_commit_callbacks
) -> None:
    _rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        build = _request(manager, notes="A good month for referrals.")
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE and build.progress == 100 and build.finished_at
    assert Path(build.file.path).is_relative_to(Path(build.file.storage.location))
    text = " ".join(pdf_text(build.file.path).split())
    assert "People counselled" in text and "Hires" in text and "A good month for referrals." in text
    assert "Previous period" in text
    assert_audited(
        "reports.build.requested",
        target=build,
        actor=manager.user,
        centre=manager.centre,
        details={"scope": "centre", "start": "2026-03-01", "language": "en", "new": True},
    )
    assert_audited("reports.build.done", target=build, actor=False, centre=manager.centre)


def test_arabic_pdf_is_right_to_left_and_its_text_is_extractable(
    manager, march, django_capture_on_commit_callbacks
) -> None:
    from django.utils import translation

    from reports.pdf import render_report_html
    from reports.selectors import get_report, scope_of_build

    _rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        build = _request(manager, language="ar", notes=NOTES_AR)
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE, build.error
    text = pdf_text(build.file.path)
    assert HIRES_AR in text, text[:500]
    assert NOTES_AR in text
    from reports.periods import periods_for

    with translation.override("ar"):
        html = render_report_html(build, get_report(scope=scope_of_build(build), periods=periods_for("month", *MARCH)))
    assert '<html lang="ar" dir="rtl">' in html
    assert "Noto Naskh Arabic" in html and "<svg" in html


def test_urdu_pdf_text_is_extractable(manager, march, django_capture_on_commit_callbacks) -> None:
    """Urdu is printed in Naskh (see portal.pdf.FONTS): its words come out of the PDF intact."""
    from django.utils import translation
    from django.utils.translation import gettext

    _rebuild()
    with django_capture_on_commit_callbacks(execute=True):
        build = _request(manager, language="ur", notes=NOTES_UR)
    build.refresh_from_db()
    assert build.status == BuildStatus.DONE, build.error
    text = pdf_text(build.file.path)
    assert NOTES_UR in text, text[:500]
    with translation.override("ur"):
        hires = gettext("Hires")
    assert hires in text
    assert "Nastaliq" not in subprocess.run(["pdffonts", build.file.path], capture_output=True, text=True).stdout


def test_coordinator_gets_a_suppressed_pdf_of_a_centre(
    coordinator, centre_a, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        build = _request(coordinator, scope_kind="centre", scope_key=centre_a.public_id)
    build.refresh_from_db()
    assert build.suppressed and build.status == BuildStatus.DONE
    assert "rounded to the nearest 5" in pdf_text(build.file.path)


def test_a_done_build_is_not_rebuilt(manager, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        build = _request(manager)
    build.refresh_from_db()
    name = build.file.name
    assert build_report_task.delay(build_id=build.pk).get() == BuildStatus.DONE
    build.refresh_from_db()
    assert build.file.name == name
    assert_audited("reports.build.done", target=build, count=1)


def test_a_failing_build_is_marked_failed(manager, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise OSError("no fonts")

    build = _request(manager)
    monkeypatch.setattr("reports.pdf.render_report_pdf", broken)
    assert build_report(build_id=build.pk).status == BuildStatus.FAILED
    build.refresh_from_db()
    assert "no fonts" in build.error


# --- Bad input -------------------------------------------------------------------------------------------------


def test_the_same_report_requested_twice_gives_one_build(manager) -> None:
    first, second = _request(manager), _request(manager)
    assert first.pk == second.pk
    assert ReportBuild.objects.count() == 1
    assert _request(manager, language="ar").pk != first.pk


@pytest.mark.django_db(transaction=True)
def test_the_same_report_requested_twice_at_once_gives_one_build(manager, monkeypatch) -> None:
    """Two requests in two transactions at the same moment: the constraint lets one build through."""
    monkeypatch.setattr("reports.services.builds._start", lambda build_id: None)
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []
    original_create = ReportBuild.objects.create

    def create(**kwargs):
        barrier.wait(timeout=10)  # both have looked for a running build and found none
        return original_create(**kwargs)

    monkeypatch.setattr(ReportBuild.objects, "create", create)

    def run() -> None:
        try:
            results.append(_request(manager).pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(set(results)) == 1 and len(results) == 2
    assert ReportBuild.objects.count() == 1


def test_a_range_that_ends_before_it_starts_is_refused(manager, client) -> None:
    with pytest.raises(PeriodNotAllowed):
        _request(manager, start=dt.date(2026, 3, 10), end=dt.date(2026, 3, 1))
    client.force_login(manager.user)
    response = client.post(
        _url("centre-build-request", public_id=manager.centre.public_id),
        {"period": "custom", "start": "2026-03-10", "end": "2026-03-01", "language": "en"},
    )
    assert response.status_code == 400
    assert "The end of the range is before its start." in response.content.decode()
    assert not ReportBuild.objects.exists()


def test_a_future_period_is_refused(manager, client) -> None:
    from django.utils import timezone

    later = timezone.localdate() + dt.timedelta(days=40)
    with pytest.raises(PeriodNotAllowed):
        _request(manager, start=later, end=later + dt.timedelta(days=5))
    client.force_login(manager.user)
    response = client.post(
        _url("centre-build-request", public_id=manager.centre.public_id),
        {"period": "year", "year": "2099", "language": "en"},
    )
    assert response.status_code == 400
    assert "This period has not started yet" in response.content.decode()
    assert not ReportBuild.objects.exists()


def test_a_centre_outside_the_managers_scope_is_404(manager, centre_b, client) -> None:
    with pytest.raises(Http404):
        _request(manager, scope_kind="centre", scope_key=centre_b.public_id)
    client.force_login(manager.user)
    url = _url("centre-build-request", public_id=centre_b.public_id)
    assert client.get(url).status_code == 404
    assert client.post(url, {**MARCH_Q, "language": "en"}).status_code == 404
    assert client.get(_url("centre-build-list", public_id=centre_b.public_id)).status_code == 404
    assert not ReportBuild.objects.exists()


def test_an_unknown_language_is_refused(manager, client) -> None:
    client.force_login(manager.user)
    response = client.post(
        _url("centre-build-request", public_id=manager.centre.public_id), {**MARCH_Q, "language": "xx"}
    )
    assert response.status_code == 400
    assert not ReportBuild.objects.exists()


# --- Status, download, archive -----------------------------------------------------------------------------------


def test_status_page_reloads_while_the_build_runs(manager, client) -> None:
    client.force_login(manager.user)
    response = client.post(
        _url("centre-build-request", public_id=manager.centre.public_id), {**MARCH_Q, "language": "en", "notes": ""}
    )
    build = ReportBuild.objects.get()
    assert response["Location"] == _url("build-detail", public_id=build.public_id)
    page = client.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and "<progress" in page and "<script" not in page
    assert client.get(_url("build-download", public_id=build.public_id)).status_code == 404  # not ready yet


def test_done_build_is_downloaded_as_an_attachment_and_audited(
    manager, client, django_capture_on_commit_callbacks
) -> None:
    client.force_login(manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("centre-build-request", public_id=manager.centre.public_id), {**MARCH_Q, "language": "en"})
    build = ReportBuild.objects.get()
    page = client.get(_url("build-detail", public_id=build.public_id)).content.decode()
    download = _url("build-download", public_id=build.public_id)
    assert download in page and "http-equiv" not in page
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert_audited("reports.build.downloaded", target=build, actor=manager.user, centre=manager.centre)


def test_others_cannot_open_a_managers_unsuppressed_build(
    manager, coordinator, analyst, outsider_manager, client
) -> None:
    build = _request(manager)
    for persona in (coordinator, analyst, outsider_manager):
        client.force_login(persona.user)
        assert client.get(_url("build-detail", public_id=build.public_id)).status_code == 404
        assert client.get(_url("build-download", public_id=build.public_id)).status_code == 404
        if persona is not outsider_manager:
            page = client.get(_url("centre-build-list", public_id=manager.centre.public_id)).content.decode()
            assert str(build.public_id) not in page


def test_archive_query_count_is_flat(manager, client) -> None:
    client.force_login(manager.user)
    url = _url("centre-build-list", public_id=manager.centre.public_id)
    client.get(url)
    for extra in (1, 20):
        for i in range(extra):
            ReportBuild.objects.create(
                scope_kind="centre",
                centre=manager.centre,
                suppressed=False,
                period_kind="custom",
                period_start=dt.date(2025, 1, 1) + dt.timedelta(days=i),
                period_end=dt.date(2025, 2, 1),
                language="en",
                status=BuildStatus.DONE if i % 2 else BuildStatus.FAILED,
            )
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        assert len(context.captured_queries) == ARCHIVE_QUERIES, "\n".join(q["sql"] for q in context.captured_queries)


def test_dashboard_links_to_the_pdf_request_with_its_period(manager, client) -> None:
    client.force_login(manager.user)
    page = client.get(_url("centre-dashboard", public_id=manager.centre.public_id), MARCH_Q).content.decode()
    assert _url("centre-build-request", public_id=manager.centre.public_id) + "?period=month" in page
    form = client.get(_url("centre-build-request", public_id=manager.centre.public_id), MARCH_Q).content.decode()
    assert 'name="notes"' in form and 'value="2026"' in form


# --- The monthly schedule --------------------------------------------------------------------------------------


@pytest.fixture
def managers(manager, centre_a):
    """Centre A's managers: the persona (English) and one who reads Arabic; centre C is closed."""
    arabic = UserFactory(preferred_language="ar")
    MembershipFactory(user=arabic, role=Role.CENTRE_MANAGER, centre=centre_a)
    closed = CentreFactory(country=centre_a.country, is_active=False)
    MembershipFactory(user=UserFactory(), role=Role.CENTRE_MANAGER, centre=closed)
    return {"en": manager.user, "ar": arabic}


def test_monthly_task_builds_last_month_and_mails_each_manager_a_link_in_their_language(
    managers, centre_a, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule_monthly_reports(today=dt.date(2026, 4, 1)) == 2
    builds = {b.language: b for b in ReportBuild.objects.all()}
    assert set(builds) == {"en", "ar"}
    for build in builds.values():
        assert build.scheduled and not build.suppressed and build.centre == centre_a
        assert (build.period_start, build.period_end) == MARCH
        assert build.status == BuildStatus.DONE, build.error
        assert_audited(
            "reports.build.scheduled",
            target=build,
            actor=False,
            centre=centre_a,
            details={"start": "2026-03-01", "language": build.language},
        )
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {managers["en"].email, managers["ar"].email}
    english, arabic = by_address[managers["en"].email], by_address[managers["ar"].email]
    assert str(builds["en"].public_id) in english.body and not english.attachments
    assert str(builds["ar"].public_id) in arabic.body and not arabic.attachments
    # Each message is rendered in its reader's language (Arabic dates, until the lead translates the text).
    # Day first in both (portal/formats; the table in tests/portal/date_formats.py), each in its language.
    assert "01/03/2026 – 31/03/2026" in english.body
    assert "01/03/2026" in arabic.body and arabic.body != english.body


def test_monthly_task_run_twice_sends_nothing_twice(managers, django_capture_on_commit_callbacks) -> None:
    from django.utils import timezone

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            build_monthly_reports_task.delay()
    assert len(mail.outbox) == 2
    assert ReportBuild.objects.filter(scheduled=True).count() == 2
    assert ReportNotice.objects.count() == 2
    start = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert set(ReportBuild.objects.values_list("period_start", flat=True)) == {start}


# --- A real worker --------------------------------------------------------------------------------------------------


def test_requested_report_is_built_by_a_real_worker(real_worker, manager, client) -> None:
    client.force_login(manager.user)
    response = client.post(
        _url("centre-build-request", public_id=manager.centre.public_id), {**MARCH_Q, "language": "ar"}
    )
    assert response.status_code == 302
    build = ReportBuild.objects.get()
    assert wait_for(lambda: ReportBuild.objects.get(pk=build.pk).status == BuildStatus.DONE, timeout=60)
    page = client.get(response["Location"]).content.decode()
    assert _url("build-download", public_id=build.public_id) in page
