"""Reads of the information site: page listings and the opportunities page's live data.

Every selector owns its select_related, so a page's query count does not grow with its rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NotRequired, TypedDict
from uuid import UUID

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from cms.links import page_url
from jobfairs.models import FairFormat, FairStatus, JobFair, Vacancy
from jobfairs.selectors import list_public_fairs, list_public_vacancies
from portal.access import get_visible_or_404
from portal.models import Country
from referrals.models import Delivery, Service, ServiceAtLocation, ServiceCategory

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from cms.models import HelpContact

# How many rows of each kind the opportunities page shows (the rest through the filters).
OPPORTUNITY_LIMIT = 30


def language_names(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, name in its own language) for the codes the portal knows, in the given order."""
    names = settings.LANGUAGE_SELF_NAMES
    return [(code, names[code]) for code in codes if code in names]


def list_home_sections(*, home: Page) -> dict[str, list[Page]]:
    """The home page's sections: the live children (specific, one query per page type) and the latest news."""
    from cms.models import CountryPage, NewsPage

    children = list(home.get_children().live().public().not_type(CountryPage).specific().order_by("path"))
    countries = CountryPage.objects.child_of(home).live().public().select_related("country").order_by("title")
    news = NewsPage.objects.descendant_of(home).live().public().order_by("-date")[:3]
    return {"sections": children, "country_pages": list(countries), "news": list(news)}


def list_topics(*, index: Page) -> list[tuple[str, StrOrPromise, list[Page]]]:
    """Every topic, in a fixed order, with the live information pages filed under it below `index`."""
    from cms.models import InformationPage, Topic

    pages = InformationPage.objects.child_of(index).live().public().order_by("path")
    by_topic: dict[str, list[Page]] = {}
    for page in pages:
        by_topic.setdefault(page.topic, []).append(page)
    return [(value, label, by_topic.get(value, [])) for value, label in Topic.choices]


class Mode:
    ONLINE = "online"
    ON_SITE = "on_site"
    choices = [(ONLINE, _("Online")), (ON_SITE, _("On-site"))]


@dataclass(frozen=True)
class OpportunityFilters:
    """The opportunities page's GET filters; unknown values are dropped, never an error."""

    country: str = ""
    category: str = ""
    language: str = ""
    mode: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> OpportunityFilters:
        def pick(name: str, allowed: Iterable[str]) -> str:
            value = (query.get(name) or "").strip()
            return value if value in set(allowed) else ""

        return cls(
            country=pick("country", Country.objects.values_list("code", flat=True)) if query.get("country") else "",
            category=pick("category", ServiceCategory.values),
            language=pick("language", [code for code, _name in settings.LANGUAGES]),
            mode=pick("mode", [value for value, _label in Mode.choices]),
        )

    @property
    def is_active(self) -> bool:
        """Whether any filter is set (the page then offers to clear them)."""
        return bool(self.country or self.category or self.language or self.mode)

    @property
    def shows_jobs(self) -> bool:
        # Fairs and vacancies have no service category: they belong to "job placement" (or to no filter).
        return self.category in ("", ServiceCategory.JOB_PLACEMENT)


@dataclass
class Opportunities:
    services: list[Service] = field(default_factory=list)
    fairs: list[JobFair] = field(default_factory=list)
    vacancies: list[Vacancy] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    categories: list[tuple[str, StrOrPromise]] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)
    modes: list[tuple[str, StrOrPromise]] = field(default_factory=list)
    # Whether a kind has more rows than the page shows (the filters narrow it down).
    more_services: bool = False
    more_fairs: bool = False
    more_vacancies: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.services or self.fairs or self.vacancies)


def _with_places(services: QuerySet[Service]) -> QuerySet[Service]:
    """Each service with `cities`: the towns of its locations, sorted, in the same query (no query per row)."""
    cities = (
        ServiceAtLocation.objects.filter(service_id=OuterRef("pk"))
        .order_by("location__city")
        .values("location__city")
        .distinct()
    )
    return services.annotate(cities=ArraySubquery(cities))


