"""Signing in through the real allauth forms, with and without a second factor."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import Persona
from tests.e2e.conftest import assert_accessible, totp_now
from tests.factories import TEST_PASSWORD, TOTP_SECRET, MembershipFactory, UserFactory

pytestmark = pytest.mark.e2e

LOGIN = "/en/accounts/login/"
TOTP_AUTHENTICATE = re.compile(r"/en/accounts/2fa/authenticate/$")
TOTP_ACTIVATE = re.compile(r"/en/accounts/2fa/totp/activate/$")
REAUTHENTICATE_FOR_ACTIVATION = re.compile(
    r"/en/accounts/reauthenticate/\?next=%2Fen%2Faccounts%2F2fa%2Ftotp%2Factivate%2F$"
)
STAFF_HOME = re.compile(r"/en/staff/$")


def submit_password(page: Page, email: str, password: str) -> None:
    """Fill in and send the sign-in form of the current page."""
    form = page.locator("main form:has(input[name=password])")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]:not([form])").click()


def test_counsellor_signs_in_with_password_and_totp(page: Page, counsellor: Persona) -> None:
    page.goto(LOGIN)
    assert_accessible(page)

    submit_password(page, counsellor.user.email, TEST_PASSWORD)
    expect(page).to_have_url(TOTP_AUTHENTICATE)
    assert_accessible(page)

    form = page.locator("main form:has(input[name=code])")
    form.locator("input[name=code]").fill(totp_now(TOTP_SECRET))
    with page.expect_navigation():
        form.locator("button[type=submit]:not([form])").click()

    expect(page).to_have_url(STAFF_HOME)
    expect(page.get_by_role("heading", level=1)).to_contain_text(counsellor.user.get_short_name())
    assert_accessible(page)


def test_staff_without_totp_must_activate_it_first(page: Page, centre_a) -> None:
    user = UserFactory(full_name="Nana Notp")
    MembershipFactory(user=user, role="counsellor", centre=centre_a)

    page.goto(LOGIN)
    submit_password(page, user.email, TEST_PASSWORD)
    # Sent to set up TOTP; allauth asks for the password once more before that page.
    expect(page).to_have_url(REAUTHENTICATE_FOR_ACTIVATION)
    form = page.locator("main form:has(input[name=password])")
    form.locator("input[name=password]").fill(TEST_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]:not([form])").click()
    expect(page).to_have_url(TOTP_ACTIVATE)
    expect(page.locator("main input[name=code]")).to_be_visible()

    # Nothing else is reachable until TOTP is set up.
    page.goto("/en/staff/")
    expect(page).to_have_url(TOTP_ACTIVATE)
    assert_accessible(page)
