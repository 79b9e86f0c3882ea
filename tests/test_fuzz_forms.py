"""Random text thrown at every form that takes text: never a server error, never stored markup.

Hypothesis generates text with control characters, right-to-left overrides, very long strings, and SQL and
HTML fragments. Each form must answer 200 (with a clear error) or a redirect (saved), and nothing saved may
contain markup.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counselling.models import Client, FollowUp, PlanGoal, Session
from portal.access import unscoped
from tests.factories import CaseFactory, ClientFactory

NASTY = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "'; DROP TABLE counselling_client; --",
            "\u202egnp.exe",
            "\x00\x01\x02",
            "A" * 5000,
            "محمد\u200f<b>",
            "javascript:alert(1)",
            "Ama\r\nMensah",
            "%(name)s {{ x }} {% load %}",
        ]
    ),
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _assert_no_markup_stored() -> None:
    with unscoped():
        stored = [
            *Client.objects.values_list("given_name", "family_name", "occupation"),
            *Session.objects.values_list("summary", "next_steps"),
            *FollowUp.objects.values_list("title"),
            *PlanGoal.objects.values_list("title"),
        ]
    for row in stored:
        for value in row:
            assert "<script" not in value.lower() and "\u202e" not in value


@pytest.fixture
def signed_in(client, counsellor):
    client.force_login(counsellor.user)
    return client


@FUZZ
@given(given_name=NASTY, family_name=NASTY, occupation=NASTY)
def test_intake_form_survives_any_text(signed_in, counsellor, given_name, family_name, occupation) -> None:
    response = signed_in.post(
        reverse("counselling:client-create"),
        {
            "given_name": given_name,
            "family_name": family_name,
            "occupation": occupation,
            "sex": "female",
            "preferred_channel": "phone",
            "target_group": "local",
            "consent_method": "signed",
            "confirm_new": "on",
        },
    )
    assert response.status_code in (200, 302)
    _assert_no_markup_stored()


@FUZZ
@given(summary=NASTY, next_steps=NASTY, duration=st.one_of(st.integers(-5, 10_000).map(str), NASTY))
def test_session_form_survives_any_text(signed_in, counsellor, summary, next_steps, duration) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    response = signed_in.post(
        reverse("counselling:session-create", kwargs={"public_id": case.public_id}),
        {
            "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": duration,
            "mode": "phone",
            "kind": "individual",
            "topics": ["housing"],
            "summary": summary,
            "next_steps": next_steps,
        },
    )
    assert response.status_code in (200, 302)
    _assert_no_markup_stored()


@FUZZ
@given(title=NASTY, due_on=st.one_of(st.dates().map(str), NASTY))
def test_follow_up_and_goal_forms_survive_any_text(signed_in, counsellor, title, due_on) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    for name in ("counselling:follow-up-create", "counselling:goal-create"):
        response = signed_in.post(
            reverse(name, kwargs={"public_id": case.public_id}), {"title": title, "due_on": due_on}
        )
        assert response.status_code in (200, 302)
    _assert_no_markup_stored()


@FUZZ
@given(query=NASTY)
def test_caseload_search_survives_any_text(signed_in, query) -> None:
    response = signed_in.get(reverse("counselling:case-list"), {"q": query, "status": query[:20]})
    assert response.status_code == 200
