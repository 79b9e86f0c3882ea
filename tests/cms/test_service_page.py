"""A service's public page (issue #19, point 10): what the opportunities page links to, with public data only."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.models import OpportunitiesPage
from referrals.models import Delivery, Location, ServiceAtLocation
from tests.factories import CountryFactory, OrganizationFactory
from tests.referrals.factories import ServiceFactory
from tests.test_bidi_isolation import check_isolation

pytestmark = pytest.mark.django_db


def _url(service, language: str = "en") -> str:
    return reverse("site:service-detail", kwargs={"public_id": service.public_id}).replace("/en/", f"/{language}/", 1)


@pytest.fixture
def service():
    ghana = CountryFactory(code="GH")
    organisation = OrganizationFactory(
        name="Kumasi Solar Academy",
        country=ghana,
        description="A vocational school run by the regional government.",
        email="referrals@solar.example.org",
        phone="+233 30 274 1234",
        website="https://solar.example.org/",
    )
    service = ServiceFactory(
        organization=organisation,
        name="Solar installer training",
        description="Six months of practice on real roofs.",
        translations={"fr": {"name": "Formation d'installateur solaire", "description": "Six mois de pratique."}},
        delivery=Delivery.HYBRID,
        areas_served=["RS"],
        eligibility="Returnees without a school certificate",
        min_age=18,
        cost="GHS 200",
        capacity=12,
        schedule="Mon–Fri",
        starts_on=dt.date(2031, 2, 3),
        application_deadline=timezone.localdate() + dt.timedelta(days=5),
        url="https://solar.example.org/apply",
        languages=["en"],
        is_published=True,
    )
    location = Location.objects.create(
        organization=organisation, name="Workshop", address="12 Lake Road", city="Kumasi", country=ghana
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    return service


def test_anyone_reads_what_for_whom_when_where_and_how_to_apply(client, service) -> None:
    body = client.get(_url(service)).content.decode()

    assert "<h1><bdi>Solar installer training</bdi></h1>" in body
    assert "Six months of practice on real roofs." in body
    assert "Returnees without a school certificate" in body and "Aged 18 or older" in body
    assert "3 February 2031" in body and "Mon–Fri" in body
    assert "Online, open to people in Ghana, Serbia" in body and "<bdi>12 Lake Road, Kumasi</bdi>" in body
    assert "GHS 200" in body and ">12<" in body
    assert 'href="https://solar.example.org/apply"' in body
    assert '<a href="tel:+233302741234" dir="ltr">+233 30 274 1234</a>' in body
    assert "A vocational school run by the regional government." in body
    assert "referrals@solar.example.org" not in body  # the partner's referral inbox is not for the public


def test_the_page_is_in_the_visitors_language(client, service) -> None:
    body = client.get(_url(service, "fr")).content.decode()
    assert "<h1><bdi>Formation d&#x27;installateur solaire</bdi></h1>" in body and "Six mois de pratique." in body


def test_the_page_links_back_to_the_opportunities_page(client, service, home, add_page) -> None:
    add_page(home, OpportunitiesPage, title="Opportunities", slug="opportunities")
    body = client.get(_url(service)).content.decode()
    assert re.search(r'<a href="https?://[^/"]+/en/opportunities/">All opportunities</a>', body)


@pytest.mark.parametrize("change", [{"is_published": False}, {"is_active": False}], ids=["unpublished", "inactive"])
def test_a_service_not_for_the_public_is_404(client, service, change) -> None:
    type(service).objects.filter(pk=service.pk).update(**change)
    assert client.get(_url(service)).status_code == 404


def test_an_unknown_service_is_404(client, db) -> None:
    url = reverse("site:service-detail", kwargs={"public_id": uuid.uuid4()})
    assert client.get(url).status_code == 404


def test_a_service_past_its_deadline_says_applications_are_closed(client, service) -> None:
    type(service).objects.filter(pk=service.pk).update(application_deadline=timezone.localdate() - dt.timedelta(days=1))
    response = client.get(_url(service))
    assert response.status_code == 200
    assert "Applications are closed." in response.content.decode()


def test_arabic_page_keeps_every_value_in_an_isolate(client, service) -> None:
    checker = check_isolation(client.get(_url(service, "ar")).content.decode())
    assert checker.isolated >= 8
    assert checker.not_isolated == [] and checker.not_ltr == []


# An anonymous visitor: the service with its organisation and country, its locations, the opportunities page of
# the language for the link back (its view restrictions, the locale, the page), the footer's help contacts.
SERVICE_PAGE_QUERIES = 6


def test_service_page_query_count_is_flat_in_locations(client, service, django_assert_num_queries) -> None:
    client.get(_url(service))
    for n in (1, 10):
        for index in range(n):
            location = Location.objects.create(
                organization=service.organization, name=f"Site {index}", city=f"Town {index}", country=service.country
            )
            ServiceAtLocation.objects.create(service=service, location=location)
        with django_assert_num_queries(SERVICE_PAGE_QUERIES):
            assert client.get(_url(service)).status_code == 200
