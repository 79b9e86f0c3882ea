"""The "today" home (issue #19, point 1): each member's staff home shows what needs them now, with counts and
links, in a number of queries that does not grow with the rows behind the counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counselling.models import AppointmentRequest, FollowUp, Transfer
from tests.conftest import Persona
from tests.factories import CaseFactory, ClientFactory

pytestmark = pytest.mark.django_db

HOME = "/en/staff/"


def _home(client: Client, persona: Persona) -> str:
    client.force_login(persona.user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _work(counsellor: Persona, centre, rows: int) -> None:
    """`rows` cases of `centre`: each with an overdue and a due follow-up for the counsellor, half of them
    without a counsellor, a new appointment request each."""
    today = timezone.localdate()
    for number in range(rows):
        case = CaseFactory(
            client=ClientFactory(centre=centre),
            counsellor=counsellor.user if number % 2 else None,
            next_follow_up_on=today - dt.timedelta(days=2),
        )
        for due_on in (today - dt.timedelta(days=2), today):
            FollowUp.objects.create(
                case=case, title="Call", due_on=due_on, assigned_to=counsellor.user, created_by=counsellor.user
            )
        AppointmentRequest.objects.create(
            centre=centre,
            name="Visitor",
            contact="+233241234567",
            preferred_channel="message",
            topic="training_jobs",
            consent_given_at=timezone.now(),
        )


def test_a_counsellor_sees_their_follow_ups_and_the_centres_new_requests(
    client: Client, counsellor: Persona, centre_a
) -> None:
    _work(counsellor, centre_a, 3)

    page = _home(client, counsellor)

    assert "3 follow-ups overdue" in page and "3 follow-ups due today" in page
    assert "3 new appointment requests" in page
    assert f"{reverse('counselling:follow-up-list')}?overdue=1" in page
    assert "waiting for a counsellor" not in page  # a manager's line


def test_a_manager_sees_cases_without_a_counsellor_and_transfers_waiting(
    client: Client, manager: Persona, counsellor: Persona, outsider: Persona, centre_a, centre_b
) -> None:
    _work(counsellor, centre_a, 4)
    moving = CaseFactory(client=ClientFactory(centre=centre_b), counsellor=outsider.user)
    Transfer.objects.create(
        case=moving, from_centre=centre_b, to_centre=centre_a, requested_by=outsider.user, reason="Moved"
    )

    page = _home(client, manager)

    assert "2 cases waiting for a counsellor" in page
    assert f"{reverse('counselling:case-list')}?unassigned=on" in page
    assert "1 transfer waiting for your decision" in page
    assert "4 cases of your centre with an overdue follow-up" in page


def test_a_coordinator_sees_the_centres_with_overdue_work(
    client: Client, coordinator: Persona, counsellor: Persona, centre_a
) -> None:
    _work(counsellor, centre_a, 2)

    page = _home(client, coordinator)

    assert f"{centre_a.name}: 2 cases with an overdue follow-up" in page


def test_an_editor_gets_a_link_to_the_page_editor(client: Client, editor: Persona) -> None:
    page = _home(client, editor)
    assert reverse("wagtailadmin_home") in page
    assert "Nothing is waiting for you today." in page


def test_the_unassigned_filter_lists_only_cases_without_a_counsellor(
    client: Client, manager: Persona, counsellor: Persona, centre_a
) -> None:
    waiting = CaseFactory(client=ClientFactory(centre=centre_a, given_name="Waiting"), counsellor=None)
    held = CaseFactory(client=ClientFactory(centre=centre_a, given_name="Held"), counsellor=counsellor.user)
    client.force_login(manager.user)
    page = client.get(reverse("counselling:case-list"), {"unassigned": "on"}).content.decode()
    assert str(waiting.public_id) in page and str(held.public_id) not in page


@pytest.mark.parametrize("persona_name", ["counsellor", "manager", "coordinator"])
def test_the_home_costs_the_same_queries_with_more_rows(
    request: pytest.FixtureRequest, client: Client, persona_name: str, counsellor: Persona, centre_a
) -> None:
    persona = request.getfixturevalue(persona_name)
    client.force_login(persona.user)
    _work(counsellor, centre_a, 2)
    client.get(HOME)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    _work(counsellor, centre_a, 15)
    with CaptureQueriesContext(connection) as many:
        client.get(HOME)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
