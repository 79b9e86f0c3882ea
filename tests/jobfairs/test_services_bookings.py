"""Meeting slots booked and cancelled (also at once by two people), check-in and joining online: each audited."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from jobfairs import services
from jobfairs.models import Booking, BookingStatus, RegistrationStatus
from portal.access import get_access, unscoped
from portal.errors import DomainError, NotAllowed
from tests.audit import assert_audited
from tests.factories import UserFactory
from tests.jobfairs.factories import BoothFactory, FairFactory, RegistrationFactory, SlotFactory
from tests.jobfairs.helpers import book, register


def test_candidate_books_a_slot_and_gets_a_calendar_file(
    returnee, booth, fair, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    registration = register(returnee.user, fair)
    slot = SlotFactory(booth=booth)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(returnee.user, slot, registration)
    assert booking.status == BookingStatus.ACTIVE
    assert_audited("jobfairs.booking.created", target=booking, actor=returnee.user)
    (message,) = mailoutbox
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar" and "BEGIN:VEVENT" in content


def test_booking_a_taken_slot_is_refused(booth, fair) -> None:
    first, second = UserFactory(), UserFactory()
    slot = SlotFactory(booth=booth)
    book(first, slot, register(first, fair))
    with pytest.raises(DomainError, match="just booked"):
        book(second, slot, register(second, fair))


def test_booking_a_past_slot_is_refused(returnee, booth, fair) -> None:
    registration = register(returnee.user, fair)
    past = SlotFactory(booth=booth, starts_at=timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(DomainError, match="in the past"):
        book(returnee.user, past, registration)


def test_overlapping_bookings_of_one_candidate_are_refused(returnee, fair, booth) -> None:
    other_booth = BoothFactory(fair=fair)
    registration = register(returnee.user, fair)
    book(returnee.user, SlotFactory(booth=booth), registration)
    overlapping = SlotFactory(booth=other_booth, starts_at=fair.starts_at + dt.timedelta(minutes=5))
    with pytest.raises(DomainError, match="already have a meeting"):
        book(returnee.user, overlapping, registration)
    later = SlotFactory(booth=other_booth, starts_at=fair.starts_at + dt.timedelta(minutes=15))
    assert book(returnee.user, later, registration).is_active


def test_waitlisted_candidate_cannot_book(fair, booth) -> None:
    fair.capacity = 1
    fair.save()
    register(UserFactory(), fair)
    waiting_user = UserFactory()
    waiting = register(waiting_user, fair)
    with pytest.raises(DomainError, match="Only registered candidates"):
        book(waiting_user, SlotFactory(booth=booth), waiting)


def test_slot_of_another_fair_is_unknown(returnee, fair) -> None:
    registration = register(returnee.user, fair)
    elsewhere = SlotFactory()
    with pytest.raises(NotAllowed):
        book(returnee.user, elsewhere, registration)


def test_someone_elses_registration_cannot_book(returnee, fair, booth) -> None:
    registration = register(returnee.user, fair)
    intruder = UserFactory()
    with pytest.raises(NotAllowed):
        book(intruder, SlotFactory(booth=booth), registration)


def test_cancel_booking_up_to_the_deadline(returnee, fair, booth) -> None:
    registration = register(returnee.user, fair)
    booking = book(returnee.user, SlotFactory(booth=booth), registration)
    services.cancel_booking(access=get_access(returnee.user), actor=returnee.user, booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert_audited("jobfairs.booking.cancelled", target=booking, actor=returnee.user)
    with pytest.raises(DomainError, match="already cancelled"):
        services.cancel_booking(access=get_access(returnee.user), actor=returnee.user, booking=booking)
    soon = SlotFactory(booth=booth, starts_at=timezone.now() + dt.timedelta(minutes=30))
    late = book(returnee.user, soon, registration)
    with pytest.raises(DomainError, match="too late"):
        services.cancel_booking(access=get_access(returnee.user), actor=returnee.user, booking=late)


def test_database_allows_one_active_booking_per_slot(returnee, fair, booth) -> None:
    from django.db import IntegrityError, transaction

    slot = SlotFactory(booth=booth)
    first = RegistrationFactory(fair=fair)
    second = RegistrationFactory(fair=fair)
    Booking.objects.create(slot=slot, registration=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(slot=slot, registration=second)


@pytest.mark.django_db(transaction=True)
def test_two_people_booking_the_same_slot_at_once_only_one_gets_it(centre_a, employer_org) -> None:
    fair = FairFactory(country=centre_a.country, centres=[centre_a])
    slot = SlotFactory(booth=BoothFactory(fair=fair, employer=employer_org))
    people = [UserFactory(), UserFactory()]
    registrations = [RegistrationFactory(fair=fair, user=person) for person in people]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def attempt(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            book(people[index], slot, registrations[index])
            results.append("booked")
        except DomainError:
            results.append("refused")
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["booked", "refused"]
    with unscoped():
        assert Booking.objects.filter(slot=slot, status=BookingStatus.ACTIVE).count() == 1
    assert_audited("jobfairs.booking.created", count=1)  # the refused booking left no line


def test_check_in_by_code(counsellor, outsider, fair, returnee) -> None:
    registration = register(returnee.user, fair)
    with pytest.raises(NotAllowed):
        services.check_in(
            access=get_access(outsider.user), actor=outsider.user, fair=fair, code=registration.check_in_code
        )
    with pytest.raises(DomainError, match="No registration"):
        services.check_in(access=get_access(counsellor.user), actor=counsellor.user, fair=fair, code="XXXXXXXX")
    services.check_in(
        access=get_access(counsellor.user), actor=counsellor.user, fair=fair, code=registration.check_in_code.lower()
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ATTENDED and registration.attended_at
    assert_audited("jobfairs.registration.checked_in", target=registration, actor=counsellor.user)
    with pytest.raises(DomainError, match="already checked in"):
        services.check_in(
            access=get_access(counsellor.user), actor=counsellor.user, fair=fair, code=registration.check_in_code
        )


def test_joining_online_records_attendance_only_during_the_fair(returnee, fair) -> None:
    registration = register(returnee.user, fair)
    with pytest.raises(DomainError, match="not started yet"):
        services.join_online(access=get_access(returnee.user), actor=returnee.user, registration=registration)
    fair.starts_at = timezone.now() - dt.timedelta(minutes=10)
    fair.registration_opens_at = fair.starts_at - dt.timedelta(days=3)
    fair.registration_closes_at = fair.starts_at
    fair.save()
    url = services.join_online(access=get_access(returnee.user), actor=returnee.user, registration=registration)
    assert url == fair.online_url
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ATTENDED and registration.joined_online_at
    assert_audited("jobfairs.registration.joined", target=registration, actor=returnee.user)
