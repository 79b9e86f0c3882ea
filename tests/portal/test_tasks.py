"""Background work goes through a real broker and a real Celery worker."""

from __future__ import annotations

from django.core import mail

from portal.access import Role, get_access
from portal.services import invite_staff
from tests.conftest import wait_for


def test_invitation_email_is_sent_by_the_worker_after_commit(real_worker, manager) -> None:
    invite_staff(
        access=get_access(manager.user),
        actor=manager.user,
        email="worker.test@example.org",
        full_name="Worker Test",
        role=Role.COUNSELLOR,
        centre=manager.centre,
    )
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert [m.to for m in mail.outbox] == [["worker.test@example.org"]]
