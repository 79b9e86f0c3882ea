"""Information site in the browser: a visitor switches language on an information page and stays on it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.factories import CentreFactory, CountryFactory

pytestmark = pytest.mark.e2e

PATH = "topics/work-abroad-safely/"


@pytest.fixture
def demo_site(transactional_db: None) -> None:
    from cms import demo

    ghana, serbia = CountryFactory(code="GH"), CountryFactory(code="RS")
    for slug, country in (("gh-accra", ghana), ("gh-kumasi", ghana), ("rs-belgrade", serbia), ("rs-nis", serbia)):
        CentreFactory(slug=slug, country=country)
    demo.seed()  # commits: wagtail-localize publishes the translations on commit


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
