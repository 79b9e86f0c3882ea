"""Background work goes through a real broker and a real Celery worker."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from portal.access import Role, get_access
from portal.celery import app
from portal.services import invite_staff


@pytest.fixture
def real_worker(transactional_db):
    """A worker thread consuming from the configured broker (files under .data, or Redis/RabbitMQ)."""
    app.conf.task_always_eager = False
    with start_worker(
        app,
        queues=["default", "email", "reports"],
        perform_ping_check=False,
        shutdown_timeout=10,
        loglevel="WARNING",
    ):
        yield


def test_invitation_email_is_sent_by_the_worker_after_commit(real_worker, manager) -> None:
    invite_staff(
        access=get_access(manager.user),
        actor=manager.user,
        email="worker.test@example.org",
        full_name="Worker Test",
        role=Role.COUNSELLOR,
        centre=manager.centre,
    )
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [["worker.test@example.org"]]
