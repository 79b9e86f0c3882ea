"""Page models: who may live under whom."""

from __future__ import annotations

import pytest
from wagtail.models import Page

from cms.models import (
    CentrePage,
    CountryPage,
    HomePage,
    InformationPage,
    NewsPage,
    OpportunitiesPage,
    Topic,
    TopicIndexPage,
)
from tests.factories import CentreFactory, CountryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(home, add_page):
    country = add_page(home, CountryPage, title="Ghana", slug="ghana", country=CountryFactory(code="GH"))
    centre = add_page(country, CentrePage, title="Accra", slug="accra", centre=CentreFactory(country=country.country))
    topics = add_page(home, TopicIndexPage, title="Topics", slug="topics")
    info = add_page(topics, InformationPage, title="Info", slug="info", topic=Topic.PSYCHOSOCIAL, body=[])
    return {"home": home, "country": country, "centre": centre, "topics": topics, "info": info}


def test_home_page_lives_only_at_the_root(tree) -> None:
    root = Page.get_first_root_node()
    assert HomePage.can_exist_under(root)
    assert not HomePage.can_exist_under(tree["country"])
    assert not HomePage.can_exist_under(tree["topics"])


def test_centre_pages_live_only_under_country_pages(tree) -> None:
    assert CentrePage.can_create_at(tree["country"])
    assert not CentrePage.can_exist_under(tree["home"])
    assert not CentrePage.can_exist_under(tree["topics"])


def test_country_pages_live_under_the_home_page(tree) -> None:
    assert CountryPage.can_create_at(tree["home"])
    assert not CountryPage.can_exist_under(tree["country"])
    assert not CountryPage.can_exist_under(Page.get_first_root_node())


def test_information_pages_live_under_home_country_or_topics_and_have_no_children(tree) -> None:
    for parent in ("home", "country", "topics"):
        assert InformationPage.can_create_at(tree[parent])
    assert not InformationPage.can_exist_under(tree["centre"])
    for model in (InformationPage, NewsPage, CentrePage, CountryPage):
        assert not model.can_exist_under(tree["info"])


def test_topic_index_takes_only_information_pages(tree) -> None:
    assert TopicIndexPage.can_create_at(tree["home"])
    assert not NewsPage.can_exist_under(tree["topics"])
    assert not CentrePage.can_exist_under(tree["topics"])


def test_one_opportunities_page_per_home(tree, add_page) -> None:
    assert OpportunitiesPage.can_create_at(tree["home"])
    add_page(tree["home"], OpportunitiesPage, title="Opportunities", slug="opportunities")
    assert not OpportunitiesPage.can_create_at(tree["home"])
    assert not OpportunitiesPage.can_exist_under(tree["country"])


def test_news_lives_under_home_or_country(tree) -> None:
    assert NewsPage.can_create_at(tree["home"])
    assert NewsPage.can_create_at(tree["country"])
    assert not NewsPage.can_exist_under(tree["centre"])
