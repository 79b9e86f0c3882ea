"""The intake queue: appointment requests of a centre, seen and handled by its counsellors and managers only."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from counselling.models import AppointmentRequest, AppointmentStatus
from counselling.services import (
    close_appointment,
    link_appointment_client,
    mark_appointment_contacted,
    request_appointment,
    schedule_appointment,
)
from portal.access import unscoped
from portal.errors import DomainError
from tests.audit import assert_audited
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db

# The staff frame (session, user, memberships, MFA check; the session is refreshed once a minute, not on
# every request) and the queue itself: one count and one page of requests (centre and handler joined).
QUEUE_QUERIES = 6


def _request(centre, **overrides) -> AppointmentRequest:
    fields = {
        "centre": centre,
        "user": None,
        "name": "Ama Mensah",
        "contact": "+233241234567",
        "preferred_channel": "phone",
        "topic": "training_jobs",
        "message": "Looking for a training.",
    }
    return request_appointment(**{**fields, **overrides})


def _actions(item: AppointmentRequest) -> dict[str, str]:
    return {
        name: reverse(f"counselling:intake-{name}", kwargs={"public_id": item.public_id})
        for name in ("detail", "contacted", "schedule", "close")
    }


def test_queue_lists_own_centre_requests_newest_first(client, counsellor, centre_a, centre_b) -> None:
    older = _request(centre_a, name="Older Request")
    newer = _request(centre_a, name="Newer Request")
    _request(centre_b, name="Other Centre Request")
    with unscoped():
        AppointmentRequest.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(counsellor.user)

    body = client.get(reverse("counselling:intake-list")).content.decode()

    assert body.index("Newer Request") < body.index("Older Request")
    assert "Other Centre Request" not in body
    assert newer.name in body


def test_queue_filters_by_status(client, counsellor, centre_a) -> None:
    _request(centre_a, name="Still New")
    done = _request(centre_a, name="Already Closed")
    close_appointment(actor=counsellor.user, appointment=done, reason="Came in person")
    client.force_login(counsellor.user)

    body = client.get(reverse("counselling:intake-list"), {"status": "closed"}).content.decode()

    assert "Already Closed" in body and "Still New" not in body


def test_queue_query_count_is_flat(client, counsellor, centre_a, django_assert_num_queries) -> None:
    client.force_login(counsellor.user)
    client.get(reverse("counselling:intake-list"))  # the first request records allauth's user session
    for extra in (1, 30):
        for _ in range(extra):
            _request(centre_a)
        with django_assert_num_queries(QUEUE_QUERIES):
            assert client.get(reverse("counselling:intake-list")).status_code == 200


def test_outsider_gets_404_for_every_intake_url_get_and_post(client, outsider, centre_a) -> None:
    item = _request(centre_a)
    client.force_login(outsider.user)
    for name, url in _actions(item).items():
        assert client.get(url).status_code == (404 if name == "detail" else 405), name
        response = client.post(url, {"scheduled_for": "2099-01-01T10:00", "reason": "x"})
        assert response.status_code == (405 if name == "detail" else 404), f"POST {name}"
    item.refresh_from_db()
    assert item.status == AppointmentStatus.NEW


def test_returnee_never_reaches_the_queue_even_for_own_request(client, returnee, centre_a) -> None:
    item = _request(centre_a, user=returnee.user)
    client.force_login(returnee.user)
    assert client.get(reverse("counselling:intake-list")).status_code == 404
    assert client.get(_actions(item)["detail"]).status_code == 404
    assert client.post(_actions(item)["close"], {"reason": "x"}).status_code == 404


def test_counsellor_marks_contacted_schedules_and_closes_with_audit(client, counsellor, centre_a) -> None:
    item = _request(centre_a)
    assert_audited(
        "counselling.appointment.requested",
        target=item,
        actor=False,
        centre=centre_a,
        details={"topic": "training_jobs", "channel": "phone"},
    )
    urls = _actions(item)
    client.force_login(counsellor.user)

    assert client.get(urls["detail"]).status_code == 200
    assert client.post(urls["contacted"]).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.handled_by) == (AppointmentStatus.CONTACTED, counsellor.user)
    assert_audited("counselling.appointment.contacted", target=item, actor=counsellor.user, centre=centre_a)

    next_year = timezone.localdate().year + 1
    assert client.post(urls["schedule"], {"scheduled_for": f"{next_year}-03-02T10:30"}).status_code == 302
    item.refresh_from_db()
    accra = ZoneInfo(centre_a.country.timezone)
    assert item.status == AppointmentStatus.SCHEDULED
    assert item.scheduled_for == dt.datetime(next_year, 3, 2, 10, 30, tzinfo=accra)
    assert_audited(
        "counselling.appointment.scheduled",
        target=item,
        actor=counsellor.user,
        details={"at": item.scheduled_for.isoformat()},
    )

    assert client.post(urls["close"], {"reason": "Came to the centre"}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.closed_reason) == (AppointmentStatus.CLOSED, "Came to the centre")
    assert_audited("counselling.appointment.closed", target=item, actor=counsellor.user)


def test_schedule_in_the_past_gets_an_error_and_keeps_the_value(client, counsellor, centre_a) -> None:
    item = _request(centre_a)
    client.force_login(counsellor.user)
    response = client.post(_actions(item)["schedule"], {"scheduled_for": "2020-01-01T10:00"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "The appointment cannot be in the past." in body
    assert 'value="2020-01-01T10:00"' in body
    item.refresh_from_db()
    assert item.status == AppointmentStatus.NEW


def test_close_needs_a_reason(client, counsellor, centre_a) -> None:
    item = _request(centre_a)
    client.force_login(counsellor.user)
    response = client.post(_actions(item)["close"], {"reason": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_closed_request_refuses_further_actions(counsellor, centre_a) -> None:
    item = close_appointment(actor=counsellor.user, appointment=_request(centre_a), reason="Duplicate")
    with pytest.raises(DomainError):
        mark_appointment_contacted(actor=counsellor.user, appointment=item)
    with pytest.raises(DomainError):
        schedule_appointment(actor=counsellor.user, appointment=item, when=timezone.now() + dt.timedelta(days=1))


def test_open_a_case_file_prefills_the_intake_form_and_links_the_client(client, counsellor, centre_a) -> None:
    item = _request(centre_a, name="Ama Serwaa Mensah", contact="ama@example.org", preferred_channel="email")
    client.force_login(counsellor.user)

    body = client.get(reverse("counselling:client-create"), {"appointment": item.public_id}).content.decode()

    assert 'value="Ama Serwaa"' in body and 'value="Mensah"' in body and 'value="ama@example.org"' in body
    client_record = ClientFactory(centre=centre_a)
    link_appointment_client(actor=counsellor.user, appointment=item, client=client_record)
    item.refresh_from_db()
    assert item.client == client_record
    assert_audited("counselling.appointment.converted", target=item, actor=counsellor.user, centre=centre_a)


def test_prefill_from_another_centres_request_is_404(client, counsellor, centre_b) -> None:
    item = _request(centre_b)
    client.force_login(counsellor.user)
    response = client.get(reverse("counselling:client-create"), {"appointment": item.public_id})
    assert response.status_code == 404
