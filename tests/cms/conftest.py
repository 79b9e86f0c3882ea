"""Fixtures of the information-site tests: locales, an English home page served by the default site,
and a helper that translates a page through wagtail-localize with the demo translation memory."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from wagtail.models import Locale, Page

from cms.models import HomePage
from devtools.demo.cms import Spec, _ensure_page, _point_site_at, _root, ensure_locales, translate_page

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def locales(db: None) -> dict[str, Locale]:
    return ensure_locales()


@pytest.fixture
def home(locales: dict[str, Locale]) -> HomePage:
    page, _created = _ensure_page(
        _root(locales["en"]),
        Spec(HomePage, "home", "Jobs, migration and a new start", {"intro": "Welcome."}),
        locales["en"],
    )
    _point_site_at(page)
    return page


@pytest.fixture
def add_page() -> Callable[..., Page]:
    def add(parent: Page, model: type[Page], **fields: object) -> Page:
        page = model(locale=parent.locale, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page

    return add


@pytest.fixture
def translate(locales: dict[str, Locale], django_capture_on_commit_callbacks) -> Callable[..., None]:
    """Translate a page; wagtail-localize publishes translations on commit, which a test never reaches."""

    def run(page: Page, codes: list[str] | None = None) -> None:
        codes = codes or [code for code in LANGUAGE_CODES if code != "en"]
        with django_capture_on_commit_callbacks(execute=True):
            translate_page(page, [locales[code] for code in codes])

    return run
