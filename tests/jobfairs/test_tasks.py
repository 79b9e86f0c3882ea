"""Reminders before slots, post-event surveys, the .ics file, and the lessons-learned aggregation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jobfairs import notifications, selectors, services
from jobfairs.ics import booking_ics
from jobfairs.models import Booking, FairStatus, RegistrationStatus
from jobfairs.tasks import send_fair_surveys_task, send_slot_reminders_task
from portal.access import get_access
from tests.factories import UserFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, RegistrationFactory, SlotFactory, past_fair


@pytest.fixture
def soon_booking(employer_org):
    fair = FairFactory(
        starts_at=timezone.now() + dt.timedelta(minutes=10),
        registration_closes_at=timezone.now() + dt.timedelta(minutes=5),
    )
    booth = BoothFactory(fair=fair, employer=employer_org)
    user = UserFactory(preferred_language="fr")
    registration = RegistrationFactory(fair=fair, user=user)
    slot = SlotFactory(booth=booth, starts_at=timezone.now() + dt.timedelta(minutes=40))
    return Booking.objects.create(slot=slot, registration=registration)


def test_reminders_are_sent_once_in_the_recipients_language(soon_booking, mailoutbox) -> None:
    later = SlotFactory(booth=soon_booking.slot.booth, starts_at=timezone.now() + dt.timedelta(hours=3))
    Booking.objects.create(slot=later, registration=RegistrationFactory(fair=soon_booking.slot.booth.fair))
    assert send_slot_reminders_task.delay().get() == 1
    assert send_slot_reminders_task.delay().get() == 0  # idempotent
    (message,) = mailoutbox
    assert message.to == [soon_booking.registration.user.email]
    assert "Rappel" in message.subject or "Kumasi Agro" in message.subject
    soon_booking.refresh_from_db()
    assert soon_booking.reminded_at is not None
    assert message.attachments[0][2] == "text/calendar"


def test_cancelled_bookings_get_no_reminder(soon_booking, mailoutbox) -> None:
    soon_booking.status = "cancelled"
    soon_booking.save()
    assert notifications.send_slot_reminders(now=timezone.now()) == 0
    assert not mailoutbox


def test_after_the_fair_no_shows_are_marked_and_surveys_sent_once(employer, employer_org, mailoutbox) -> None:
    fair = past_fair(closed_at=None)
    BoothFactory(fair=fair, employer=employer_org)
    attended = RegistrationFactory(fair=fair, status=RegistrationStatus.ATTENDED)
    absent = RegistrationFactory(fair=fair)
    assert send_fair_surveys_task.delay().get() == 2  # the attendee and the employer's user
    assert send_fair_surveys_task.delay().get() == 0
    absent.refresh_from_db()
    attended.refresh_from_db()
    fair.refresh_from_db()
    assert absent.status == RegistrationStatus.NO_SHOW
    assert attended.survey_sent_at is not None
    assert fair.status == FairStatus.CLOSED and fair.closed_at is not None
    assert sorted(m.to[0] for m in mailoutbox) == sorted([attended.user.email, employer.user.email])


def test_ics_has_the_required_lines_with_crlf(soon_booking) -> None:
    text = booking_ics(soon_booking, summary="Meeting with Kumasi Agro, Accra; 15 min")
    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert all(len(line.encode()) <= 75 for line in lines)
    fields = dict(line.split(":", 1) for line in lines if not line.startswith(" "))
    for required in ("VERSION", "PRODID", "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "URL"):
        assert required in fields, required
    assert fields["UID"].startswith(str(soon_booking.public_id))
    start = dt.datetime.strptime(fields["DTSTART"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    assert start == soon_booking.slot.starts_at.replace(microsecond=0)
    assert fields["SUMMARY"] == "Meeting with Kumasi Agro\\, Accra\\; 15 min"
    assert "BEGIN:VEVENT" in lines and "END:VEVENT" in lines


def test_lessons_learned_aggregates_per_fair_and_by_format(manager, centre_a, employer, employer_org) -> None:
    virtual = past_fair(country=centre_a.country, centres=[centre_a], format="virtual")
    onsite = past_fair(country=centre_a.country, centres=[centre_a], format="on_site", online_url="")
    for fair, attended, absent in ((virtual, 3, 1), (onsite, 1, 1)):
        booth = BoothFactory(fair=fair, employer=employer_org)
        for index in range(attended):
            registration = RegistrationFactory(fair=fair, status=RegistrationStatus.ATTENDED)
            slot = SlotFactory(booth=booth, starts_at=fair.starts_at + dt.timedelta(minutes=15 * index))
            Booking.objects.create(slot=slot, registration=registration)
            services.submit_survey(
                access=get_access(registration.user),
                actor=registration.user,
                fair=fair,
                satisfaction=5 if fair is virtual else 2,
                technical_problems=index == 0,
            )
        for _ in range(absent):
            RegistrationFactory(fair=fair, status=RegistrationStatus.NO_SHOW)
    FairFactory(country=centre_a.country, centres=[centre_a])  # upcoming: not in the lessons
    lessons = selectors.lessons_learned(access=get_access(manager.user))
    assert len(lessons.fairs) == 2
    by_format = {outcome.label: outcome for outcome in lessons.by_format}
    v = by_format["Virtual"]
    assert (v.fairs, v.registrations, v.attended, v.meetings, v.survey_count) == (1, 4, 3, 3, 3)
    assert v.attendance_rate == 75 and v.satisfaction == 5.0 and v.problem_rate == 33
    o = by_format["On-site"]
    assert (o.registrations, o.attended, o.satisfaction) == (2, 1, 2.0)
    assert by_format["Hybrid"].fairs == 0 and by_format["Hybrid"].attendance_rate is None
    assert lessons.total.registrations == 6 and lessons.total.satisfaction == 4.2


def test_lessons_learned_count_hires(manager, centre_a, employer_org, returnee) -> None:
    from jobfairs.models import Application
    from tests.jobfairs.factories import VacancyFactory

    fair = past_fair(country=centre_a.country, centres=[centre_a])
    vacancy = VacancyFactory(employer=employer_org, fair=fair)
    Application.objects.create(vacancy=vacancy, applicant=returnee.user, status="hired", hired_at=timezone.now())
    Application.objects.create(vacancy=vacancy, applicant=UserFactory())
    (row,) = selectors.lessons_learned(access=get_access(manager.user)).fairs
    assert (row[1].applications, row[1].hires) == (2, 1)
