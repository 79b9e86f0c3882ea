"""A returnee registers for a job fair (with consent), books a slot; the employer sees the booking."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from jobfairs.models import Booking
from portal.access import unscoped
from tests.conftest import Persona
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, TOTP_SECRET
from tests.jobfairs.factories import BoothFactory, FairFactory, SlotFactory

pytestmark = pytest.mark.e2e


def test_returnee_registers_books_and_employer_sees_the_booking(
    new_page, returnee: Persona, employer: Persona, employer_org, centre_a
) -> None:
    fair = FairFactory(title="Hybrid job fair Accra", country=centre_a.country, centres=[centre_a])
    booth = BoothFactory(fair=fair, employer=employer_org)
    SlotFactory(booth=booth)

    # The returnee: signs in with e-mail and password (no second factor for returnees).
    page: Page = new_page()
    page.goto("/en/accounts/login/")
    form = page.locator("main form:has(input[name=password])")
    form.locator("input[name=login]").fill(returnee.user.email)
    form.locator("input[name=password]").fill(TEST_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]:not([form])").click()

    page.goto("/en/jobfairs/")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Hybrid job fair Accra").click()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Register").click()
    assert_accessible(page)
    page.check("input[name=share_profile]")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#main")).to_contain_text("You are registered")

    with page.expect_navigation():
        page.get_by_role("link", name=employer_org.name).click()
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main table button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/en/me/jobfairs/$"))
    expect(page.locator("#main")).to_contain_text(employer_org.name)
    assert_accessible(page)

    # The employer: password and TOTP; the booking is on the dashboard, with the candidate's name.
    employer_page: Page = new_page()
    sign_in(employer_page, employer.user.email, TEST_PASSWORD, TOTP_SECRET)
    employer_page.goto("/en/employer/")
    expect(employer_page.locator("main table").first).to_contain_text(returnee.user.full_name)
    assert_accessible(employer_page)

    with unscoped():
        assert Booking.objects.filter(registration__user=returnee.user, status="active").count() == 1