def list_live_services(*, filters: OpportunityFilters) -> QuerySet[Service]:
    """Published, active services whose application deadline has not passed (or that have none).

    With a country: the services of that country and those of other countries that serve it too
    (`areas_served`, e.g. an online course offered from Germany to every partner country).
    """
    services = (
        Service.objects.filter(is_published=True, is_active=True)
        .filter(Q(application_deadline__isnull=True) | Q(application_deadline__gte=timezone.localdate()))
        .select_related("organization", "country")
        .order_by("application_deadline", "name", "pk")
    )
    if filters.country:
        services = services.filter(Q(country_id=filters.country) | Q(areas_served__contains=[filters.country]))
    if filters.category:
        services = services.filter(category=filters.category)
    if filters.language:
        services = services.filter(languages__contains=[filters.language])
    if filters.mode == Mode.ONLINE:
        services = services.filter(delivery__in=[Delivery.ONLINE, Delivery.HYBRID])
    elif filters.mode == Mode.ON_SITE:
        services = services.filter(delivery__in=[Delivery.IN_PERSON, Delivery.HYBRID])
    return _with_places(services)


def list_upcoming_fairs(*, filters: OpportunityFilters) -> QuerySet[JobFair]:
    """Published fairs that have not ended (closed ones stay on the job fairs pages, not here)."""
    fairs = list_public_fairs(country=filters.country).filter(status=FairStatus.PUBLISHED).order_by("starts_at", "pk")
    if filters.language:
        fairs = fairs.filter(languages__contains=[filters.language])
    if filters.mode == Mode.ONLINE:
        fairs = fairs.filter(format__in=[FairFormat.VIRTUAL, FairFormat.HYBRID])
    elif filters.mode == Mode.ON_SITE:
        fairs = fairs.filter(format__in=[FairFormat.ON_SITE, FairFormat.HYBRID])
    return fairs


def list_open_vacancies(*, filters: OpportunityFilters) -> QuerySet[Vacancy]:
    """Published, still open vacancies of verified employers, closing soonest first."""
    vacancies = list_public_vacancies().order_by("valid_through", "-date_posted", "pk")
    if filters.country:
        vacancies = vacancies.filter(country_id=filters.country)
    if filters.language:
        vacancies = vacancies.filter(languages__contains=[filters.language])
    if filters.mode == Mode.ONLINE:
        vacancies = vacancies.filter(remote=True)
    elif filters.mode == Mode.ON_SITE:
        vacancies = vacancies.filter(remote=False)
    return vacancies


def _first[Row: models.Model](rows: QuerySet[Row]) -> tuple[list[Row], bool]:
    """The first OPPORTUNITY_LIMIT rows, and whether there are more (one query: one row more is read)."""
    found = list(rows[: OPPORTUNITY_LIMIT + 1])
    return found[:OPPORTUNITY_LIMIT], len(found) > OPPORTUNITY_LIMIT


def list_opportunities(*, filters: OpportunityFilters) -> Opportunities:
    """Everything the opportunities page shows: a fixed number of queries whatever the number of rows.

    One query per kind (services with their organisation, country and towns; fairs with their country
    and number of employers; vacancies with their employer and country) and one for the countries.
    Fairs and vacancies are left out (no query) when the topic is not about jobs.
    """
    services, more_services = _first(list_live_services(filters=filters))
    fairs, more_fairs = _first(list_upcoming_fairs(filters=filters)) if filters.shows_jobs else ([], False)
    vacancies, more_vacancies = _first(list_open_vacancies(filters=filters)) if filters.shows_jobs else ([], False)
    return Opportunities(
        services=services,
        fairs=fairs,
        vacancies=vacancies,
        countries=list(Country.objects.filter(is_partner_country=True)),
        categories=list(ServiceCategory.choices),
        languages=language_names(code for code, _name in settings.LANGUAGES),
        modes=list(Mode.choices),
        more_services=more_services,
        more_fairs=more_fairs,
        more_vacancies=more_vacancies,
    )


