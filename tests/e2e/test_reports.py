"""A centre manager in the browser: the quarter dashboard, a PDF requested, then downloaded when ready."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from reports.models import BuildStatus, ReportBuild
from tests.conftest import Persona
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, TOTP_SECRET, CaseFactory, ClientFactory, SessionFactory, UserFactory
from tests.reports.builders import at

pytestmark = pytest.mark.e2e


def test_manager_requests_the_quarter_pdf_and_downloads_it(page: Page, manager: Persona, tmp_path) -> None:
    from reports.services import rebuild_rollups

    SessionFactory(
        case=CaseFactory(client=ClientFactory(centre=manager.centre)),
        counsellor=UserFactory(),
        held_at=at(dt.date(2026, 2, 10)),
    )
    rebuild_rollups(start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31))

    sign_in(page, manager.user.email, TEST_PASSWORD, TOTP_SECRET)
    dashboard = reverse("reports:centre-dashboard", kwargs={"public_id": manager.centre.public_id})
    page.goto(f"{dashboard}?period=quarter&year=2026&quarter=1")
    expect(page.locator("h1")).to_contain_text(manager.centre.name)
    assert page.locator("svg.chart").count() >= 10
    assert_accessible(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Request a PDF report").click()
    expect(page.locator("select[name=period]")).to_have_value("quarter")
    assert_accessible(page)
    page.fill("textarea[name=notes]", "Two new counsellors started in February.")
    # Celery runs eagerly here: the POST returns once the PDF is rendered, which takes a while on a busy machine.
    with page.expect_navigation(timeout=90_000):
        page.get_by_role("button", name="Build the PDF").click(timeout=90_000)

    # Celery runs eagerly here, so the report may be ready at once; otherwise the page reloads itself.
    link = page.get_by_role("link", name="Download the PDF")
    expect(link).to_be_visible(timeout=30_000)
    assert_accessible(page)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    build = ReportBuild.objects.get()
    assert build.status == BuildStatus.DONE and build.period_start == dt.date(2026, 1, 1)
    assert build.notes == "Two new counsellors started in February."
