"""The daily follow-up reminder: once a day, in the counsellor's language, with codes, never names."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from counselling.models import FollowUp, FollowUpReminder
from counselling.notifications import send_follow_up_reminders
from counselling.tasks import send_follow_up_reminders_task
from tests.conftest import wait_for
from tests.factories import CaseFactory, ClientFactory


@pytest.fixture
def due_follow_ups(counsellor):
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre, given_name="Amina", family_name="Secret"))
    today = timezone.localdate()
    for days, title in ((-3, "Call about course"), (0, "Check documents"), (5, "Not yet due")):
        FollowUp.objects.create(
            case=case,
            title=title,
            due_on=today + dt.timedelta(days=days),
            assigned_to=counsellor.user,
            created_by=counsellor.user,
        )
    return case


def test_reminder_lists_due_follow_ups_by_code_only(counsellor, due_follow_ups) -> None:
    assert send_follow_up_reminders(today=timezone.localdate()) == 1
    [message] = mail.outbox
    assert message.to == [counsellor.user.email]
    assert "2 follow-ups are due" in message.subject
    assert due_follow_ups.client.code in message.body
    assert message.body.count(due_follow_ups.client.code) == 2  # the two due ones, not the one due later
    # Names and free text (the titles, often copied from a session's next steps) never leave by e-mail.
    assert "Call about course" not in message.body and "Check documents" not in message.body
    assert "Secret" not in message.body and "Amina" not in message.body


def test_reminder_is_sent_once_a_day_however_often_the_task_runs(counsellor, due_follow_ups) -> None:
    today = timezone.localdate()
    assert send_follow_up_reminders(today=today) == 1
    assert send_follow_up_reminders(today=today) == 0
    assert len(mail.outbox) == 1
    assert FollowUpReminder.objects.filter(user=counsellor.user, sent_on=today).count() == 1
    assert send_follow_up_reminders(today=today + dt.timedelta(days=1)) == 1


def test_reminder_is_written_in_the_counsellors_language(counsellor, due_follow_ups) -> None:
    counsellor.user.preferred_language = "fr"
    counsellor.user.save()
    send_follow_up_reminders(today=timezone.localdate())
    assert "2 follow-ups are due" not in mail.outbox[0].subject


def test_no_reminder_without_due_follow_ups(counsellor) -> None:
    assert send_follow_up_reminders(today=timezone.localdate()) == 0
    assert mail.outbox == []


def test_reminder_task_runs_on_a_real_worker(real_worker, counsellor, due_follow_ups) -> None:
    send_follow_up_reminders_task.delay()
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [counsellor.user.email]
