"""Site search: pages of the active language only, title and intro, paginated, bad queries handled."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cms.models import InformationPage, Topic
from cms.search import MAX_QUERY, SEARCH_PAGE, normalise_word

pytestmark = pytest.mark.django_db

# Locale, view restrictions, the search (count and one page of results), the specific pages of that result
# page (one type), the site for the links, and the footer's help contacts; nothing per result.
SEARCH_QUERIES = 9


def _url(lang: str = "en") -> str:
    with translation.override(lang):
        return reverse("site:search")


@pytest.fixture
def pages(home, add_page, translate):
    info = add_page(
        home,
        InformationPage,
        title="Vocational training near you",
        slug="training",
        intro="Courses for carpentry, tailoring and IT, free for returnees.",
        topic=Topic.TRAINING_JOBS,
        body=[],
    )
    add_page(home, InformationPage, title="Housing help", slug="housing", topic=Topic.PSYCHOSOCIAL, body=[])
    translate(home, ["fr"])
    translate(info, ["fr"])
    return info


def test_search_finds_title_and_shows_the_intro(client, pages) -> None:
    body = client.get(_url(), {"q": "training"}).content.decode()
    assert "Vocational training near you" in body
    assert "Courses for carpentry, tailoring and IT" in body
    assert "Housing help" not in body
    assert 'href="/en/training/"' in body


def test_search_only_returns_pages_of_the_current_language(client, pages) -> None:
    english = client.get(_url(), {"q": "carpentry"}).content.decode()
    assert 'href="/en/training/"' in english and 'href="/fr/training/"' not in english
    french = client.get(_url("fr"), {"q": "training"}).content.decode()
    assert 'href="/en/training/"' not in french


def test_empty_query_shows_only_the_form(client, pages) -> None:
    response = client.get(_url())
    assert response.status_code == 200
    assert 'class="search-results"' not in response.content.decode()


def test_too_long_query_gets_a_clear_error(client, pages) -> None:
    response = client.get(_url(), {"q": "x" * (MAX_QUERY + 1)})
    assert response.status_code == 200
    assert "Please use a shorter search" in response.content.decode()


def test_nothing_found_says_so(client, pages) -> None:
    assert "Nothing matched" in client.get(_url(), {"q": "zebra"}).content.decode()


def test_header_has_a_search_box(client, pages) -> None:
    assert f'action="{_url()}" role="search"' in client.get("/en/training/").content.decode()


def test_search_is_paginated_and_its_query_count_is_pinned(client, home, add_page, django_assert_num_queries) -> None:
    client.get(_url(), {"q": "guide"})
    for extra in (1, SEARCH_PAGE + 2):
        for _ in range(extra):
            n = InformationPage.objects.count()
            add_page(home, InformationPage, title=f"Guide {n}", slug=f"guide-{n}", topic=Topic.TRAINING_JOBS, body=[])
        client.get(_url(), {"q": "guide"})  # Wagtail refills its cached site root paths after the new pages
        with django_assert_num_queries(SEARCH_QUERIES):
            response = client.get(_url(), {"q": "guide"})
        assert response.status_code == 200
    body = response.content.decode()
    assert body.count('<li><a href="/en/guide-') == SEARCH_PAGE
    assert "page=2" in body


@pytest.mark.parametrize(
    ("word", "form"),
    [
        ("الوظائف", "وظائف"),
        ("والوظائف", "وظائف"),
        ("بالوظائف", "وظائف"),
        ("للوظائف", "وظائف"),
        ("وظائف", "وظائف"),  # a bare word keeps its waw
        ("أمان", "امان"),
        ("إعادة", "اعاده"),
        ("ملازمتیں", "ملازمتيں"),
        ("کام", "كام"),
        ("الى", "الي"),  # too short to lose its article
        ("training", "training"),
    ],
)
def test_arabic_script_words_are_normalised_conservatively(word, form) -> None:
    assert normalise_word(word) == form


@pytest.fixture
def arabic_pages(home, add_page, translate, locales):
    translate(home, ["ar", "ur"])
    ar_home = home.get_translation(locales["ar"])
    ur_home = home.get_translation(locales["ur"])
    add_page(ar_home, InformationPage, title="الوظائف في غانا", slug="jobs", topic=Topic.TRAINING_JOBS, body=[])
    add_page(ar_home, InformationPage, title="وظائف للعائدين", slug="returnee-jobs", topic=Topic.TRAINING_JOBS, body=[])
    add_page(ar_home, InformationPage, title="السكن", slug="housing", topic=Topic.PSYCHOSOCIAL, body=[])
    add_page(ur_home, InformationPage, title="ملازمت کی تلاش", slug="job-search", topic=Topic.TRAINING_JOBS, body=[])


@pytest.mark.parametrize("query", ["وظائف", "الوظائف", "بالوظائف"])
def test_arabic_search_ignores_the_article_and_prefixes_both_ways(client, arabic_pages, query) -> None:
    body = client.get(_url("ar"), {"q": query}).content.decode()
    assert 'href="/ar/jobs/"' in body and 'href="/ar/returnee-jobs/"' in body
    assert 'href="/ar/housing/"' not in body


def test_urdu_search_matches_arabic_and_farsi_letter_forms(client, arabic_pages) -> None:
    for query in ("ملازمت کی", "ملازمت كي"):  # keheh and Farsi yeh, then Arabic kaf and yeh
        assert 'href="/ur/job-search/"' in client.get(_url("ur"), {"q": query}).content.decode()
