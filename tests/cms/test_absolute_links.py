"""Every absolute link names SITE_URL's host and port, whatever host the request came in on (issue #18).

hreflang, canonical and og:url, sitemap.xml and robots.txt, the .ics event's link, the referral slip's QR code;
Wagtail's Site record follows SITE_URL on `migrate`, and `make run` sets SITE_URL from PORT.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.utils import timezone
from wagtail.models import Site

from cms.links import sync_default_site
from cms.models import InformationPage, Topic, TopicIndexPage
from devtools.devstack.commands import run_environment
from jobfairs.ics import booking_ics
from jobfairs.models import Booking
from referrals import slip
from referrals.links import check_token
from tests.factories import UserFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, RegistrationFactory, SlotFactory
from tests.referrals.conftest import case, refer, service  # noqa: F401 - fixtures of the slip test

SITE = "https://portal.example.org:8443"
REQUEST_HOST = "10.0.0.7:8000"  # a proxy's or a health check's address: never in a link


@pytest.fixture
def site_url(settings) -> str:
    settings.SITE_URL = SITE
    return SITE


@pytest.fixture
def info(home, add_page, translate):
    topics = add_page(home, TopicIndexPage, title="Topics", slug="topics")
    page = add_page(topics, InformationPage, title="Work abroad", slug="work-abroad", topic=Topic.REGULAR_MIGRATION)
    translate(home)
    translate(topics)
    translate(page)
    return page


def _links(body: str, pattern: str) -> list:
    """What `pattern` captures in `body`: strings for one group, tuples for several."""
    return re.findall(pattern, body)


def test_canonical_hreflang_and_og_url_name_the_site_url(client, site_url, info, settings) -> None:
    settings.ALLOWED_HOSTS = ["10.0.0.7"]
    body = client.get("/fr/topics/work-abroad/", HTTP_HOST=REQUEST_HOST).content.decode()
    assert _links(body, r'<link rel="canonical" href="([^"]*)"') == [f"{SITE}/fr/topics/work-abroad/"]
    assert _links(body, r'<meta property="og:url" content="([^"]*)"') == [f"{SITE}/fr/topics/work-abroad/"]
    alternates = dict(_links(body, r'<link rel="alternate" hreflang="([^"]+)" href="([^"]*)"'))
    assert len(alternates) == 9  # eight languages and x-default
    assert alternates["ar"] == f"{SITE}/ar/topics/work-abroad/"
    assert alternates["x-default"] == f"{SITE}/en/topics/work-abroad/"
    assert all(url.startswith(f"{SITE}/") for url in alternates.values())


def test_sitemap_and_robots_name_the_site_url(client, site_url, info, settings) -> None:
    settings.ALLOWED_HOSTS = ["10.0.0.7"]
    body = client.get("/sitemap.xml", HTTP_HOST=REQUEST_HOST).content.decode()
    locations = _links(body, r"<loc>([^<]*)</loc>")
    alternates = _links(body, r'hreflang="[^"]+" href="([^"]*)"')
    assert f"{SITE}/sr-latn/topics/work-abroad/" in locations
    assert len(locations) >= 24 and len(alternates) >= 24  # three pages in eight languages
    assert all(url.startswith(f"{SITE}/") for url in locations + alternates)
    robots = client.get("/robots.txt", HTTP_HOST=REQUEST_HOST).content.decode()
    assert f"Sitemap: {SITE}/sitemap.xml" in robots


def test_the_ics_event_links_to_the_booth_on_the_site_url(site_url, employer_org) -> None:
    fair = FairFactory(starts_at=timezone.now() + dt.timedelta(days=2))
    booth = BoothFactory(fair=fair, employer=employer_org)
    registration = RegistrationFactory(fair=fair, user=UserFactory())
    booking = Booking.objects.create(slot=SlotFactory(booth=booth, starts_at=fair.starts_at), registration=registration)
    unfolded = booking_ics(booking, summary="Meeting").replace("\r\n ", "")
    assert re.search(rf"^URL:{re.escape(SITE)}/[a-z-]+/.*{booth.public_id}", unfolded, re.M)


def test_the_slip_qr_code_holds_the_partner_link_on_the_site_url(site_url, refer, case, service, monkeypatch) -> None:  # noqa: F811
    encoded: list[str] = []
    real_qr = slip.qr_svg

    def keep_data(data: str) -> str:
        encoded.append(data)
        return real_qr(data)

    monkeypatch.setattr(slip, "qr_svg", keep_data)
    referral = refer(case, service)
    assert slip.render_slip(referral, language="en").startswith(b"%PDF")
    assert len(encoded) == 1
    match = re.fullmatch(rf"{re.escape(SITE)}/[a-z-]+/r/([^/]+)/", encoded[0])
    assert match and check_token(match[1]).referral == referral  # the partner's answer link, on SITE_URL


def test_the_wagtail_site_record_follows_the_site_url_after_migrate(site_url, home) -> None:
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "localhost", 80
    site.save()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # what `migrate` ends with
    site.refresh_from_db()
    assert (site.hostname, site.port) == ("portal.example.org", 8443)
    assert sync_default_site() is None  # already in step: nothing written


def test_the_site_record_takes_the_default_port_of_the_scheme(settings, home) -> None:
    settings.SITE_URL = "https://portal.example.org"
    assert sync_default_site() is not None
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("portal.example.org", 443, "https://portal.example.org")


def test_make_run_sets_the_site_url_from_the_port() -> None:
    assert run_environment("8765", {})["SITE_URL"] == "http://127.0.0.1:8765"
    chosen = {"SITE_URL": "https://staging.example.org"}
    assert run_environment("8765", chosen)["SITE_URL"] == "https://staging.example.org"  # an explicit one wins
