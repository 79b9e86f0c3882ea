"""A returnee signs up by phone (SMS code), fills the profile, registers for a fair and sees it on My page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from jobfairs.models import Registration
from portal import sms
from portal.access import unscoped
from portal.models import User
from tests.e2e.conftest import assert_accessible
from tests.jobfairs.factories import FairFactory

pytestmark = pytest.mark.e2e


def _last_code() -> str:
    """The code of the last SMS: the live server runs in this process, with the in-memory SMS backend."""
    match = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", sms.outbox[-1].body)
    assert match, sms.outbox[-1].body
    return match.group(1)


def test_returnee_signs_up_by_phone_fills_profile_and_registers(page: Page, centre_a, settings) -> None:
    settings.SMS_BACKEND = "portal.sms.LocmemBackend"
    sms.outbox.clear()
    fair = FairFactory(title="Kumasi careers day", country=centre_a.country, centres=[centre_a])

    page.goto("/en/accounts/signup/")
    assert_accessible(page)
    form = page.locator("main form:has(input[name=phone])")
    form.locator("input[name=phone]").fill("+233 24 765 4321")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert [m.to for m in sms.outbox] == ["+233247654321"]

    form = page.locator("main form:has(input[name=code])")
    form.locator("input[name=code]").fill(_last_code())
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/en/my/$"))
    assert_accessible(page)

    page.goto("/en/my/profile/")
    page.fill("input[name=full_name]", "Yaw Boateng")
    page.fill("textarea[name=skills]", "Tailoring, bookkeeping")
    page.check("input[name=languages][value=en]")
    with page.expect_navigation():
        page.locator("main form:has(input[name=full_name]) button[type=submit]").click()
    expect(page.locator("#main")).to_contain_text("Your profile was saved.")
    assert_accessible(page)

    page.goto(f"/en/jobfairs/{fair.public_id}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Save for later").click()  # a plain form: no JavaScript needed
    expect(page.locator("#main")).to_contain_text("Saved.")
    with page.expect_navigation():
        page.get_by_role("link", name="Register").click()
    page.check("input[name=share_profile]")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    expect(page.locator("#main")).to_contain_text("You are registered")

    page.goto("/en/my/")
    expect(page.locator("#fairs-title + ul")).to_contain_text("Kumasi careers day")
    expect(page.locator("#saved-title + ul")).to_contain_text("Kumasi careers day")
    assert_accessible(page)

    user = User.objects.get(phone="+233247654321")
    assert user.full_name == "Yaw Boateng" and user.phone_verified
    with unscoped():
        assert Registration.objects.filter(user=user, fair=fair, status="registered").exists()
