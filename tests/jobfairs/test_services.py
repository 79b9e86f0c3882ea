"""Every job fairs service, with its refusals and audit lines; the concurrency of booking."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from counselling.models import Consent, ConsentPurpose
from jobfairs import services
from jobfairs.models import (
    Application,
    ApplicationStatus,
    Booking,
    BookingStatus,
    FairStatus,
    Registration,
    RegistrationStatus,
    VettingStatus,
)
from portal.access import get_access, unscoped
from portal.errors import DomainError, NotAllowed
from portal.models import AuditEvent
from tests.factories import ClientFactory, EmployerFactory, UserFactory
from tests.jobfairs.factories import (
    BoothFactory,
    FairFactory,
    RegistrationFactory,
    SlotFactory,
    VacancyFactory,
    past_fair,
)


def audited(action: str, target) -> bool:
    with unscoped():
        return AuditEvent.objects.filter(action=action, target_id=str(target.public_id)).exists()


def register(user, fair, share: bool = True, answers=None):
    return services.register_for_fair(
        access=get_access(user), actor=user, fair=fair, share_profile=share, answers=answers
    )


def book(user, slot, registration):
    return services.book_slot(access=get_access(user), actor=user, slot=slot, registration=registration)


@pytest.fixture
def fair(centre_a):
    return FairFactory(country=centre_a.country, centres=[centre_a])


@pytest.fixture
def booth(fair, employer_org):
    return BoothFactory(fair=fair, employer=employer_org)


# --- Registration ------------------------------------------------------------------------


def test_returnee_registers_with_consent_and_it_is_audited(
    returnee, fair, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(returnee.user, fair, share=True)
    assert registration.status == RegistrationStatus.REGISTERED
    assert registration.consent_given_at is not None
    assert registration.shares_profile
    assert len(registration.check_in_code) == 8
    assert audited("jobfairs.registration.created", registration)
    assert len(mailoutbox) == 1


def test_registration_after_the_window_is_refused(returnee, fair) -> None:
    fair.registration_closes_at = timezone.now() - dt.timedelta(minutes=1)
    fair.registration_opens_at = timezone.now() - dt.timedelta(days=2)
    fair.save()
    with pytest.raises(DomainError, match="has closed"):
        register(returnee.user, fair)
    with unscoped():
        assert not Registration.objects.exists()


def test_registration_before_the_window_and_for_a_draft_is_refused(returnee, fair) -> None:
    fair.registration_opens_at = timezone.now() + dt.timedelta(days=1)
    fair.save()
    with pytest.raises(DomainError, match="not opened yet"):
        register(returnee.user, fair)
    draft = FairFactory(status=FairStatus.DRAFT)
    with pytest.raises(DomainError, match="closed"):
        register(returnee.user, draft)


def test_registering_twice_is_refused(returnee, fair) -> None:
    register(returnee.user, fair)
    with pytest.raises(DomainError, match="already registered"):
        register(returnee.user, fair)


def test_staff_cannot_register_as_candidates(counsellor, fair) -> None:
    with pytest.raises(DomainError, match="Staff accounts"):
        register(counsellor.user, fair)


def test_registration_questions_must_be_answered(returnee, fair) -> None:
    fair.questions = ["Which trade do you work in?"]
    fair.save()
    with pytest.raises(DomainError, match="answer every question"):
        register(returnee.user, fair, answers={})
    registration = register(returnee.user, fair, answers={"Which trade do you work in?": "Welding"})
    assert registration.answers == {"Which trade do you work in?": "Welding"}


def test_beyond_capacity_goes_to_the_waiting_list_and_then_is_refused(fair) -> None:
    fair.capacity, fair.waiting_list_size = 1, 1
    fair.save()
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    assert register(first, fair).status == RegistrationStatus.REGISTERED
    assert register(second, fair).status == RegistrationStatus.WAITLISTED
    with pytest.raises(DomainError, match="full, and so is its waiting list"):
        register(third, fair)


def test_cancelling_moves_the_first_on_the_waiting_list_up(
    fair, booth, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    fair.capacity = 1
    fair.save()
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    r1 = register(first, fair)
    r2 = register(second, fair)
    r3 = register(third, fair)
    slot = SlotFactory(booth=booth)
    booking = book(first, slot, r1)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(access=get_access(first), actor=first, registration=r1)
    for r in (r1, r2, r3):
        r.refresh_from_db()
    assert (r1.status, r2.status, r3.status) == ("cancelled", "registered", "waitlisted")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED  # the slot is free again
    assert audited("jobfairs.registration.promoted", r2)
    assert any("A place is free" in message.subject for message in mailoutbox)


def test_someone_else_cannot_cancel_a_registration(returnee, fair) -> None:
    registration = register(returnee.user, fair)
    other = UserFactory()
    with pytest.raises(NotAllowed):
        services.cancel_registration(access=get_access(other), actor=other, registration=registration)


def test_counsellor_registers_a_client_and_sharing_follows_the_recorded_consent(counsellor, fair) -> None:
    client = ClientFactory(centre=counsellor.centre)
    registration = services.register_client_for_fair(
        access=get_access(counsellor.user), actor=counsellor.user, fair=fair, client=client
    )
    assert not registration.shares_profile
    Consent.objects.create(
        client=client, purpose=ConsentPurpose.SHARE_WITH_EMPLOYERS, method="signed", recorded_by=counsellor.user
    )
    assert registration.shares_profile


def test_outsider_cannot_register_another_centres_client(outsider, counsellor, fair) -> None:
    client = ClientFactory(centre=counsellor.centre)
    with pytest.raises(NotAllowed):
        services.register_client_for_fair(
            access=get_access(outsider.user), actor=outsider.user, fair=fair, client=client
        )


def test_employer_sees_only_consenting_candidates_and_withdrawal_hides_them(employer, booth, fair) -> None:
    sharing, private = UserFactory(), UserFactory()
    shared_registration = register(sharing, fair, share=True)
    register(private, fair, share=False)
    visible = Registration.objects.visible_to(employer.user).filter(fair=fair)
    assert list(visible.values_list("user_id", flat=True)) == [sharing.pk]
    services.set_profile_sharing(
        access=get_access(sharing), actor=sharing, registration=shared_registration, share=False
    )
    assert not Registration.objects.visible_to(employer.user).filter(fair=fair).exists()
    shared_registration.refresh_from_db()
    assert shared_registration.consent_withdrawn_at is not None
    assert audited("jobfairs.consent.withdrawn", shared_registration)


def test_employer_without_a_booth_sees_no_candidates(fair) -> None:
    from tests.factories import MembershipFactory

    other = MembershipFactory(role="employer", employer=EmployerFactory()).user
    register(UserFactory(), fair, share=True)
    assert not Registration.objects.visible_to(other).exists()


# --- Slots and bookings ----------------------------------------------------------------------


def test_candidate_books_a_slot_and_gets_a_calendar_file(
    returnee, booth, fair, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    registration = register(returnee.user, fair)
    slot = SlotFactory(booth=booth)
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(returnee.user, slot, registration)
    assert booking.status == BookingStatus.ACTIVE
    assert audited("jobfairs.booking.created", booking)
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


def test_add_slots_within_the_fairs_hours_only(employer, booth, fair) -> None:
    access = get_access(employer.user)
    created = services.add_slots(
        access=access, actor=employer.user, booth=booth, first_start=fair.starts_at, count=4, minutes=15
    )
    assert len(created) == 4 and created[-1].ends_at == fair.starts_at + dt.timedelta(hours=1)
    with pytest.raises(DomainError, match="overlap"):
        services.add_slots(
            access=access, actor=employer.user, booth=booth, first_start=fair.starts_at, count=1, minutes=15
        )
    with pytest.raises(DomainError, match="opening hours"):
        services.add_slots(
            access=access, actor=employer.user, booth=booth, first_start=fair.ends_at, count=1, minutes=15
        )
    with pytest.raises(DomainError, match="slot length"):
        services.add_slots(
            access=access, actor=employer.user, booth=booth, first_start=fair.starts_at, count=1, minutes=7
        )


def test_another_employer_cannot_add_slots(booth) -> None:
    from tests.factories import MembershipFactory

    other = MembershipFactory(role="employer", employer=EmployerFactory()).user
    with pytest.raises(NotAllowed):
        services.add_slots(
            access=get_access(other), actor=other, booth=booth, first_start=booth.fair.starts_at, count=1, minutes=15
        )


# --- Employers: booths and vacancies -----------------------------------------------------------


def vacancy_data(**overrides):
    data = {
        "title": "Welder",
        "description": "MIG/MAG welding",
        "employment_type": "FULL_TIME",
        "country_id": "GH",
        "locality": "Tema",
        "remote": False,
        "valid_through": timezone.localdate() + dt.timedelta(days=20),
    }
    data.update(overrides)
    return data


def test_unverified_employer_cannot_publish_or_open_a_booth(employer, employer_org, fair) -> None:
    employer_org.vetting_status = VettingStatus.PENDING
    employer_org.save()
    access = get_access(employer.user)
    with pytest.raises(DomainError, match="not been verified"):
        services.save_vacancy(access=access, actor=employer.user, employer=employer_org, publish=True, **vacancy_data())
    with pytest.raises(DomainError, match="not been verified"):
        services.save_booth(access=access, actor=employer.user, employer=employer_org, fair=fair, description="x")
    draft = services.save_vacancy(
        access=access, actor=employer.user, employer=employer_org, publish=False, **vacancy_data()
    )
    assert not draft.is_published


def test_vacancy_bad_input_is_refused(employer, employer_org) -> None:
    access = get_access(employer.user)
    cases = [
        (
            {"salary_min": Decimal(900), "salary_max": Decimal(500), "salary_currency": "GHS", "salary_unit": "MONTH"},
            "salary_max",
        ),
        ({"salary_min": Decimal(500)}, "salary_currency"),
        ({"locality": ""}, "locality"),
        ({"valid_through": timezone.localdate() - dt.timedelta(days=1)}, "valid_through"),
        ({"isco_code": "72A"}, "isco_code"),
    ]
    for overrides, field in cases:
        with pytest.raises(DomainError) as error:
            services.save_vacancy(
                access=access, actor=employer.user, employer=employer_org, publish=True, **vacancy_data(**overrides)
            )
        assert error.value.field == field


def test_employer_cannot_edit_another_employers_vacancy(employer, employer_org) -> None:
    foreign = VacancyFactory()
    with pytest.raises(NotAllowed):
        services.save_vacancy(
            access=get_access(employer.user),
            actor=employer.user,
            employer=employer_org,
            vacancy=foreign,
            publish=True,
            **vacancy_data(),
        )


def test_booth_is_saved_and_audited(employer, employer_org, fair) -> None:
    booth = services.save_booth(
        access=get_access(employer.user),
        actor=employer.user,
        employer=employer_org,
        fair=fair,
        description="Agro jobs",
        documents="https://example.org/brochure.pdf",
    )
    assert booth.document_links == ["https://example.org/brochure.pdf"]
    assert booth.status == "pending"
    assert audited("jobfairs.booth.requested", booth)
    with pytest.raises(DomainError, match="https://"):
        services.save_booth(
            access=get_access(employer.user), actor=employer.user, employer=employer_org, fair=fair, documents="ftp://x"
        )


def test_manager_of_the_organising_centre_approves_and_declines_booths(manager, outsider_manager, counsellor, fair):
    booth = BoothFactory(fair=fair, status="pending")
    for someone in (outsider_manager, counsellor):
        with pytest.raises(NotAllowed):
            services.approve_booth(access=get_access(someone.user), actor=someone.user, booth=booth)
    booth = services.approve_booth(access=get_access(manager.user), actor=manager.user, booth=booth)
    assert (booth.status, booth.decided_by) == ("approved", manager.user)
    assert audited("jobfairs.booth.approved", booth)
    with pytest.raises(DomainError, match="already been decided"):
        services.approve_booth(access=get_access(manager.user), actor=manager.user, booth=booth)
    booth = services.decline_booth(access=get_access(manager.user), actor=manager.user, booth=booth)
    assert booth.status == "declined"
    assert audited("jobfairs.booth.declined", booth)


def test_a_suspended_employers_booth_cannot_be_approved(manager, fair) -> None:
    booth = BoothFactory(fair=fair, status="pending", employer=EmployerFactory(vetting_status="suspended"))
    with pytest.raises(DomainError, match="verified"):
        services.approve_booth(access=get_access(manager.user), actor=manager.user, booth=booth)
    booth.refresh_from_db()
    assert booth.status == "pending"


# --- Applications ----------------------------------------------------------------------------


def test_application_moves_to_hired_and_refuses_skipping_steps(returnee, employer, employer_org) -> None:
    vacancy = VacancyFactory(employer=employer_org)
    application = services.apply_to_vacancy(access=get_access(returnee.user), actor=returnee.user, vacancy=vacancy)
    assert audited("jobfairs.application.submitted", application)
    with pytest.raises(DomainError, match="already applied"):
        services.apply_to_vacancy(access=get_access(returnee.user), actor=returnee.user, vacancy=vacancy)
    access = get_access(employer.user)
    with pytest.raises(DomainError, match="cannot become"):
        services.update_application_status(access=access, actor=employer.user, application=application, status="hired")
    for step in ("shortlisted", "interview", "offer", "hired"):
        services.update_application_status(access=access, actor=employer.user, application=application, status=step)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.HIRED and application.hired_at is not None


def test_another_employer_cannot_move_an_application(returnee) -> None:
    from tests.factories import MembershipFactory

    application = services.apply_to_vacancy(
        access=get_access(returnee.user), actor=returnee.user, vacancy=VacancyFactory()
    )
    other = MembershipFactory(role="employer", employer=EmployerFactory()).user
    with pytest.raises(NotAllowed):
        services.update_application_status(
            access=get_access(other), actor=other, application=application, status="shortlisted"
        )


def test_unpublished_or_unverified_vacancy_cannot_be_applied_to(returnee) -> None:
    hidden = VacancyFactory(is_published=False)
    suspended = VacancyFactory(employer=EmployerFactory(vetting_status=VettingStatus.SUSPENDED))
    for vacancy in (hidden, suspended):
        with pytest.raises(NotAllowed):
            services.apply_to_vacancy(access=get_access(returnee.user), actor=returnee.user, vacancy=vacancy)
    with unscoped():
        assert not Application.objects.exists()


def test_applicant_withdraws(returnee) -> None:
    application = services.apply_to_vacancy(
        access=get_access(returnee.user), actor=returnee.user, vacancy=VacancyFactory()
    )
    services.withdraw_application(access=get_access(returnee.user), actor=returnee.user, application=application)
    assert application.status == ApplicationStatus.WITHDRAWN
    with pytest.raises(DomainError, match="already closed"):
        services.withdraw_application(access=get_access(returnee.user), actor=returnee.user, application=application)


# --- Attendance and surveys ----------------------------------------------------------------------


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


def test_survey_only_after_the_fair_for_attendees_and_once(returnee, employer, employer_org) -> None:
    fair = past_fair()
    BoothFactory(fair=fair, employer=employer_org)
    stranger = UserFactory()
    RegistrationFactory(fair=fair, user=returnee.user, status=RegistrationStatus.ATTENDED)
    answer = {"satisfaction": 4, "technical_problems": True, "what_worked": "Short meetings"}
    with pytest.raises(NotAllowed):
        services.submit_survey(access=get_access(stranger), actor=stranger, fair=fair, **answer)
    response = services.submit_survey(access=get_access(returnee.user), actor=returnee.user, fair=fair, **answer)
    assert response.kind == "candidate"
    with pytest.raises(DomainError, match="already answered"):
        services.submit_survey(access=get_access(returnee.user), actor=returnee.user, fair=fair, **answer)
    employer_answer = services.submit_survey(access=get_access(employer.user), actor=employer.user, fair=fair, **answer)
    assert employer_answer.kind == "employer"
    upcoming = FairFactory()
    RegistrationFactory(fair=upcoming, user=returnee.user, status=RegistrationStatus.ATTENDED)
    with pytest.raises(DomainError, match="opens when the fair is over"):
        services.submit_survey(access=get_access(returnee.user), actor=returnee.user, fair=upcoming, **answer)


def test_publish_fair_only_by_its_manager(manager, outsider_manager, centre_a) -> None:
    fair = FairFactory(status=FairStatus.DRAFT, centres=[centre_a], country=centre_a.country)
    with pytest.raises(NotAllowed):
        services.publish_fair(access=get_access(outsider_manager.user), actor=outsider_manager.user, fair=fair)
    services.publish_fair(access=get_access(manager.user), actor=manager.user, fair=fair)
    fair.refresh_from_db()
    assert fair.status == FairStatus.PUBLISHED
    assert audited("jobfairs.fair.published", fair)


def test_create_fair_checks_times_and_places(manager, centre_a) -> None:
    start = timezone.now() + dt.timedelta(days=5)
    data = {
        "title": "Virtual fair",
        "format": "virtual",
        "time_zone": "Africa/Accra",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=4),
        "registration_opens_at": timezone.now(),
        "registration_closes_at": start,
        "capacity": 100,
        "online_url": "",
    }
    access = get_access(manager.user)
    with pytest.raises(DomainError, match="online link"):
        services.create_fair(access=access, actor=manager.user, centres=[centre_a], **data)
    with pytest.raises(DomainError, match="end after"):
        services.create_fair(
            access=access,
            actor=manager.user,
            centres=[centre_a],
            **{**data, "ends_at": start, "online_url": "https://x.org"},
        )
    with pytest.raises(DomainError, match="time zone"):
        services.create_fair(
            access=access,
            actor=manager.user,
            centres=[centre_a],
            **{**data, "time_zone": "Mars/Olympus", "online_url": "https://x.org"},
        )
    fair = services.create_fair(
        access=access, actor=manager.user, centres=[centre_a], **{**data, "online_url": "https://x.org"}
    )
    assert fair.status == FairStatus.DRAFT and list(fair.centres.all()) == [centre_a]


def test_manager_vets_an_employer_of_own_country_only(manager, outsider_manager, country_a) -> None:
    from jobfairs.models import Employer, VettingStatus
    from jobfairs.services import vet_employer
    from portal.access import get_access
    from portal.errors import DomainError, NotAllowed

    employer = Employer.objects.create(name="New Bakery", country=country_a, vetting_status=VettingStatus.PENDING)
    with pytest.raises(NotAllowed):
        vet_employer(
            access=get_access(outsider_manager.user),
            actor=outsider_manager.user,
            employer=employer,
            status=VettingStatus.VERIFIED,
        )
    with pytest.raises(DomainError):
        vet_employer(access=get_access(manager.user), actor=manager.user, employer=employer, status="approved")
    vet_employer(
        access=get_access(manager.user),
        actor=manager.user,
        employer=employer,
        status=VettingStatus.VERIFIED,
        note="Registration checked",
    )
    employer.refresh_from_db()
    assert employer.vetting_status == VettingStatus.VERIFIED
