"""The data-protection officer in the browser: find a client, see who opened the case, erase on request."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from counselling.models import Client
from portal.access import unscoped
from tests.conftest import Persona
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, TOTP_SECRET, CaseFactory, ClientFactory, SessionFactory

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_dpo_handles_an_erasure_request(
    page: Page, dpo: Persona, counsellor: Persona, language: str, direction: str
) -> None:
    client = ClientFactory(centre=counsellor.centre, given_name="Amina", family_name="Haddad", name_native="أمينة حداد")
    SessionFactory(case=CaseFactory(client=client), counsellor=counsellor.user, summary="Talked about a course")
    sign_in(page, dpo.user.email, TEST_PASSWORD, TOTP_SECRET, language=language)

    page.goto(f"/{language}/staff/data-protection/?q=Haddad")
    expect(page.locator("html")).to_have_attribute("dir", direction)
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main table a").filter(has_text=client.code).click()
    expect(page.locator("main")).to_contain_text("Amina Haddad")
    expect(page.locator("main")).not_to_contain_text("Talked about a course")  # no casework
    assert_accessible(page)

    # Who saw this client's case? The log shows the officer's own opening of the request.
    with page.expect_navigation():
        page.locator(f'main a[href*="client_code={client.code}"]').click()
    expect(page.locator("main table")).to_contain_text("portal.dsr.opened")
    page.go_back()

    # Erase: password again, then a reason and the code.
    with page.expect_navigation():
        page.locator('main a[href$="/erase/"]').click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("main form input[name=password]").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert_accessible(page)
    page.select_option("select[name=reason]", "erasure_request")
    page.fill("input[name=confirm]", client.code)
    with page.expect_navigation():
        page.locator("main form.narrow-form button[type=submit]").click()
    expect(page.locator("main")).not_to_contain_text("Amina")
    with unscoped():
        assert Client.objects.get(pk=client.pk).anonymised_at is not None
