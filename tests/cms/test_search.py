"""Site search: pages of the active language only, title and intro, paginated, bad queries handled."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from cms.models import InformationPage, Topic
from cms.search import MAX_QUERY, SEARCH_PAGE

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
