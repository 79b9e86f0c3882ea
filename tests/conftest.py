"""Personas shared by the whole suite.

A counsellor and a manager in centre A, an outsider (counsellor) in centre B
of another country, a coordinator of A's country, an analyst, a partner
user, an employer, an editor, an admin and a returnee. Every staff persona
has TOTP set up, as the portal requires.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from portal.access import Role
from portal.models import Centre, Membership, User
from tests.factories import (
    CentreFactory,
    CountryFactory,
    EmployerFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    with_totp,
)


@dataclass
class Persona:
    user: User
    membership: Membership | None = None

    @property
    def centre(self) -> Centre | None:
        return self.membership.centre if self.membership else None


def _member(role: str, **scope: object) -> Persona:
    user = with_totp(UserFactory(full_name=f"{role.replace('_', ' ').title()} Persona"))
    return Persona(user=user, membership=MembershipFactory(user=user, role=role, **scope))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: they are the slowest and need async-unsafe ORM access."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@contextmanager
def rows_for_the_module(django_db_blocker, tmp_path_factory, make: Callable[[], Any]) -> Iterator[Any]:
    """Make slow rows (the demo seed, the eight-language page tree) once for a module's tests.

    The rows are written in a transaction that stays open while the module's tests run, each in a
    savepoint inside it (pytest-django's `db`), and is rolled back after the last one: every test sees
    the rows as made, none sees another test's changes, nothing is left behind. Only for modules
    without transactional or browser tests (they would flush the rows). on_commit callbacks run at
    once, as `django_capture_on_commit_callbacks(execute=True)` would; uploads go to a temporary folder.
    """
    from django.db import transaction
    from django.test import TestCase, override_settings

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # as Django's TestCase: durable blocks inside still work
        atomic.__enter__()
    try:
        with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
            with django_db_blocker.unblock(), TestCase.captureOnCommitCallbacks(execute=True):
                made = make()
            yield made
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _english_by_default():
    """Every test starts in English: a request to /ar/... must not leak Arabic into the next test."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache_after_committed_tests(request: pytest.FixtureRequest, django_db_blocker):
    """The database cache survives the flush of transactional and browser tests: empty it after them.

    Other tests run in a transaction that is rolled back, cache rows included. A committed test can also
    leave the database without the default content language Wagtail's migration made (CI saw every
    `site:appointment-thanks` row fail on `Locale.DoesNotExist` in a worker that had run browser tests first:
    xdist's work stealing runs tests across the sort order), or without Wagtail's root collection; both are
    made again before the next test on the worker, so it finds the database as migrated.
    """
    if _committed["dirty"]:
        with django_db_blocker.unblock():
            _as_migrated()
        _committed["dirty"] = False
    yield
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        from django.core.cache import cache

        with django_db_blocker.unblock():
            cache.clear()
        _committed["dirty"] = True


# Whether a committed (transactional or browser) test ran since the rows Wagtail's migrations made were checked.
_committed = {"dirty": False}


def _as_migrated() -> None:
    """The rows Wagtail's migrations made that the portal needs: the default content language, the root
    collection."""
    from django.conf import settings
    from wagtail.models import Collection, Locale

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture(autouse=True)
def _no_public_pages_held_in_memory():
    """Public pages held in this process's memory (cms/cache.py) belong to one test: its rolled-back cache."""
    from cms.cache import local_pages

    local_pages.clear()
    yield
    local_pages.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    """Uploads made by a test go to its own folder, never to .data/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _celery_eager(settings: object) -> None:
    """Unit tests run tasks inline; tests about background work start a real worker."""
    from portal.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture
def real_worker(transactional_db: None):
    """A Celery worker thread consuming from the configured broker (files under .data, or Redis/RabbitMQ)."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    app.conf.task_always_eager = False
    with start_worker(
        app, queues=["default", "email", "reports"], perform_ping_check=False, shutdown_timeout=10, loglevel="WARNING"
    ):
        yield


def wait_for(condition, timeout: float = 20.0) -> bool:
    """Poll until `condition()` is true (work done by a worker thread), or give up."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def country_a(db: None):
    return CountryFactory(code="GH", languages=["en"], timezone="Africa/Accra", phone_prefix="+233")


@pytest.fixture
def country_b(db: None):
    return CountryFactory(code="RS", languages=["sr-latn"], timezone="Europe/Belgrade", phone_prefix="+381")


@pytest.fixture
def centre_a(country_a):
    return CentreFactory(country=country_a, name="Centre A", slug="centre-a", code="AAA")


@pytest.fixture
def centre_b(country_b):
    return CentreFactory(country=country_b, name="Centre B", slug="centre-b", code="BBB", city="Beograd")


@pytest.fixture
def counsellor(centre_a) -> Persona:
    return _member(Role.COUNSELLOR, centre=centre_a)


@pytest.fixture
def manager(centre_a) -> Persona:
    return _member(Role.CENTRE_MANAGER, centre=centre_a)


@pytest.fixture
def outsider(centre_b) -> Persona:
    return _member(Role.COUNSELLOR, centre=centre_b)


@pytest.fixture
def outsider_manager(centre_b) -> Persona:
    return _member(Role.CENTRE_MANAGER, centre=centre_b)


@pytest.fixture
def coordinator(country_a) -> Persona:
    return _member(Role.COUNTRY_COORDINATOR, country=country_a)


@pytest.fixture
def analyst(db: None) -> Persona:
    return _member(Role.PROGRAMME_ANALYST)


@pytest.fixture
def partner_org(country_a):
    return OrganizationFactory(country=country_a, name="Accra Training Institute")


@pytest.fixture
def partner(partner_org) -> Persona:
    return _member(Role.PARTNER, organisation=partner_org)


@pytest.fixture
def employer_org(country_a):
    return EmployerFactory(country=country_a, name="Kumasi Agro")


@pytest.fixture
def employer(employer_org) -> Persona:
    return _member(Role.EMPLOYER, employer=employer_org)


@pytest.fixture
def editor(country_a) -> Persona:
    return _member(Role.EDITOR, country=country_a)


@pytest.fixture
def admin_user(db: None) -> Persona:
    """An administrator: a Role.ADMIN membership, never Django's superuser flag (issue #15)."""
    return _member(Role.ADMIN)


@pytest.fixture
def dpo(country_a) -> Persona:
    """The data-protection officer of A's country: audit log and data-subject requests, no casework."""
    return _member(Role.DATA_PROTECTION_OFFICER, country=country_a)


@pytest.fixture
def returnee(db: None) -> Persona:
    return Persona(user=UserFactory(full_name="Kwame Returnee"))


ROLE_FIXTURES = {
    "counsellor": "counsellor",
    "centre_manager": "manager",
    "country_coordinator": "coordinator",
    "programme_analyst": "analyst",
    "partner": "partner",
    "employer": "employer",
    "editor": "editor",
    "admin": "admin_user",
    "dpo": "dpo",
    "returnee": "returnee",
}


@pytest.fixture
def persona_for(request: pytest.FixtureRequest):
    """Look up a persona by role name (``"anonymous"`` gives None)."""

    def get(role: str) -> Persona | None:
        if role == "anonymous":
            return None
        return request.getfixturevalue(ROLE_FIXTURES[role])

    return get


@pytest.fixture(scope="session", autouse=True)
def _no_connection_left_at_the_end(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Threads of the browser and worker tests (the live server, a Celery worker) can keep a connection to the
    test database after their test; dropping the database at the end then fails ("being accessed by other
    users", seen in CI once in 3311 tests). Their sessions are ended before pytest-django drops it."""
    yield
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
