"""Registering for a fair (candidates and clients), the waiting list, sharing the profile: each audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from counselling.models import Consent, ConsentPurpose
from jobfairs import services
from jobfairs.models import BookingStatus, FairStatus, Registration, RegistrationStatus
from portal.access import get_access, unscoped
from portal.errors import DomainError, NotAllowed
from portal.models import OutboxMessage
from tests.audit import assert_audited
from tests.factories import ClientFactory, EmployerFactory, MembershipFactory, UserFactory
from tests.jobfairs.factories import FairFactory, SlotFactory
from tests.jobfairs.helpers import book, register


def test_returnee_registers_with_consent_and_it_is_audited(
    returnee, fair, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(returnee.user, fair, share=True)
    assert registration.status == RegistrationStatus.REGISTERED
    assert registration.consent_given_at is not None
    assert registration.shares_profile
    assert len(registration.check_in_code) == 8
    assert_audited(
        "jobfairs.registration.created",
        target=registration,
        actor=returnee.user,
        details={"status": "registered", "shares_profile": True},
    )
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
    assert_audited("jobfairs.registration.cancelled", target=r1, actor=first)
    assert_audited("jobfairs.registration.promoted", target=r2, actor=first)
    assert_audited("jobfairs.registration.promoted", target=r3, count=0)
    assert any("A place is free" in message.subject for message in mailoutbox)


def test_e_mails_are_queued_by_task_name_with_one_key_per_event(fair, booth) -> None:
    """Each e-mail is one outbox row named by its task and keyed by what it is about: sent once, however often."""
    from portal.celery import app

    fair.capacity = 1
    fair.save()
    first, second = UserFactory(), UserFactory()
    r1, r2 = register(first, fair), register(second, fair)
    booking = book(first, SlotFactory(booth=booth), r1)
    services.cancel_registration(access=get_access(first), actor=first, registration=r1)
    rows = set(OutboxMessage.objects.filter(task__startswith="jobfairs.").values_list("task", "key"))
    assert rows == {
        ("jobfairs.tasks.send_registration_confirmation_task", f"fair-registration:{r1.public_id}"),
        ("jobfairs.tasks.send_registration_confirmation_task", f"fair-registration:{r2.public_id}"),
        ("jobfairs.tasks.send_booking_confirmation_task", f"fair-booking:{booking.public_id}"),
        ("jobfairs.tasks.send_promotion_notice_task", f"fair-promotion:{r2.public_id}"),
    }
    __import__("jobfairs.tasks")
    assert {task for task, _key in rows} <= set(app.tasks)  # the names rows already in the outbox carry


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
    assert_audited(
        "jobfairs.registration.created",
        target=registration,
        actor=counsellor.user,
        client=client,
        centre=counsellor.centre,
        details={"status": "registered", "shares_profile": False},
    )
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
    assert_audited("jobfairs.consent.withdrawn", target=shared_registration, actor=sharing)
    services.set_profile_sharing(
        access=get_access(sharing), actor=sharing, registration=shared_registration, share=True
    )
    assert Registration.objects.visible_to(employer.user).filter(fair=fair).exists()
    assert_audited("jobfairs.consent.given", target=shared_registration, actor=sharing)


def test_employer_without_a_booth_sees_no_candidates(fair) -> None:
    other = MembershipFactory(role="employer", employer=EmployerFactory()).user
    register(UserFactory(), fair, share=True)
    assert not Registration.objects.visible_to(other).exists()


def test_withdrawing_profile_sharing_at_once_covers_registrations_and_the_linked_clients_consent(
    returnee, counsellor, fair, employer, booth
) -> None:
    registration = register(returnee.user, fair, share=True)
    client = ClientFactory(centre=counsellor.centre, portal_account=returnee.user)
    consent = Consent.objects.create(
        client=client, purpose=ConsentPurpose.SHARE_WITH_EMPLOYERS, method="signed", recorded_by=counsellor.user
    )
    withdrawn = services.withdraw_profile_sharing(access=get_access(returnee.user), actor=returnee.user)
    assert withdrawn == 2
    assert not Registration.objects.visible_to(employer.user).filter(fair=fair).exists()
    assert_audited("jobfairs.consent.withdrawn", target=registration, actor=returnee.user, details={"via": "profile"})
    assert_audited(
        "counselling.consent.withdrawn",
        target=consent,
        actor=returnee.user,
        client=client,
        centre=counsellor.centre,
        details={"purpose": ConsentPurpose.SHARE_WITH_EMPLOYERS, "via": "returnee_profile"},
    )
    with pytest.raises(NotAllowed):
        services.withdraw_profile_sharing(access=get_access(counsellor.user), actor=counsellor.user)
