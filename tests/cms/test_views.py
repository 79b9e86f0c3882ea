"""The public information site: home per language, language switcher, centre pages, opportunities, sitemap."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import timezone

from cms import views
from cms.models import CentrePage, CountryPage, InformationPage, NewsPage, OpportunitiesPage, Topic, TopicIndexPage
from devtools.demo.cms import callout, faq
from referrals.models import Delivery
from tests.cms.conftest import LANGUAGE_CODES
from tests.factories import CentreFactory, CountryFactory, EmployerFactory
from tests.jobfairs.factories import FairFactory, VacancyFactory, past_fair
from tests.referrals.factories import ServiceFactory

pytestmark = pytest.mark.django_db

RTL = {"ar", "ur"}


def _html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


@pytest.fixture
def info(home, add_page, translate):
    topics = add_page(home, TopicIndexPage, title="Topics", slug="topics")
    page = add_page(
        topics,
        InformationPage,
        title="Safe and regular ways to work abroad",
        slug="work-abroad-safely",
        topic=Topic.REGULAR_MIGRATION,
        body=[
            callout("warning", "Never pay for a job offer", "Ask us to check the offer first."),
            faq([("Does the advice cost anything?", "No. All advice at our centres is free and confidential.")]),
        ],
    )
    translate(home)
    translate(topics)
    translate(page)
    return page


def test_language_home_serves_the_wagtail_home_page_in_every_language(client, info) -> None:
    for code in LANGUAGE_CODES:
        response = client.get(f"/{code}/")
        assert response.status_code == 200
        assert _html_tag(response) == f'<html lang="{code}" dir="{"rtl" if code in RTL else "ltr"}">'
        assert "cms/home_page.html" in [t.name for t in response.templates]
    assert "العمل والهجرة وبداية جديدة" in client.get("/ar/").content.decode()


def test_language_home_falls_back_to_the_portal_home_without_a_wagtail_home(client, db) -> None:
    response = client.get("/en/")
    assert response.status_code == 200
    assert "portal/home.html" in [t.name for t in response.templates]


def test_information_page_has_hreflang_alternates_faq_and_callout(client, info) -> None:
    body = client.get("/fr/topics/work-abroad-safely/").content.decode()
    for code in LANGUAGE_CODES:
        assert re.search(f'hreflang="{code}" href="http://[^/]+/{code}/topics/work-abroad-safely/"', body)
    assert 'hreflang="x-default"' in body
    assert "<details>" in body and "Les conseils sont-ils payants ?" in body
    assert "Ne payez jamais pour une offre d&#x27;emploi" in body or "Ne payez jamais pour une offre d'emploi" in body
    assert '<meta property="og:locale" content="fr">' in body


def test_language_switcher_stays_on_the_page_en_ar_fr(client, info) -> None:
    path = "/en/topics/work-abroad-safely/"
    for code in ("ar", "fr"):
        response = client.post("/i18n/setlang/", {"language": code, "next": path})
        assert response.status_code == 302
        path = response["Location"]
        assert path == f"/{code}/topics/work-abroad-safely/"
        assert client.get(path).status_code == 200


def test_centre_page_shows_the_centre_record(client, home, add_page) -> None:
    country = add_page(home, CountryPage, title="Ghana", slug="ghana", country=CountryFactory(code="GH"))
    centre = CentreFactory(
        country=country.country,
        address="12 Liberation Road, Airport Residential Area",
        opening_hours="Mon–Thu 08:30–16:30",
        phone="+233 30 274 0000",
        languages=["en", "fr"],
    )
    add_page(country, CentrePage, title=centre.name, slug="accra", centre=centre, body=[])

    body = client.get("/en/ghana/accra/").content.decode()

    assert "12 Liberation Road, Airport Residential Area" in body
    assert "Mon–Thu 08:30–16:30" in body
    assert "+233 30 274 0000" in body
    assert 'lang="fr">Français' in body


@pytest.fixture
def opportunities(home, add_page):
    return add_page(home, OpportunitiesPage, title="Opportunities", slug="opportunities")


def test_opportunities_page_lists_only_live_published_data(client, opportunities) -> None:
    ghana = CountryFactory(code="GH")
    ServiceFactory(name="Welding course live", is_published=True, organization__country=ghana)
    ServiceFactory(name="Welding course hidden", is_published=False, organization__country=ghana)
    ServiceFactory(name="Welding course inactive", is_published=True, is_active=False, organization__country=ghana)
    ServiceFactory(
        name="Welding course closed",
        is_published=True,
        application_deadline=timezone.localdate() - dt.timedelta(days=1),
        organization__country=ghana,
    )
    FairFactory(title="Fair upcoming", country=ghana)
    past_fair(title="Fair past", country=ghana)
    FairFactory(title="Fair draft", country=ghana, status="draft")
    VacancyFactory(title="Vacancy open", country=ghana)
    VacancyFactory(title="Vacancy unverified", country=ghana, employer=EmployerFactory(vetting_status="pending"))

    body = client.get("/en/opportunities/").content.decode()

    assert "Welding course live" in body
    for hidden in ("Welding course hidden", "Welding course inactive", "Welding course closed"):
        assert hidden not in body
    assert "Fair upcoming" in body and "Fair past" not in body and "Fair draft" not in body
    assert "Vacancy open" in body and "Vacancy unverified" not in body


def test_opportunities_page_filters_by_country_language_and_mode(client, opportunities) -> None:
    ghana, serbia = CountryFactory(code="GH"), CountryFactory(code="RS")
    ServiceFactory(
        name="Online French", is_published=True, organization__country=ghana, delivery=Delivery.ONLINE, languages=["fr"]
    )
    ServiceFactory(
        name="Accra on-site",
        is_published=True,
        organization__country=ghana,
        delivery=Delivery.IN_PERSON,
        languages=["en"],
    )
    ServiceFactory(name="Serbian course", is_published=True, organization__country=serbia, languages=["sr-latn"])

    body = client.get("/en/opportunities/", {"country": "GH", "mode": "online"}).content.decode()
    assert "Online French" in body and "Accra on-site" not in body and "Serbian course" not in body

    body = client.get("/en/opportunities/", {"language": "sr-latn"}).content.decode()
    assert "Serbian course" in body and "Online French" not in body

    body = client.get("/en/opportunities/", {"category": "psychosocial"}).content.decode()
    assert "Online French" not in body and 'id="fairs-heading"' not in body


# An anonymous cache miss: the page cache lookup (one round trip), Wagtail's routing and the page's own reads,
# then storing the response in the database cache.
OPPORTUNITIES_QUERIES = 25
HOME_QUERIES = 27


def test_opportunities_page_query_count_is_pinned(client, opportunities, django_assert_num_queries) -> None:
    ghana = CountryFactory(code="GH")
    client.get("/en/opportunities/")  # warm Wagtail's per-process caches
    for extra in (1, 15):
        for _ in range(extra):
            ServiceFactory(is_published=True, organization__country=ghana)
            FairFactory(country=ghana)
            VacancyFactory(country=ghana)
        with django_assert_num_queries(OPPORTUNITIES_QUERIES):
            # A new filter value each time: always a cache miss, so the page's own reads are counted.
            assert client.get("/en/opportunities/", {"n": extra}).status_code == 200


def test_home_page_query_count_is_pinned(client, home, add_page, django_assert_num_queries) -> None:
    client.get("/en/")
    for extra in (1, 10):
        for _ in range(extra):
            n = NewsPage.objects.count() + CountryPage.objects.count()
            add_page(home, NewsPage, title=f"News {n}", slug=f"news-{n}", body=[])
            country = CountryFactory(code=f"X{n % 10}" if n < 10 else f"Y{n % 10}")
            add_page(home, CountryPage, title=f"Country {n}", slug=f"country-{n}", country=country)
        with django_assert_num_queries(HOME_QUERIES):  # publishing purged the page cache: a miss
            assert client.get("/en/").status_code == 200


def test_sitemap_lists_every_language_with_alternates(info) -> None:
    response = views.sitemap(RequestFactory().get("/sitemap.xml"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/xml")
    for code in LANGUAGE_CODES:
        assert re.search(f"<loc>http://[^/]+/{code}/topics/work-abroad-safely/</loc>", body)
    assert re.search('hreflang="ar" href="http://[^/]+/ar/topics/work-abroad-safely/"', body)


def test_robots_points_to_the_sitemap(db) -> None:
    body = views.robots(RequestFactory().get("/robots.txt")).content.decode()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in body  # not the request's host (testserver)
    assert "Disallow: /cms-admin/" in body