def get_public_service(*, public_id: UUID) -> Service:
    """A service the public may see (published and active; its deadline may have passed), with its
    organisation, country and locations. Anything else is 404, as an unknown id is."""
    services = (
        Service.objects.filter(is_published=True, is_active=True)
        .select_related("organization", "country")
        .prefetch_related("locations")
    )
    service: Service = get_visible_or_404(services, public_id=public_id)
    return service


def opportunities_page_url(*, request: HttpRequest | None = None) -> str | None:
    """The address of the live opportunities page in the active language (one query), or None without one."""
    from wagtail.models import Locale

    from cms.models import OpportunitiesPage

    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:  # the information site is not set up (no locales yet): no page to link to
        return None
    page = OpportunitiesPage.objects.live().public().filter(locale=locale).order_by("path").first()
    return page_url(page, request) if page is not None else None


@dataclass
class SitemapEntry:
    location: str
    last_modified: datetime | None
    alternates: list[tuple[str, str]]


def list_sitemap_entries(*, request: HttpRequest | None = None) -> list[SitemapEntry]:
    """Every live, public page of the information site, in every language, each with its translations."""
    from cms.models import (
        CentrePage,
        CountryPage,
        HomePage,
        InformationPage,
        NewsPage,
        OpportunitiesPage,
        TopicIndexPage,
    )

    pages = list(
        Page.objects.live()
        .public()
        .type(HomePage, CountryPage, CentrePage, TopicIndexPage, InformationPage, NewsPage, OpportunitiesPage)
        .select_related("locale")
        .order_by("path")
    )
    urls = {page.pk: url for page in pages if (url := page_url(page, request))}  # routable pages only
    by_key: dict[UUID, list[tuple[str, str]]] = {}
    for page in pages:
        if page.pk in urls:
            by_key.setdefault(page.translation_key, []).append((page.locale.language_code, urls[page.pk]))
    return [
        SitemapEntry(
            location=urls[page.pk], last_modified=page.last_published_at, alternates=by_key[page.translation_key]
        )
        for page in pages
        if page.pk in urls
    ]


def _country_of_page(page: Page | None) -> str | None:
    """The country a page belongs to: a country page, or anything below one (centre pages included)."""
    from cms.models import CountryPage

    if page is None:
        return None
    if isinstance(page, CountryPage):
        return page.country_id
    return _ancestor_country(page)


def _ancestor_country(page: Page) -> str | None:
    from cms.models import CountryPage

    # Country pages hang right below a language home (depth 3): their path is the first three steps.
    if page.depth < 3:
        return None
    steps = Page.steplen * 3
    return CountryPage.objects.filter(path=page.path[:steps]).values_list("country_id", flat=True).first()


class HelpContacts(TypedDict):
    country_name: str
    groups: list[tuple[str, str, list[HelpContact]]]
    everywhere: NotRequired[list[HelpContact]]


def help_contacts_for(*, page: Page | None, language: str) -> HelpContacts:
    """Footer contacts in `language`: the page's country (plus contacts for everyone), or every country grouped.

    At most two queries (the country lookup and the contacts); the caller memoises per request.
    """
    from cms.models import HelpContact
    from portal.geography import country_name

    country = _country_of_page(page)
    rows = HelpContact.objects.filter(locale__language_code=language)
    if country:
        rows = rows.filter(Q(country_id=country) | Q(country__isnull=True))
    contacts = list(rows.order_by("country_id", "sort_order", "pk"))
    if country:
        return {"country_name": country_name(country), "groups": [(country, country_name(country), contacts)]}
    by_country: dict[str, list[HelpContact]] = {}
    everywhere: list[HelpContact] = []
    for contact in contacts:
        if contact.country_id is None:
            everywhere.append(contact)
        else:
            by_country.setdefault(contact.country_id, []).append(contact)
    groups = sorted(((code, country_name(code), items) for code, items in by_country.items()), key=lambda g: g[1])
    return {"country_name": "", "groups": groups, "everywhere": everywhere}
