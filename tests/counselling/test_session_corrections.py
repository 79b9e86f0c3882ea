"""Corrections (issue #19, point 6): the author corrects a session within the window, versioned with its
history kept and audited, with a reason after 24 hours; the session shows its language and interpreter;
client details use optimistic locking like case files."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from counselling import services
from counselling.models import CaseEvent, SessionRevision
from counselling.services import StaleVersion
from portal.access import get_access, unscoped
from portal.errors import DomainError
from tests.audit import assert_audited
from tests.conftest import Persona
from tests.factories import CaseFactory, ClientFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(counsellor):
    return CaseFactory(client=ClientFactory(centre=counsellor.centre), counsellor=counsellor.user)


@pytest.fixture
def session(case, counsellor):
    return SessionFactory(
        case=case,
        counsellor=counsellor.user,
        summary="Talked about welding courses",
        confidential_notes="Worried about debts",
        duration_minutes=30,
        language="ar",
        interpreter=True,
    )


def _form(session, **changes) -> dict:
    data = {
        "held_at": timezone.localtime(session.held_at).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": session.duration_minutes,
        "mode": session.mode,
        "topics": session.topics,
        "language": session.language,
        "interpreter": "on" if session.interpreter else "",
        "summary": session.summary,
        "confidential_notes": session.confidential_notes,
        "next_steps": session.next_steps,
        "version": session.version,
        "reason": "",
    }
    data.update(changes)
    return data


def _url(session) -> str:
    return reverse("counselling:session-correct", kwargs={"public_id": session.public_id})


def test_the_author_corrects_a_session_and_the_history_keeps_what_it_said(
    client: Client, counsellor: Persona, case, session
) -> None:
    client.force_login(counsellor.user)
    detail = client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id})).content.decode()
    assert _url(session) in detail
    assert "Language used: Arabic" in detail and "with an interpreter" in detail

    response = client.post(_url(session), _form(session, summary="Talked about plumbing courses", duration_minutes=60))

    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.summary, session.duration_minutes, session.version) == ("Talked about plumbing courses", 60, 2)
    with unscoped():
        revision = SessionRevision.objects.get(session=session)
        assert CaseEvent.objects.filter(case=case, kind="session.corrected").exists()
    assert revision.changed == ["duration_minutes", "summary"]
    assert json.loads(revision.previous) == {"duration_minutes": 30, "summary": "Talked about welding courses"}
    assert_audited(
        "counselling.session.corrected",
        target=session,
        actor=counsellor.user,
        details={"fields": ["duration_minutes", "summary"], "version": 2},
    )
    detail = client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id})).content.decode()
    assert "Corrected once" in detail and "Duration (minutes), Summary" in detail
    assert "Talked about welding courses" not in detail  # the old text is kept, not shown


def test_after_a_day_a_reason_is_needed_and_nothing_changes_without_one(
    client: Client, counsellor: Persona, session
) -> None:
    session.created_at = timezone.now() - dt.timedelta(days=2)
    session.save(update_fields=["created_at"])
    client.force_login(counsellor.user)

    page = client.post(_url(session), _form(session, summary="Changed"))

    assert page.status_code == 200
    assert "Say why you correct a session logged more than a day ago." in page.content.decode()
    session.refresh_from_db()
    assert session.summary == "Talked about welding courses" and session.version == 1

    client.post(_url(session), _form(session, summary="Changed", reason="Mixed up two clients"))
    session.refresh_from_db()
    assert session.summary == "Changed"
    with unscoped():
        assert SessionRevision.objects.get(session=session).reason == "Mixed up two clients"


def test_outside_the_window_the_session_cannot_be_corrected(
    client: Client, counsellor: Persona, session, settings
) -> None:
    settings.SESSION_CORRECTION_DAYS = 7
    session.created_at = timezone.now() - dt.timedelta(days=8)
    session.save(update_fields=["created_at"])
    with pytest.raises(DomainError, match="can be corrected for 7 days"):
        services.correct_session(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            session=session,
            expected_version=1,
            reason="Late",
            summary="Changed",
        )
    client.force_login(counsellor.user)
    assert client.get(_url(session)).status_code == 404
    session.refresh_from_db()
    assert session.summary == "Talked about welding courses"


def test_only_the_author_corrects(client: Client, manager: Persona, session) -> None:
    with pytest.raises(DomainError, match="Only the counsellor who logged"):
        services.correct_session(
            access=get_access(manager.user), actor=manager.user, session=session, expected_version=1, summary="X"
        )
    client.force_login(manager.user)
    assert client.get(_url(session)).status_code == 404


def test_a_stale_correction_is_refused(counsellor: Persona, session) -> None:
    access = get_access(counsellor.user)
    services.correct_session(access=access, actor=counsellor.user, session=session, expected_version=1, summary="A")
    with pytest.raises(StaleVersion):
        services.correct_session(access=access, actor=counsellor.user, session=session, expected_version=1, summary="B")


def test_a_stale_client_edit_does_not_overwrite_a_colleagues(
    client: Client, counsellor: Persona, manager: Persona, case
) -> None:
    url = reverse("counselling:client-edit", kwargs={"public_id": case.client.public_id})
    client.force_login(counsellor.user)
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["languages"] = data.get("languages") or []
    data["vulnerabilities"] = []

    colleague = Client()
    colleague.force_login(manager.user)
    assert colleague.post(url, {**data, "occupation": "Electrician"}).status_code == 302

    page = client.post(url, {**data, "occupation": "Welder"})

    assert page.status_code == 200
    assert "Someone else changed this client&#x27;s details while you were editing." in page.content.decode()
    case.client.refresh_from_db()
    assert case.client.occupation == "Electrician" and case.client.version == 2
