"""Graceful degradation (issue #17): with the cache unreachable, pages answer and people sign in.

With Redis stopped for 18 s, every public page answered 500 (the page cache, Wagtail's site lookup and
allauth's rate limits all raised the connection error). The Redis cache now fails open
(portal/cache.py): while Redis cannot be reached, each process uses its own memory; sessions are in
the database.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.urls import reverse

from cms.cache import MARKER_HEADER
from cms.models import InformationPage, Topic
from portal import cache as fail_open
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

# A Redis URL where nothing listens: every connection is refused, as with Redis stopped.
REDIS_DOWN = {"default": {"BACKEND": "portal.cache.FailOpenRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
PATH = "/en/work-abroad/"


@pytest.fixture
def redis_down(settings, monkeypatch):
    monkeypatch.setattr(fail_open, "outage", fail_open._Outage())  # this test's own view of the outage
    settings.CACHES = REDIS_DOWN
    caches["default"]._fallback.clear()  # type: ignore[attr-defined]  # the memory copies of an earlier test
    yield
    caches["default"]._fallback.clear()  # type: ignore[attr-defined]


@pytest.fixture
def page(home, add_page):
    return add_page(
        home, InformationPage, title="Work abroad safely", slug="work-abroad", topic=Topic.REGULAR_MIGRATION, body=[]
    )


def test_public_pages_answer_while_the_cache_is_down(redis_down, client, page, caplog) -> None:
    first = client.get(PATH)
    second = client.get(PATH)
    home = client.get("/en/")

    assert (first.status_code, second.status_code, home.status_code) == (200, 200, 200)
    assert "Work abroad safely" in second.content.decode()
    assert second[MARKER_HEADER] == "hit"  # kept in this process's memory meanwhile
    assert fail_open.unreachable_since() is not None
    # Once (the page was published with the cache already down), not on every request.
    warnings = [r for r in caplog.get_records("setup") + caplog.get_records("call") if r.name == "portal.cache"]
    assert [r.levelno for r in warnings] == [logging.WARNING]
    assert "cache unreachable" in warnings[0].getMessage()


def test_sign_in_and_signed_in_pages_work_while_the_cache_is_down(redis_down, client, returnee) -> None:
    response = client.post(reverse("account_login"), {"login": returnee.user.email, "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("returnees:dashboard")
    assert client.get(reverse("returnees:dashboard")).status_code == 200


def test_the_rate_limit_on_wrong_passwords_still_counts_in_this_process(redis_down, client, returnee) -> None:
    # settings: "login_failed": "10/m/ip,60/h/ip,5/15m/key" (per account and address); the memory fallback
    # keeps counting.
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": returnee.user.email, "password": "wrong"})
    limited = client.post(reverse("account_login"), {"login": returnee.user.email, "password": TEST_PASSWORD})
    assert limited.status_code != 302  # refused although the password is right


def test_health_names_the_cache_as_unreachable_and_keeps_the_node_in(redis_down, client) -> None:
    response = client.get("/healthz")
    body = response.json()
    assert body["cache"] == "error: unreachable"
    assert "cache_since" in body
    assert body["status"] == "degraded" and response.status_code == 200


def test_the_cache_is_used_again_once_redis_answers(redis_down, monkeypatch) -> None:
    cache = caches["default"]
    cache.set("k", "memory")
    assert fail_open.unreachable_since() is not None
    # Redis is back (here: the same operations of Django's Redis cache succeed), once RETRY_SECONDS have passed.
    monkeypatch.setattr(fail_open.RedisCache, "get", lambda self, key, default=None, version=None: "redis")
    assert cache.get("k") == "memory"  # within RETRY_SECONDS: nobody waits for Redis
    monkeypatch.setattr(fail_open.outage, "_retry_at", 0.0)
    assert cache.get("k") == "redis"
    assert fail_open.unreachable_since() is None


@pytest.mark.slow
def test_a_redis_cache_url_gives_the_fail_open_cache_and_sessions_stay_in_the_database() -> None:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "CACHE_URL": "redis://127.0.0.1:1/0"},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    backend, sessions = json.loads(result.stdout.strip().splitlines()[-1])
    assert backend == "portal.cache.FailOpenRedisCache"
    assert sessions == "django.contrib.sessions.backends.db"
