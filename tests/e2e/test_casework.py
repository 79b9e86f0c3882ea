"""A counsellor's day in the browser: intake, a session, a follow-up; in English and in Arabic."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from counselling.models import CaseFile, FollowUp, Session
from portal.access import unscoped
from tests.conftest import Persona
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, TOTP_SECRET

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_intake_then_session_then_follow_up(page: Page, counsellor: Persona, language: str, direction: str) -> None:
    sign_in(page, counsellor.user.email, TEST_PASSWORD, TOTP_SECRET, language=language)

    # Intake
    page.goto(f"/{language}/staff/clients/new/")
    expect(page.locator("html")).to_have_attribute("dir", direction)
    assert_accessible(page)
    page.fill("input[name=given_name]", "Youssef")
    page.fill("input[name=family_name]", "El Amrani")
    page.fill("input[name=name_native]", "يوسف العمراني")
    page.select_option("select[name=sex]", "male")
    page.fill("input[name=birth_year]", "1992")
    page.select_option("select[name=target_group]", "returnee_de")
    page.select_option("select[name=consent_method]", "signed")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/{language}/staff/cases/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Youssef")
    assert_accessible(page)

    # A session with a follow-up date
    with page.expect_navigation():
        page.locator('a[href$="/sessions/new/"]').click()
    assert_accessible(page)
    page.fill("input[name=duration_minutes]", "40")
    page.check("input[name=topics][value=labour_market]")
    page.fill("textarea[name=summary]", "Discussed the welding course")
    page.fill("textarea[name=confidential_notes]", "Worried about debts")
    page.fill("textarea[name=next_steps]", "Send the course dates")
    follow_up_on = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    page.fill("input[name=follow_up_on]", follow_up_on)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#main")).to_contain_text("Discussed the welding course")
    expect(page.locator("#main")).to_contain_text("Send the course dates")

    # The follow-up is on my list; marking it done takes it off.
    page.goto(f"/{language}/staff/follow-ups/")
    expect(page.locator("main table")).to_contain_text("Send the course dates")
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main table button[type=submit]").first.click()
    expect(page.locator("main table")).not_to_contain_text("Send the course dates")

    with unscoped():
        case = CaseFile.objects.get(client__given_name="Youssef")
        session = Session.objects.get(case=case)
        assert case.status == "active"
        assert session.confidential_notes == "Worried about debts"
        assert FollowUp.objects.get(case=case).done_at is not None
