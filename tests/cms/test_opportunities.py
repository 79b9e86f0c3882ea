"""The opportunities page leads somewhere (issue #19, point 10): every card says what it is, for whom, when,
where or online, how to apply, and links to its own page; in the visitor's language; filters by country, topic,
online or on-site and language; flat query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cms.models import OpportunitiesPage
from cms.selectors import OPPORTUNITY_LIMIT
from referrals.models import Delivery, Location, ServiceAtLocation, ServiceCategory
from tests.factories import CountryFactory, EmployerFactory, OrganizationFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, VacancyFactory
from tests.referrals.factories import ServiceFactory
from tests.test_bidi_isolation import check_isolation

pytestmark = pytest.mark.django_db

URL = "/en/opportunities/"


@pytest.fixture
def opportunities(home, add_page):
    return add_page(home, OpportunitiesPage, title="Opportunities", slug="opportunities")


@pytest.fixture
def ghana():
    return CountryFactory(code="GH")


def _service(country, **fields):
    """A published service with a town: the organisation and its location in `country`."""
    organisation = OrganizationFactory(country=country, **fields.pop("organisation", {}))
    service = ServiceFactory(organization=organisation, is_published=True, **fields)
    location = Location.objects.create(organization=organisation, name="Workshop", city="Kumasi", country=country)
    ServiceAtLocation.objects.create(service=service, location=location)
    return service


def _card(body: str, css_class: str, title: str) -> str:
    """The HTML of the card (an <li>) whose title is `title`."""
    for card in re.findall(rf'<li class="card opportunity {css_class}">(.*?)</li>', body, flags=re.S):
        if title in card:
            return card
    raise AssertionError(f"no {css_class} card for {title!r}")


def test_service_card_says_what_for_whom_when_where_how_and_links_its_page(client, opportunities, ghana) -> None:
    service = _service(
        ghana,
        name="Solar installer training",
        description="Six months of practice on real roofs, with a national certificate at the end.",
        eligibility="Returnees without a school certificate",
        min_age=18,
        max_age=35,
        starts_on=timezone.localdate() + dt.timedelta(days=20),
        schedule="Mon–Fri 08:00–14:00",
        application_deadline=timezone.localdate() + dt.timedelta(days=10),
        languages=["en", "fr"],
        url="https://solar.example.org/apply",
        organisation={"name": "Kumasi Solar Academy", "phone": "+233 30 274 1234"},
    )

    card = _card(client.get(URL).content.decode(), "service", "Solar installer training")

    assert "Vocational qualification" in card and "In person" in card  # what
    assert "Six months of practice" in card
    assert "Kumasi Solar Academy" in card
    assert "Returnees without a school certificate" in card and "Aged 18 to 35" in card  # for whom
    starts = service.starts_on
    with translation.override("en"):
        from django.utils.formats import date_format

        assert f"Starts on {date_format(starts, 'DATE_FORMAT')}" in card  # when, in the locale's format
        assert f"Apply by {date_format(service.application_deadline, 'DATE_FORMAT')}" in card
    assert "Mon–Fri 08:00–14:00" in card
    assert "<bdi>Kumasi</bdi>, <bdi>Ghana</bdi>" in card  # where
    assert '<bdi lang="en">English</bdi>, <bdi lang="fr">Français</bdi>' in card
    assert "Free" in card
    assert 'href="https://solar.example.org/apply"' in card  # how to apply
    assert '<a href="tel:+233302741234" dir="ltr">+233 30 274 1234</a>' in card
    detail = reverse("site:service-detail", kwargs={"public_id": service.public_id})
    assert f'href="{detail}"' in card


def test_online_service_of_another_country_shows_for_the_countries_it_serves(client, opportunities, ghana) -> None:
    germany, serbia = CountryFactory(code="DE", is_partner_country=False), CountryFactory(code="RS")
    ServiceFactory(
        name="Digital skills online",
        organization=OrganizationFactory(country=germany),
        category=ServiceCategory.ONLINE_COURSE,
        delivery=Delivery.ONLINE,
        areas_served=["GH", "RS"],
        is_published=True,
    )
    ServiceFactory(
        name="Online course for Serbia only",
        organization=OrganizationFactory(country=germany),
        delivery=Delivery.ONLINE,
        areas_served=["RS"],
        is_published=True,
    )
    _service(serbia, name="Belgrade bakery course")

    body = client.get(URL, {"country": "GH"}).content.decode()

    card = _card(body, "service", "Digital skills online")
    assert "Online, open to people in Germany, Ghana, Serbia" in card
    assert "Online course for Serbia only" not in body and "Belgrade bakery course" not in body
    body = client.get(URL, {"country": "GH", "mode": "on_site"}).content.decode()
    assert "Digital skills online" not in body
    # Arabic and Urdu lists are separated by their own comma
    arabic = _card(client.get("/ar/opportunities/", {"country": "GH"}).content.decode(), "service", "Digital skills")
    assert "ألمانيا، صربيا، غانا" in arabic, arabic


def test_fair_card_shows_its_time_its_place_and_how_to_take_part(client, opportunities, ghana) -> None:
    starts = dt.datetime(2031, 3, 4, 9, 0, tzinfo=dt.UTC)
    fair = FairFactory(
        title="Accra Careers Day",
        description="Meet employers from construction and logistics.",
        country=ghana,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        registration_closes_at=starts - dt.timedelta(days=1),
        languages=["en", "fr"],
    )
    BoothFactory.create_batch(2, fair=fair)

    card = _card(client.get(URL).content.decode(), "fair", "Accra Careers Day")

    assert "Job fair" in card and "Hybrid" in card
    assert "Meet employers from construction" in card
    assert "<bdi>4 March 2031, 09:00</bdi></time> – <bdi>15:00</bdi>" in card  # the end's day is the start's
    assert '<span class="muted">(<bdi>Accra, UTC</bdi>)' in card
    assert "Your time" not in card  # the visitor's zone is unknown: only the fair's own zone
    assert "Online<br><bdi>Accra International Conference Centre</bdi>, <bdi>Ghana</bdi>" in card
    assert "2 employers" in card
    assert "Register by 3 March 2031" in card
    assert f'href="{reverse("jobfairs:fair-detail", kwargs={"public_id": fair.public_id})}"' in card


def test_fair_card_says_when_registration_opens_or_that_it_closed(client, opportunities, ghana) -> None:
    starts = dt.datetime(2031, 3, 4, 9, 0, tzinfo=dt.UTC)
    FairFactory(title="Later fair", country=ghana, format="virtual", starts_at=starts, ends_at=starts
                + dt.timedelta(hours=6), registration_opens_at=dt.datetime(2031, 2, 1, 9, 0, tzinfo=dt.UTC),
                registration_closes_at=starts - dt.timedelta(days=1))  # fmt: skip
    soon = timezone.now() + dt.timedelta(hours=3)
    FairFactory(title="Full fair", country=ghana, starts_at=soon, ends_at=soon + dt.timedelta(hours=6),
                registration_closes_at=timezone.now() - dt.timedelta(minutes=5))  # fmt: skip

    body = client.get(URL).content.decode()

    later = _card(body, "fair", "Later fair")
    assert "Registration opens on 1 February 2031" in later
    assert "Online<br><bdi>Ghana</bdi>" in later  # a virtual fair: no venue
    assert "Registration is closed." in _card(body, "fair", "Full fair")


def test_fair_card_adds_the_visitors_own_time_and_the_cache_keeps_zones_apart(client, opportunities, ghana) -> None:
    starts = dt.datetime(2031, 3, 4, 9, 0, tzinfo=dt.UTC)
    FairFactory(
        title="Belgrade fair", country=ghana, time_zone="Europe/Belgrade", starts_at=starts, ends_at=starts
        + dt.timedelta(hours=6), registration_closes_at=starts - dt.timedelta(days=1),
    )  # fmt: skip

    client.cookies["tz"] = "Asia/Karachi"
    card = _card(client.get(URL).content.decode(), "fair", "Belgrade fair")
    assert "<bdi>4 March 2031, 10:00</bdi></time> – <bdi>16:00</bdi>" in card
    assert "(<bdi>Belgrade, UTC+1</bdi>)" in card
    assert "Your time: 4 March 2031, 14:00 (Karachi, UTC+5)" in card

    client.cookies["tz"] = "Europe/Belgrade"  # the same address, another zone: not the copy cached for Karachi
    card = _card(client.get(URL).content.decode(), "fair", "Belgrade fair")
    assert "Your time" not in card


def test_vacancy_card_shows_place_pay_deadline_and_how_to_apply(client, opportunities, ghana) -> None:
    vacancy = VacancyFactory(
        title="Forklift driver",
        employer=EmployerFactory(name="Tema Logistics", country=ghana),
        country=ghana,
        locality="Tema",
        salary_min=2500,
        salary_max=3000,
        salary_currency="GHS",
        salary_unit="MONTH",
        how_to_apply="Send your CV to the HR office at the port gate.",
        valid_through=dt.date(2031, 5, 31),
    )

    card = _card(client.get(URL).content.decode(), "vacancy", "Forklift driver")

    assert "Vacancy" in card and "Full time" in card and "Tema Logistics" in card
    assert "Operate and maintain food processing machines." in card
    assert "<bdi>Tema</bdi>, <bdi>Ghana</bdi>" in card
    assert "2,500 – 3,000 GHS</bdi> per month" in card
    assert "Apply by 31 May 2031" in card and "Send your CV to the HR office" in card
    assert f'href="{reverse("jobfairs:vacancy-detail", kwargs={"public_id": vacancy.public_id})}"' in card


def test_long_descriptions_are_cut_on_the_card_and_whole_on_the_service_page(client, opportunities, ghana) -> None:
    words = " ".join(f"word{n}" for n in range(60))
    service = _service(ghana, name="Long course", description=words)

    card = _card(client.get(URL).content.decode(), "service", "Long course")
    assert "word29…" in card and "word30" not in card

    page = client.get(reverse("site:service-detail", kwargs={"public_id": service.public_id})).content.decode()
    assert "word59" in page


def test_cards_are_in_the_visitors_language_and_mark_the_fallback(client, opportunities, translate, ghana) -> None:
    translate(opportunities, ["fr", "ar"])
    _service(
        ghana,
        name="Welding course",
        description="Six months.",
        translations={"fr": {"name": "Cours de soudure", "description": "Six mois."}},
    )
    FairFactory(
        title="Careers Day",
        description="Meet employers.",
        country=ghana,
        translations={"fr": {"title": "Journée des carrières", "description": "Rencontrez des employeurs."}},
    )
    VacancyFactory(
        title="Machine operator",
        country=ghana,
        translations={"fr": {"title": "Opérateur de machines", "description": "Conduire les machines."}},
    )

    body = client.get("/fr/opportunities/").content.decode()
    assert "<bdi>Cours de soudure</bdi>" in body and "Six mois." in body
    assert "<bdi>Journée des carrières</bdi>" in body and "Rencontrez des employeurs." in body
    assert "<bdi>Opérateur de machines</bdi>" in body and "Conduire les machines." in body
    assert "Welding course" not in body and "Careers Day" not in body

    body = client.get("/ar/opportunities/").content.decode()  # no Arabic text: the English one, said so
    assert '<bdi lang="en" dir="ltr">Welding course</bdi> <small class="muted content-fallback">' in body
    assert '<bdi lang="en" dir="ltr">Careers Day</bdi>' in body


def test_filters_by_topic_mode_and_language(client, opportunities, ghana) -> None:
    _service(ghana, name="Counselling group", category=ServiceCategory.PSYCHOSOCIAL, languages=["en"])
    _service(ghana, name="French course online", category=ServiceCategory.LANGUAGE, delivery=Delivery.ONLINE,
             languages=["fr"])  # fmt: skip
    FairFactory(title="Virtual fair", country=ghana, format="virtual", languages=["fr"])
    FairFactory(title="Hall fair", country=ghana, format="on_site", languages=["en"])
    VacancyFactory(title="Remote translator", country=ghana, remote=True, languages=["fr"])

    body = client.get(URL, {"category": "psychosocial"}).content.decode()
    assert "Counselling group" in body and "French course online" not in body
    assert "Virtual fair" not in body and "Remote translator" not in body  # fairs and jobs are not that topic

    body = client.get(URL, {"mode": "online"}).content.decode()
    assert "French course online" in body and "Virtual fair" in body and "Remote translator" in body
    assert "Counselling group" not in body and "Hall fair" not in body

    body = client.get(URL, {"language": "fr"}).content.decode()
    assert "French course online" in body and "Virtual fair" in body and "Remote translator" in body
    assert "Counselling group" not in body and "Hall fair" not in body
    assert 'class="clear-filters"' in body


def test_unknown_filter_values_are_dropped_not_an_error(client, opportunities, ghana) -> None:
    _service(ghana, name="Welding course")

    response = client.get(URL, {"country": "ZZ", "category": "magic", "mode": "teleport", "language": "tlh"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Welding course" in body  # as without filters
    assert 'class="clear-filters"' not in body and '<option value="" selected' not in body


def test_an_empty_result_says_so_and_offers_to_clear_the_filters(client, opportunities, ghana) -> None:
    _service(ghana, name="Welding course", languages=["en"])

    body = client.get(URL, {"language": "id"}).content.decode()

    assert "Nothing matches these filters." in body
    assert f'<a class="button" href="{URL}">Clear filters and show everything</a>' in body
    assert "Welding course" not in body and 'id="services-heading"' not in body


def test_an_empty_page_without_filters_says_to_come_back(client, opportunities) -> None:
    body = client.get(URL).content.decode()
    assert "There are no trainings, job fairs or vacancies open right now." in body
    assert "Clear filters" not in body


def test_more_rows_than_shown_are_announced(client, opportunities, ghana) -> None:
    for n in range(OPPORTUNITY_LIMIT + 1):
        ServiceFactory(name=f"Course {n:02d}", organization=OrganizationFactory(country=ghana), is_published=True)

    body = client.get(URL).content.decode()

    assert body.count('class="card opportunity service"') == OPPORTUNITY_LIMIT
    assert "Only the first results are shown" in body


def test_arabic_cards_keep_every_value_in_an_isolate(client, opportunities, translate, ghana) -> None:
    translate(opportunities, ["ar"])
    _service(
        ghana,
        name="Zz Solar training",
        description="Six months.",
        eligibility="Returnees, 18+",
        schedule="Mon–Fri 08:00–14:00",
        cost="GHS 200",
        organisation={"name": "Zz Academy", "phone": "+233 30 274 1234"},
    )
    FairFactory(title="Zz Careers Day", country=ghana, venue="Zz Hall, 12 Ring Road")
    VacancyFactory(title="Zz Welder", country=ghana, locality="Zz Town", how_to_apply="Call +233 24 123 4567.")

    body = client.get("/ar/opportunities/").content.decode()
    checker = check_isolation(body)

    assert checker.isolated >= 10, "the cards' data was not found: the check would pass without checking"
    assert checker.not_isolated == [] and checker.not_ltr == []


# A cache miss of an anonymous visitor, as in tests/cms/test_views.py: the page cache lookup, Wagtail's routing,
# the page's own reads (country filter values, services with their towns, fairs with their employers, vacancies,
# the partner countries) and storing the response.
ANONYMOUS_QUERIES = 26
# A signed-in returnee: no page cache, the session and the person's access instead, and their saved opportunities
# once for all the Save buttons.
RETURNEE_QUERIES = 22


def _add_rows(ghana, n: int) -> None:
    germany = CountryFactory(code="DE", is_partner_country=False)
    for _ in range(n):
        _service(ghana, languages=["en"])
        ServiceFactory(
            organization=OrganizationFactory(country=germany),
            delivery=Delivery.ONLINE,
            areas_served=["GH"],
            is_published=True,
            languages=["en"],
        )
        fair = FairFactory(country=ghana)
        BoothFactory(fair=fair)
        VacancyFactory(country=ghana, languages=["en"])


def test_anonymous_query_count_is_flat_in_rows(client, opportunities, ghana, django_assert_num_queries) -> None:
    client.get(URL)  # warm Wagtail's per-process caches
    total = 0
    for n in (1, 12):
        _add_rows(ghana, n)
        total += n
        with django_assert_num_queries(ANONYMOUS_QUERIES):
            # A new filter value each time: a cache miss, so the page's own reads are counted.
            body = client.get(URL, {"country": "GH", "language": "en", "n": n}).content.decode()
        assert body.count('class="card opportunity') == 4 * total  # two services, a fair and a vacancy each


def test_returnee_query_count_is_flat_in_rows(client, opportunities, ghana, returnee, django_assert_num_queries):
    client.force_login(returnee.user)
    client.get(URL)
    total = 0
    for n in (1, 12):
        _add_rows(ghana, n)
        total += n
        with django_assert_num_queries(RETURNEE_QUERIES):
            response = client.get(URL, {"country": "GH"})
        assert response.content.decode().count("Save for later") == 4 * total
