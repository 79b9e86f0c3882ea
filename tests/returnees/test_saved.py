"""Saved opportunities: save and unsave, the buttons on public pages, flat query counts."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from cms.returnees.models import SavedOpportunity
from jobfairs.models import FairStatus
from portal.access import unscoped
from tests.jobfairs.factories import FairFactory, VacancyFactory
from tests.referrals.factories import ServiceFactory

# session, user, memberships, the saved rows with their opportunities (the session and its "last seen"
# record are refreshed once a minute, by portal.middleware.SessionActivityMiddleware, not on this request)
SAVED_QUERIES = 4
# the same without the saved rows, plus the linked client, registrations, their bookings,
# saved opportunities and appointment requests
DASHBOARD_QUERIES = 8


def _toggle(client, kind, obj, save=True):
    url = reverse("returnees:saved-toggle", kwargs={"kind": kind, "public_id": obj.public_id})
    return client.post(url, {"save": "1" if save else "0", "next": "/en/jobfairs/"})


def test_returnee_saves_and_unsaves_each_kind(client, returnee, country_a) -> None:
    client.force_login(returnee.user)
    fair, vacancy = FairFactory(country=country_a), VacancyFactory(country=country_a)
    service = ServiceFactory(is_published=True)
    for kind, obj in (("fair", fair), ("vacancy", vacancy), ("service", service)):
        response = _toggle(client, kind, obj)
        assert response.status_code == 302 and response["Location"] == "/en/jobfairs/"
    _toggle(client, "fair", fair)  # twice: kept once
    with unscoped():
        assert SavedOpportunity.objects.filter(user=returnee.user).count() == 3
    page = client.get(reverse("returnees:saved")).content.decode()
    assert fair.title in page and vacancy.title in page and service.name in page
    _toggle(client, "fair", fair, save=False)
    with unscoped():
        assert SavedOpportunity.objects.filter(user=returnee.user).count() == 2


def test_unsaving_touches_only_my_own_list(client, returnee, country_a) -> None:
    from tests.factories import UserFactory

    fair = FairFactory(country=country_a)
    client.force_login(returnee.user)
    _toggle(client, "fair", fair)
    client.force_login(UserFactory())
    assert _toggle(client, "fair", fair, save=False).status_code == 302
    with unscoped():
        assert SavedOpportunity.objects.filter(user=returnee.user, fair=fair).exists()


def test_next_must_stay_on_the_site(client, returnee, country_a) -> None:
    client.force_login(returnee.user)
    fair = FairFactory(country=country_a)
    url = reverse("returnees:saved-toggle", kwargs={"kind": "fair", "public_id": fair.public_id})
    response = client.post(url, {"save": "1", "next": "https://evil.example/"})
    assert response["Location"] == reverse("returnees:saved")


@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_or_unpublished_opportunity_is_404(client, returnee, country_a, method) -> None:
    client.force_login(returnee.user)
    draft = FairFactory(country=country_a, status=FairStatus.DRAFT)
    hidden = ServiceFactory(is_published=False)
    for kind, public_id in (
        ("fair", draft.public_id),
        ("service", hidden.public_id),
        ("vacancy", uuid.uuid4()),
        ("nonsense", draft.public_id),
    ):
        url = reverse("returnees:saved-toggle", kwargs={"kind": kind, "public_id": public_id})
        response = getattr(client, method)(url, {"save": "1"})
        assert response.status_code == (404 if method == "post" else 405)


def test_staff_cannot_save(client, counsellor, country_a) -> None:
    client.force_login(counsellor.user)
    assert _toggle(client, "fair", FairFactory(country=country_a)).status_code == 404


def test_save_button_on_public_fair_and_vacancy_pages(client, returnee, counsellor, country_a) -> None:
    fair, vacancy = FairFactory(country=country_a), VacancyFactory(country=country_a)
    fair_url = reverse("jobfairs:fair-detail", kwargs={"public_id": fair.public_id})
    vacancy_url = reverse("jobfairs:vacancy-detail", kwargs={"public_id": vacancy.public_id})
    assert "Save for later" not in client.get(fair_url).content.decode()  # anonymous
    client.force_login(counsellor.user)
    assert "Save for later" not in client.get(fair_url).content.decode()  # staff
    client.force_login(returnee.user)
    assert "Save for later" in client.get(fair_url).content.decode()
    assert "Save for later" in client.get(vacancy_url).content.decode()
    _toggle(client, "fair", fair)
    assert "Saved ✓" in client.get(fair_url).content.decode()


def test_saved_list_query_count_is_flat(client, returnee, country_a, django_assert_num_queries) -> None:
    client.force_login(returnee.user)
    client.get(reverse("returnees:saved"))  # the first request of a session records it (usersessions)
    for extra in (1, 15):
        with unscoped():
            for _ in range(extra):
                SavedOpportunity.objects.create(user=returnee.user, fair=FairFactory(country=country_a))
                SavedOpportunity.objects.create(user=returnee.user, vacancy=VacancyFactory(country=country_a))
                SavedOpportunity.objects.create(user=returnee.user, service=ServiceFactory(is_published=True))
        with django_assert_num_queries(SAVED_QUERIES):
            client.get(reverse("returnees:saved"))


def test_dashboard_query_count_is_flat(client, returnee, country_a, django_assert_num_queries) -> None:
    from tests.jobfairs.factories import BoothFactory, RegistrationFactory, SlotFactory

    client.force_login(returnee.user)
    client.get(reverse("returnees:dashboard"))  # the first request of a session records it (usersessions)
    for extra in (1, 10):
        with unscoped():
            for _ in range(extra):
                fair = FairFactory(country=country_a)
                registration = RegistrationFactory(fair=fair, user=returnee.user)
                from jobfairs.models import Booking

                Booking.objects.create(slot=SlotFactory(booth=BoothFactory(fair=fair)), registration=registration)
                SavedOpportunity.objects.create(user=returnee.user, fair=fair)
        with django_assert_num_queries(DASHBOARD_QUERIES):
            response = client.get(reverse("returnees:dashboard"))
        assert response.status_code == 200


# The information site's fixtures (locales, an English home page, a page-adding helper).
from tests.cms.conftest import add_page, home, locales  # noqa: E402, F401


@pytest.fixture
def opportunities(home, add_page):  # noqa: F811
    from cms.models import OpportunitiesPage

    return add_page(home, OpportunitiesPage, title="Opportunities", slug="opportunities")


def test_save_buttons_on_the_opportunities_page(client, returnee, opportunities, country_a) -> None:
    service = ServiceFactory(is_published=True, organization__country=country_a, name="Welding course live")
    FairFactory(country=country_a)
    VacancyFactory(country=country_a)
    assert "Save for later" not in client.get("/en/opportunities/").content.decode()
    client.force_login(returnee.user)
    body = client.get("/en/opportunities/").content.decode()
    assert body.count("Save for later") == 3
    assert 'name="csrfmiddlewaretoken" value=""' not in body  # the forms post with the page's token
    for kind in ("service", "fair", "vacancy"):
        assert f"/en/my/saved/{kind}/" in body
    _toggle(client, "service", service)
    body = client.get("/en/opportunities/", {"n": 1}).content.decode()
    assert body.count("Save for later") == 2 and "Saved ✓" in body


def test_save_buttons_add_one_query_whatever_the_number(client, returnee, opportunities, country_a) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(returnee.user)
    client.get("/en/opportunities/")  # warm Wagtail's caches and record the user session
    counts = []
    for extra in (1, 12):
        for _ in range(extra):
            fair = FairFactory(country=country_a)
            ServiceFactory(is_published=True, organization__country=country_a)
            VacancyFactory(country=country_a)
            with unscoped():
                SavedOpportunity.objects.create(user=returnee.user, fair=fair)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/en/opportunities/", {"n": extra}).status_code == 200
        counts.append(len(queries))
        saved_reads = [q for q in queries.captured_queries if "returnees_savedopportunity" in q["sql"]]
        assert len(saved_reads) == 1
    assert counts[0] == counts[1]
