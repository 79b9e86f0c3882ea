"""The audit log is append-only, and record_event fills it as services expect."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from portal.access import unscoped
from portal.audit import record_event, reset_request_ip, set_request_ip
from portal.models import AuditEvent


@pytest.fixture
def event(counsellor):
    return record_event(actor=counsellor.user, action="counselling.case.viewed", target=counsellor.membership)


def test_record_event_stores_actor_target_centre_and_ip(counsellor) -> None:
    token = set_request_ip("203.0.113.7")
    try:
        event = record_event(
            actor=counsellor.user, action="portal.test.done", target=counsellor.membership, details={"n": 1}
        )
    finally:
        reset_request_ip(token)
    with unscoped():
        stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_id == counsellor.user.pk
    assert stored.action == "portal.test.done"
    assert stored.target_type == "portal.membership"
    assert stored.target_id == str(counsellor.membership.pk)
    assert stored.centre_id == counsellor.centre.pk
    assert stored.ip_address == "203.0.113.7"
    assert stored.details == {"n": 1}


def test_orm_refuses_to_change_or_delete_an_event(event) -> None:
    event.action = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE portal_auditevent SET action = 'tampered'",
        "DELETE FROM portal_auditevent",
    ],
)
def test_database_refuses_update_and_delete_even_in_raw_sql(event, statement: str) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    with unscoped():
        assert AuditEvent.objects.get(pk=event.pk).action == "counselling.case.viewed"


def test_queryset_update_and_delete_are_refused_by_the_database(event) -> None:
    with unscoped():
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
        assert AuditEvent.objects.filter(pk=event.pk, action="counselling.case.viewed").exists()


def test_login_is_audited(client, returnee) -> None:
    from tests.factories import TEST_PASSWORD

    client.post("/en/accounts/login/", {"login": returnee.user.email, "password": TEST_PASSWORD})
    with unscoped():
        assert AuditEvent.objects.filter(action="portal.user.logged_in", actor=returnee.user).exists()


def test_failed_login_is_audited_without_the_address(client, counsellor) -> None:
    client.post("/en/accounts/login/", {"login": counsellor.user.email, "password": "wrong-password-1"})
    with unscoped():
        event = AuditEvent.objects.get(action="portal.user.login_failed")
    assert counsellor.user.email not in str(event.details)
    assert event.actor_id is None


# --- Every line about a client names the client -----------------------------------------------


def test_lines_about_what_hangs_on_a_client_name_the_client_and_its_centre(counsellor, django_assert_num_queries):
    from tests.factories import CaseFactory, ClientFactory, SessionFactory
    from tests.jobfairs.factories import FairFactory, RegistrationFactory

    client = ClientFactory(centre=counsellor.centre)
    case = CaseFactory(client=client)
    session = SessionFactory(case=case, counsellor=counsellor.user)
    registration = RegistrationFactory(fair=FairFactory(), user=None, client=client)
    session.case = case  # as a service holds it: naming the client costs no query
    with django_assert_num_queries(1):
        on_session = record_event(actor=counsellor.user, action="counselling.session.logged", target=session)
    on_registration = record_event(actor=counsellor.user, action="jobfairs.registration.joined", target=registration)
    on_client = record_event(actor=counsellor.user, action="counselling.client.viewed", target=client)
    for event in (on_session, on_registration, on_client):
        assert event.details["client"] == client.pk
        # The registration has no centre of its own: the line goes to the client's centre's log.
        assert event.centre_id == counsellor.centre.pk


def test_lines_about_no_client_name_none(counsellor) -> None:
    event = record_event(actor=counsellor.user, action="portal.test.done", target=counsellor.user)
    assert "client" not in event.details
    named = record_event(actor=counsellor.user, action="portal.test.done", client=42, details={"n": 1})
    assert named.details == {"n": 1, "client": 42}
