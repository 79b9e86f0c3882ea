"""wagtail-localize: the demo tree exists in eight languages, kept in sync with the English source."""

from __future__ import annotations

import pytest
from wagtail.models import Locale, Page
from wagtail_localize.models import StringTranslation, TranslationSource

from cms.models import InformationPage
from devtools.demo import cms as demo
from tests.cms.conftest import LANGUAGE_CODES
from tests.conftest import rows_for_the_module
from tests.factories import CentreFactory, CountryFactory

pytestmark = pytest.mark.django_db


def _seed() -> dict[str, int]:
    ghana, serbia = CountryFactory(code="GH"), CountryFactory(code="RS")
    for slug, country in (("gh-accra", ghana), ("gh-kumasi", ghana), ("rs-belgrade", serbia), ("rs-nis", serbia)):
        CentreFactory(slug=slug, country=country, address=f"Street of {slug}")
    return demo.seed()  # translations are published on commit: rows_for_the_module runs those callbacks


@pytest.fixture(scope="module")
def _demo_site_once(django_db_setup, django_db_blocker, tmp_path_factory):
    with rows_for_the_module(django_db_blocker, tmp_path_factory, _seed) as counts:
        yield counts


@pytest.fixture
def demo_site(_demo_site_once, db) -> dict[str, int]:
    return _demo_site_once


def test_every_demo_page_exists_in_eight_languages_and_points_to_its_source(demo_site) -> None:
    english = list(Page.objects.filter(locale__language_code="en", depth__gte=2).exclude(slug__endswith="welcome"))
    assert len(english) == demo_site["pages"] == 12
    for page in english:
        translations = {p.locale.language_code: p for p in page.get_translations(inclusive=True).live()}
        assert sorted(translations) == sorted(LANGUAGE_CODES), page.title
        if page.depth > 2:  # home pages are siblings under the root: their slugs never show in a URL
            assert {p.slug for p in translations.values()} == {page.slug}  # same path under every prefix
        source = TranslationSource.objects.get_for_instance(page)
        assert source.locale.language_code == "en"
        assert set(source.translations.values_list("target_locale__language_code", flat=True)) == set(
            LANGUAGE_CODES
        ) - {"en"}


def test_demo_texts_are_translated_not_copied(demo_site) -> None:
    page = InformationPage.objects.get(slug="work-abroad-safely", locale__language_code="en")
    arabic = page.get_translation(Locale.objects.get(language_code="ar"))
    french = page.get_translation(Locale.objects.get(language_code="fr"))
    assert arabic.title == "طرق آمنة ونظامية للعمل في الخارج"
    assert french.title == "Travailler à l'étranger de manière sûre et régulière"
    faq = next(block for block in french.body if block.block_type == "faq")
    assert faq.value["items"][0]["question"] == "Les conseils sont-ils payants ?"


def test_the_seed_is_idempotent(demo_site) -> None:
    pages = Page.objects.count()
    again = demo.seed()
    assert again["translations_created"] == 0
    assert Page.objects.count() == pages


def test_a_change_to_the_source_reaches_the_translation_on_sync(demo_site, django_capture_on_commit_callbacks) -> None:
    page = InformationPage.objects.get(slug="returning-home", locale__language_code="en")
    page.intro = "Coming home is a fresh start."
    page.save_revision().publish()
    source, _created = TranslationSource.update_or_create_from_instance(page)
    french_locale = Locale.objects.get(language_code="fr")
    segment = source.stringsegment_set.get(string__data="Coming home is a fresh start.")
    StringTranslation.objects.create(
        translation_of=segment.string, locale=french_locale, context=segment.context, data="Rentrer, c'est repartir."
    )

    with django_capture_on_commit_callbacks(execute=True):
        source.translations.get(target_locale=french_locale).save_target(publish=True)

    french = page.get_translation(french_locale)
    french.refresh_from_db()
    assert french.intro == "Rentrer, c'est repartir."
    assert french.title == "Rentrer chez soi : les premières étapes"  # the rest stays translated


def test_translated_subpages_are_reachable_in_every_language(demo_site, client) -> None:
    for code in LANGUAGE_CODES:
        assert client.get(f"/{code}/topics/returning-home/").status_code == 200, code
        assert client.get(f"/{code}/ghana/gh-accra/").status_code == 200, code
