"""The information site's structure for visitors: the language switcher (same page, or the nearest translated
parent with a notice, whatever the language cookie says); breadcrumbs; a country's centres; the translated
404 and 500 pages under production settings."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import RequestFactory

from cms import errors
from cms.models import CentrePage, CountryPage, InformationPage, Topic, TopicIndexPage
from devtools.demo.cms import seed_help_contacts
from tests.factories import CentreFactory, CountryFactory

pytestmark = pytest.mark.django_db

SWITCH = "/i18n/setlang/"


@pytest.fixture
def topics(home, add_page, translate):
    topics = add_page(home, TopicIndexPage, title="Topics", slug="topics")
    translate(home)
    translate(topics)
    return topics


@pytest.fixture
def translated(topics, add_page, translate):
    page = add_page(topics, InformationPage, title="Work abroad", slug="work-abroad", topic=Topic.REGULAR_MIGRATION)
    translate(page)
    return page


@pytest.fixture
def english_only(topics, add_page):
    return add_page(topics, InformationPage, title="Only English", slug="only-english", topic=Topic.PSYCHOSOCIAL)


def _switch(client, language: str, next_url: str):
    return client.post(SWITCH, {"language": language, "next": next_url})


def test_switch_goes_to_the_same_page_in_the_chosen_language(client, translated) -> None:
    response = _switch(client, "fr", "/en/topics/work-abroad/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/topics/work-abroad/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert client.get(response["Location"]).status_code == 200


def test_switch_is_not_stuck_when_the_cookie_differs_from_the_page_language(client, translated) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"  # Arabic chosen earlier, then a shared /en/ link opened
    response = _switch(client, "fr", "/en/topics/work-abroad/")
    assert response["Location"] == "/fr/topics/work-abroad/"
    # Also for the portal's own pages, with the query string kept.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    assert _switch(client, "de", "/en/search/?q=work")["Location"] == "/de/search/?q=work"


def test_switch_to_a_missing_translation_goes_to_the_nearest_translated_parent_with_a_notice(
    client, english_only
) -> None:
    response = _switch(client, "fr", "/en/topics/only-english/")
    assert response["Location"] == "/fr/topics/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "Cette page n’est pas encore disponible en Français" in body
    assert 'lang="fr"' in body


def test_a_draft_translation_counts_as_missing(client, translated) -> None:
    InformationPage.objects.get(translation_key=translated.translation_key, locale__language_code="ar").unpublish()
    response = _switch(client, "ar", "/en/topics/work-abroad/")
    assert response["Location"] == "/ar/topics/"
    assert "هذه الصفحة غير متوفرة باللغة العربية بعد" in client.get(response["Location"]).content.decode()


def test_switch_from_an_address_that_does_not_exist_goes_to_the_language_home_not_a_404(client, topics) -> None:
    response = _switch(client, "ar", "/en/no-such-page/")
    assert response["Location"] == "/ar/"
    assert client.get("/ar/").status_code == 200


def test_switch_to_a_language_not_offered_is_refused_with_a_message(client, translated) -> None:
    response = _switch(client, "xx", "/en/topics/work-abroad/")
    assert response["Location"] == "/en/topics/work-abroad/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    body = client.get(response["Location"]).content.decode()
    assert "This language is not offered. Please choose one from the list." in body


def test_switch_never_leaves_the_site(client, translated) -> None:
    response = _switch(client, "fr", "https://evil.example/en/")
    assert response["Location"] == "/fr/"


def test_get_changes_nothing(client, translated) -> None:
    response = client.get(SWITCH, {"language": "fr", "next": "/en/topics/work-abroad/"})
    assert response["Location"] == "/en/topics/work-abroad/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def _breadcrumbs(body: str) -> str:
    match = re.search(r'<nav class="breadcrumbs" aria-label="([^"]+)">(.*?)</nav>', body, re.S)
    assert match, "no breadcrumbs"
    return match.group(0)


@pytest.fixture
def ghana(home, add_page, translate):
    country = add_page(home, CountryPage, title="Ghana", slug="ghana", country=CountryFactory(code="GH"))
    centre = CentreFactory(country=country.country)
    accra = add_page(country, CentrePage, title="Accra centre", slug="accra", centre=centre, body=[])
    add_page(country, InformationPage, title="Living in Ghana", slug="living", topic=Topic.RETURN_REINTEGRATION)
    for page in (home, country, accra):
        translate(page)
    return country


def test_centre_page_has_breadcrumbs_back_to_its_country(client, ghana) -> None:
    crumbs = _breadcrumbs(client.get("/en/ghana/accra/").content.decode())
    assert 'aria-label="Breadcrumb"' in crumbs
    items = re.findall(r"<li>(.*?)</li>", crumbs, re.S)
    assert [re.sub(r"<[^>]+>", "", item) for item in items] == ["Home", "Ghana", "Accra centre"]
    assert '<a href="/en/"' in items[0] and '<a href="/en/ghana/"' in items[1]
    assert 'aria-current="page"' in items[2] and "<a " not in items[2]
    assert "<ol>" in crumbs


def test_breadcrumbs_in_arabic_are_translated_and_right_to_left(client, ghana) -> None:
    body = client.get("/ar/ghana/accra/").content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    crumbs = _breadcrumbs(body)
    assert 'aria-label="مسار التنقل"' in crumbs
    assert '<a href="/ar/"' in crumbs and '<a href="/ar/ghana/"' in crumbs
    assert crumbs.count("<bdi>") == 3  # page titles keep their own direction


def test_information_page_breadcrumbs_go_through_its_topic_index(client, english_only) -> None:
    crumbs = _breadcrumbs(client.get("/en/topics/only-english/").content.decode())
    assert '<a href="/en/topics/"><bdi>Topics</bdi></a>' in crumbs


def test_home_page_has_no_breadcrumbs(client, ghana) -> None:
    assert 'class="breadcrumbs"' not in client.get("/en/").content.decode()


def test_country_page_lists_its_centres_under_their_own_heading(client, ghana) -> None:
    body = client.get("/en/ghana/").content.decode()
    centres = re.search(r'<section aria-labelledby="country-centres">(.*?)</section>', body, re.S).group(1)
    assert "Our centres" in centres and 'href="/en/ghana/accra/"' in centres
    assert "Living in Ghana" not in centres
    others = re.search(r'<section aria-labelledby="country-pages">(.*?)</section>', body, re.S).group(1)
    assert 'href="/en/ghana/living/"' in others
    assert "مراكزنا" in client.get("/ar/ghana/").content.decode()


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


def test_404_in_arabic_is_right_to_left_with_navigation_search_and_help_numbers(
    client, production, ghana, locales
) -> None:
    seed_help_contacts(countries={"GH": ghana.country}, locales=locales)
    response = client.get("/ar/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    assert "الصفحة غير موجودة" in body and "Page not found" not in body
    assert '<nav class="main-nav"' in body and 'href="/ar/"' in body
    assert 'action="/ar/search/"' in body and 'role="search"' in body
    assert 'class="help-contacts"' in body  # every country's numbers to choose from
    # Below a country page, that country's numbers.
    body = client.get("/fr/ghana/no-such-page/").content.decode()
    assert "Page introuvable" in body and 'href="tel:+233302742930"' in body


def test_500_is_translated_from_the_address_and_needs_no_database(production, django_assert_num_queries) -> None:
    request = RequestFactory().get("/ur/ghana/accra/")
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert '<html lang="ur" dir="rtl">' in body
    assert "کچھ غلط ہو گیا" in body and 'action="/ur/search/"' in body and 'href="/ur/"' in body
    english = errors.server_error(RequestFactory().get("/no-prefix/")).content.decode()
    assert '<html lang="en" dir="ltr">' in english and "Something went wrong" in english
