"""The opportunities page and a service's page in a browser at 320 CSS px, in Arabic, Urdu and German, with data
as long as people's data can be: nothing scrolls sideways (WCAG 1.4.10) and axe finds nothing serious.

The Wagtail page is not a URL name of the access matrix, so tests/e2e/test_reflow_320.py does not reach it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from cms.models import OpportunitiesPage
from referrals.models import Delivery, Location, ServiceAtLocation
from tests.cms.conftest import add_page, home, locales, translate  # noqa: F401 - the information site's fixtures
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_reflow_320 import LONG_NAME, LONG_WORD, OVERFLOW_SCRIPT
from tests.factories import CountryFactory, EmployerFactory, OrganizationFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, VacancyFactory
from tests.referrals.factories import ServiceFactory

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 320, 640


def _long_rows() -> Any:
    ghana = CountryFactory(code="GH")
    CountryFactory(code="DE", is_partner_country=False)
    organisation = OrganizationFactory(country=ghana, name=LONG_NAME[:200], phone="+233 30 274 1234",
                                       website="https://" + LONG_WORD.replace("@", "-") + ".example.org/")  # fmt: skip
    service = ServiceFactory(
        organization=organisation,
        name=LONG_NAME[:200],
        description=("Six months of practice on real roofs " + LONG_WORD + " ") * 4,
        eligibility=LONG_WORD,
        min_age=18,
        max_age=35,
        schedule="Mon–Fri 08:00–14:00 " + LONG_WORD,
        cost=LONG_WORD[:100],
        delivery=Delivery.HYBRID,
        areas_served=["EG", "AL", "GM", "IQ", "JO", "XK", "MA", "NG", "PK", "SN", "RS", "TN", "ID"],
        languages=["en", "fr", "ar", "sr-latn", "ur", "id"],
        url="https://" + LONG_WORD.replace("@", "-") + ".example.org/apply",
        is_published=True,
    )
    location = Location.objects.create(
        organization=organisation, name="Site", address=LONG_WORD, city=LONG_NAME[:100], country=ghana
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    starts = dt.datetime(2031, 3, 4, 9, 0, tzinfo=dt.UTC)
    fair = FairFactory(
        title=LONG_NAME[:200],
        description=LONG_WORD,
        country=ghana,
        venue=LONG_WORD,
        time_zone="Europe/Belgrade",
        starts_at=starts,
        ends_at=starts + dt.timedelta(days=1),
        registration_closes_at=starts - dt.timedelta(days=1),
        languages=["en", "fr", "ar"],
    )
    BoothFactory(fair=fair)
    VacancyFactory(
        title=LONG_NAME[:200],
        employer=EmployerFactory(name=LONG_NAME[:200], country=ghana),
        country=ghana,
        locality=LONG_WORD[:120],
        salary_min=2500000,
        salary_max=3000000,
        salary_currency="GHS",
        salary_unit="MONTH",
        skills=LONG_WORD,
        how_to_apply=LONG_WORD,
    )
    return service


@pytest.mark.parametrize("language", ["ar", "ur", "de"])
def test_opportunities_and_service_pages_reflow_at_320_px(
    language: str,
    new_page,
    live_server,
    home,  # noqa: F811 - the imported fixtures
    add_page,  # noqa: F811
    translate,  # noqa: F811
) -> None:
    opportunities = add_page(home, OpportunitiesPage, title="Opportunities", slug="opportunities")
    translate(home, [language])
    translate(opportunities, [language])
    service = _long_rows()
    page = new_page(viewport={"width": WIDTH, "height": HEIGHT})
    # The visitor's browser told its zone: the fair's card shows the visitor's own time too (the longest card).
    page.context.add_cookies([{"name": "tz", "value": "Asia/Karachi", "url": live_server.url}])
    service_url = reverse("site:service-detail", kwargs={"public_id": service.public_id})
    for url in (f"/{language}/opportunities/", service_url.replace("/en/", f"/{language}/", 1)):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        assert page.locator("html").get_attribute("dir") == ("rtl" if language in ("ar", "ur") else "ltr")
        result = page.evaluate(OVERFLOW_SCRIPT)
        assert result["scrollWidth"] <= WIDTH and not result["offenders"], f"{url}: {result}"
        assert_accessible(page)
    page.goto(f"/{language}/opportunities/")
    assert page.locator("li.card.opportunity").count() == 3
