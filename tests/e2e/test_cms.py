"""Information site in the browser: a visitor switches language on an information page and stays on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.factories import CentreFactory, CountryFactory

pytestmark = pytest.mark.e2e

PATH = "topics/work-abroad-safely/"


@pytest.fixture
def demo_site(transactional_db: None) -> Iterator[None]:
    from devtools.demo import cms as demo

    ghana, serbia = CountryFactory(code="GH"), CountryFactory(code="RS")
    for slug, country in (("gh-accra", ghana), ("gh-kumasi", ghana), ("rs-belgrade", serbia), ("rs-nis", serbia)):
        CentreFactory(slug=slug, country=country)
    demo.seed()  # commits: wagtail-localize publishes the translations on commit
    yield
    # The database cache outlives the flush between transactional tests: no cached page may reach the next test.
    from django.core.cache import cache

    cache.clear()


def _switch_to(page: Page, code: str) -> None:
    switcher = page.locator("header form:has(#lang-select)")
    switcher.locator("#lang-select").select_option(code)
    with page.expect_navigation():
        switcher.locator("button[type=submit]").click()


def test_visitor_switches_language_on_an_information_page_and_stays_on_it(page: Page, demo_site: None) -> None:
    page.goto(f"/en/{PATH}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Safe and regular ways to work abroad")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    assert_accessible(page)

    _switch_to(page, "ar")
    assert page.url.endswith(f"/ar/{PATH}")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("طرق آمنة ونظامية للعمل في الخارج")
    assert_accessible(page)

    _switch_to(page, "fr")
    assert page.url.endswith(f"/fr/{PATH}")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Travailler à l'étranger de manière sûre et régulière")
    page.get_by_text("Les conseils sont-ils payants ?").click()
    expect(page.get_by_text("Non. Tous les conseils dans nos centres sont gratuits et confidentiels.")).to_be_visible()


def test_visitor_asks_a_centre_for_an_appointment_without_javascript(new_page, demo_site: None) -> None:
    """A plain form: works with JavaScript off, the honeypot stays invisible, the thank-you page follows."""
    from counselling.models import AppointmentRequest
    from portal.access import unscoped

    page = new_page(java_script_enabled=False)
    page.goto("/en/ghana/gh-accra/")
    page.goto("/en/ghana/gh-accra/")  # the second visit comes from the page cache, with fresh CSRF tokens
    expect(page.locator("#appointment-website")).to_be_hidden()
    page.get_by_label("Your name").fill("Ama Mensah")
    page.get_by_label("Phone number or e-mail address").fill("+233 24 123 4567")
    page.get_by_label("SMS or WhatsApp").check()
    page.get_by_label("What would you like to talk about?").select_option("training_jobs")
    page.get_by_label("I agree that the centre stores these details").check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    with unscoped():
        assert AppointmentRequest.objects.get().contact == "+233241234567"


def test_centre_page_with_the_appointment_form_is_accessible(page: Page, demo_site: None) -> None:
    page.goto("/en/ghana/gh-accra/")
    expect(page.get_by_role("heading", name="Ask for an appointment")).to_be_visible()
    assert_accessible(page)
