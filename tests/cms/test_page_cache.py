"""Public page cache: anonymous GETs of Wagtail pages come from Django's cache until something is published."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from cms import cache as page_cache
from cms.cache import GENERATION_KEY, MARKER_HEADER, local_pages
from cms.models import CentrePage, CountryPage, InformationPage, Topic
from counselling.models import AppointmentRequest
from portal.access import unscoped

pytestmark = pytest.mark.django_db

PATH = "/en/work-abroad/"


@pytest.fixture
def page(home, add_page, translate):
    info = add_page(
        home, InformationPage, title="Work abroad safely", slug="work-abroad", topic=Topic.REGULAR_MIGRATION, body=[]
    )
    translate(home, ["fr"])
    translate(info, ["fr"])
    return info


def test_second_anonymous_request_is_served_from_the_cache(client, page, django_assert_num_queries) -> None:
    first = client.get(PATH)
    assert first[MARKER_HEADER] == "miss"
    # This process stored the page and read the generation just now: served before the session, auth and
    # CSRF middleware, with no query at all.
    with django_assert_num_queries(0):
        second = client.get(PATH)
    assert second.status_code == 200
    assert second[MARKER_HEADER] == "hit"
    assert "Work abroad safely" in second.content.decode()


def test_page_stored_by_another_process_costs_one_lookup(client, page, django_assert_num_queries) -> None:
    client.get(PATH)
    local_pages.clear()  # as in another server process: the page is only in the shared cache
    with django_assert_num_queries(1):  # the cache lookup (generation and entry together), nothing else
        assert client.get(PATH)[MARKER_HEADER] == "hit"
    with django_assert_num_queries(0):  # and now this process holds it too
        assert client.get(PATH)[MARKER_HEADER] == "hit"


def test_purge_by_another_process_is_seen_once_the_generation_is_read_again(
    client, page, monkeypatch, django_assert_num_queries
) -> None:
    client.get(PATH)
    cache.incr(GENERATION_KEY)  # another process published something (this one does not know yet)
    assert client.get(PATH)[MARKER_HEADER] == "hit"  # within LOCAL_GENERATION_SECONDS: the held copy
    monkeypatch.setattr(page_cache, "LOCAL_GENERATION_SECONDS", 0.0)
    assert client.get(PATH)[MARKER_HEADER] == "miss"  # the generation is read again: a new page is rendered
    monkeypatch.setattr(page_cache, "LOCAL_GENERATION_SECONDS", 60.0)
    with django_assert_num_queries(0):
        assert client.get(PATH)[MARKER_HEADER] == "hit"


def test_held_copies_are_not_trusted_once_the_shared_cache_was_emptied(client, page) -> None:
    client.get(PATH)
    cache.clear()
    page.title = "Changed while the cache was empty"
    page.save_revision().publish()
    assert "Changed while the cache was empty" in client.get(PATH).content.decode()


def test_fast_hit_has_the_headers_of_a_hit_through_the_whole_stack(client, page) -> None:
    client.get(PATH)
    fast = client.get(PATH)
    local_pages.clear()
    slow = client.get(PATH)
    assert fast[MARKER_HEADER] == slow[MARKER_HEADER] == "hit"
    assert sorted(fast.headers.items()) == sorted(slow.headers.items())
    assert fast["X-Frame-Options"] == "DENY" and fast["Content-Language"] == "en"
    assert "Content-Security-Policy" in fast
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", fast.content.decode()) == token.sub("", slow.content.decode())


def test_unknown_host_is_refused_even_for_a_held_page(client, page) -> None:
    client.get(PATH)
    assert client.get(PATH, headers={"host": "evil.example"}).status_code == 400


def test_headers_are_public_once_the_visitor_has_a_csrf_cookie(client, page) -> None:
    first = client.get(PATH)  # a first visit sets the CSRF cookie: private to that visitor
    assert "private" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    second = client.get(PATH)
    assert "public" in second["Cache-Control"] and "max-age=300" in second["Cache-Control"]
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in second["Vary"].split(",")}


def test_cached_page_carries_a_working_csrf_token_for_each_visitor(home, add_page, centre_a) -> None:
    country = add_page(home, CountryPage, title="Ghana", slug="ghana", country=centre_a.country)
    add_page(country, CentrePage, title=centre_a.name, slug="accra", centre=centre_a, body=[])
    Client().get("/en/ghana/accra/")  # someone else's visit fills the cache

    visitor = Client(enforce_csrf_checks=True)
    response = visitor.get("/en/ghana/accra/")
    assert response[MARKER_HEADER] == "hit"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)
    posted = visitor.post(
        f"/en/centres/{centre_a.public_id}/appointment/",
        {
            "csrfmiddlewaretoken": token,
            "name": "Ama",
            "contact": "+233241234567",
            "preferred_channel": "phone",
            "topic": "other",
            "consent": "on",
        },
    )
    assert posted.status_code == 302
    with unscoped():
        assert AppointmentRequest.objects.count() == 1


def test_publishing_purges_the_page_in_every_language(client, page) -> None:
    client.get(PATH)
    client.get("/fr/work-abroad/")
    assert client.get("/fr/work-abroad/")[MARKER_HEADER] == "hit"

    page.title = "Work abroad: the safe ways"
    page.save_revision().publish()

    fresh = client.get(PATH)
    assert fresh[MARKER_HEADER] == "miss"
    assert "Work abroad: the safe ways" in fresh.content.decode()
    assert client.get("/fr/work-abroad/")[MARKER_HEADER] == "miss"
    assert client.get("/en/")[MARKER_HEADER] == "miss"  # the home lists it


def test_unpublishing_purges(client, page) -> None:
    client.get(PATH)
    page.unpublish()
    assert client.get(PATH).status_code == 404


def test_signed_in_user_is_never_served_or_stored(client, page, returnee) -> None:
    client.force_login(returnee.user)
    response = client.get(PATH)
    assert MARKER_HEADER not in response
    assert "public" not in response.get("Cache-Control", "")
    client.logout()
    assert client.get(PATH)[MARKER_HEADER] == "miss"  # the signed-in visit stored nothing


def test_visitor_with_waiting_messages_is_not_served_from_the_cache(client, page) -> None:
    client.get(PATH)
    client.cookies["messages"] = "x"
    assert MARKER_HEADER not in client.get(PATH)


def test_masked_token_unmasks_to_the_visitors_secret_and_differs_each_time() -> None:
    from django.http import HttpRequest
    from django.middleware.csrf import _check_token_format, _get_new_csrf_string, _unmask_cipher_token

    request = HttpRequest()
    secret = _get_new_csrf_string()
    request.META["CSRF_COOKIE"] = secret
    tokens = {page_cache._masked_token(request) for _ in range(50)}
    assert len(tokens) == 50
    for token in tokens:
        _check_token_format(token)
        assert _unmask_cipher_token(token) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
