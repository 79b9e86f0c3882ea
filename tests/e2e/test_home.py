"""The public home page: language, direction, accessibility, language switcher."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_home_in_english(page: Page) -> None:
    page.goto("/en/")

    html = page.locator("html")
    expect(html).to_have_attribute("lang", "en")
    expect(html).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_home_in_arabic_is_right_to_left(page: Page) -> None:
    page.goto("/ar/")

    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)


def test_language_switcher_goes_from_english_to_arabic(page: Page) -> None:
    page.goto("/en/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    switcher = page.locator("header form:has(#lang-select)")
    switcher.locator("#lang-select").select_option("ar")
    with page.expect_navigation():
        switcher.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/ar/$"))
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("#lang-select")).to_have_value("ar")
