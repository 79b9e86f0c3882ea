"""The referral state machine, consent gating, eligibility, capacity and the waiting list."""

from __future__ import annotations

import datetime as dt
from itertools import product

import pytest
from django.core import mail
from django.utils import timezone

from counselling.consent import ConsentMissing
from counselling.models import CaseEvent, Consent
from counselling.services import withdraw_consent
from portal.access import get_access, unscoped
from portal.errors import DomainError, NotAllowed
from referrals import services
from referrals.models import Referral, ReferralEvent, ReferralStatus
from referrals.services import ALLOWED, PARTNER, SENDER, SYSTEM, TransitionRefused
from tests.audit import assert_audited
from tests.factories import CaseFactory, ClientFactory, OrganizationFactory
from tests.referrals.factories import ServiceFactory

S = ReferralStatus


def test_referral_is_sent_logged_on_the_timeline_audited_and_mailed(
    refer, case, service, partner_org, django_capture_on_commit_callbacks
) -> None:
    partner_org.email = "intake@partner.example.org"
    partner_org.save()
    with django_capture_on_commit_callbacks(execute=True):
        referral = refer(case, service)
    assert referral.status == S.SENT
    assert referral.sent_at is not None
    assert referral.due_on == timezone.localdate() + dt.timedelta(days=7)
    with unscoped():
        assert list(ReferralEvent.objects.filter(referral=referral).values_list("to_status", flat=True)) == [
            "draft",
            "sent",
        ]
        assert CaseEvent.objects.filter(case=case, kind="referral.status").count() == 2
    assert_audited("referrals.referral.created", target=referral, client=case.client, centre=case.centre)
    assert_audited(
        "referrals.referral.status_changed",
        target=referral,
        client=case.client,
        details={"from": "draft", "to": "sent", "channel": "staff"},
    )
    [message] = mail.outbox
    assert message.to == ["intake@partner.example.org"]
    assert referral.code in message.body and "/r/" in message.body
    assert "Amina" not in message.body  # the client's name never goes by e-mail


def test_no_consent_no_referral(refer, counsellor, service) -> None:
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    with pytest.raises(ConsentMissing, match="has not yet agreed to share data with"):
        refer(case, service)
    with unscoped():
        assert not Referral.objects.exists()


def test_consent_for_another_organisation_does_not_count(refer, case, partner_org) -> None:
    other_service = ServiceFactory(organization=OrganizationFactory(country=partner_org.country))
    with pytest.raises(ConsentMissing):
        refer(case, other_service)


def test_service_in_another_country_is_refused_unless_it_serves_the_clients_country(refer, case, country_b) -> None:
    abroad = ServiceFactory(organization=OrganizationFactory(country=country_b))
    Consent.objects.create(
        client=case.client,
        purpose="share_partner",
        organisation=abroad.organization,
        method="signed",
        recorded_by=case.client.centre.memberships.first().user,
    )
    with pytest.raises(DomainError, match="another country"):
        refer(case, abroad)
    abroad.areas_served = [case.centre.country_id]  # an online course open to clients from Ghana
    abroad.save()
    assert refer(case, abroad).status == S.SENT


def test_age_outside_the_range_is_refused(refer, case, service) -> None:
    service.min_age, service.max_age = 15, 24
    service.save()
    with pytest.raises(DomainError, match="age range"):
        refer(case, service)  # born 1995


def test_passed_deadline_is_refused(refer, case, service) -> None:
    service.application_deadline = timezone.localdate() - dt.timedelta(days=1)
    service.save()
    with pytest.raises(DomainError, match="deadline"):
        refer(case, service)


def test_double_submission_makes_one_referral(refer, case, service) -> None:
    refer(case, service)
    with pytest.raises(DomainError, match="already has an open referral"):
        refer(case, service)
    with unscoped():
        assert Referral.objects.count() == 1


def test_full_service_puts_the_referral_on_the_waiting_list_and_a_free_seat_moves_it_up(
    refer, counsellor, partner, service, partner_org
) -> None:
    service.capacity = 1
    service.save()
    cases = []
    for _ in range(2):
        case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
        Consent.objects.create(
            client=case.client,
            purpose="share_partner",
            organisation=partner_org,
            method="signed",
            recorded_by=counsellor.user,
        )
        cases.append(case)
    first = refer(cases[0], service)
    partner_access = get_access(partner.user)
    services.answer_as_partner(access=partner_access, actor=partner.user, referral=first, to_status=S.ACCEPTED)
    second = refer(cases[1], service)
    assert second.status == S.WAITLISTED
    with pytest.raises(TransitionRefused, match="full"):
        services.answer_as_partner(access=partner_access, actor=partner.user, referral=second, to_status=S.ACCEPTED)
    services.answer_as_partner(access=partner_access, actor=partner.user, referral=first, to_status=S.DROPPED_OUT)
    second.refresh_from_db()
    assert second.status == S.SENT  # the freed seat went to the waiting list
    with unscoped():
        assert ReferralEvent.objects.filter(referral=second, to_status=S.SENT, channel="system").exists()


# --- The state machine: every allowed move works, every other one is refused. -----------------------


ALL = list(S.values)


def _referral_in(status: str, case, service, counsellor) -> Referral:
    return Referral.objects.create(
        case=case,
        centre=case.centre,
        service=service,
        organization=service.organization,
        created_by=counsellor.user,
        reason="r",
        status=status,
        outcome="certificate" if status == S.COMPLETED else "",
        due_on=timezone.localdate() + dt.timedelta(days=3),
        sent_at=timezone.now(),
    )


@pytest.mark.parametrize(("from_status", "to_status"), list(product(ALL, ALL)))
def test_state_machine(from_status, to_status, case, service, counsellor, partner) -> None:
    referral = _referral_in(from_status, case, service, counsellor)
    side = ALLOWED.get(from_status, {}).get(to_status)
    kwargs = {"note": "reason given", "outcome": "certificate"}
    sender_access, partner_access = get_access(counsellor.user), get_access(partner.user)
    if side == SENDER and to_status == S.CANCELLED:
        services.cancel_referral(access=sender_access, actor=counsellor.user, referral=referral)
    elif side == SENDER and to_status == S.SENT:
        services.send_referral(access=sender_access, actor=counsellor.user, referral=referral)
    elif side == PARTNER:
        services.answer_as_partner(
            access=partner_access, actor=partner.user, referral=referral, to_status=to_status, **kwargs
        )
    else:
        # Refused to people on both sides (the one system move, waiting list -> sent, happens only when a
        # seat comes free: see the waiting-list test), with a message, and nothing changes.
        assert side in (None, SYSTEM)
        with pytest.raises(DomainError):
            services.answer_as_partner(
                access=partner_access, actor=partner.user, referral=referral, to_status=to_status, **kwargs
            )
        if to_status == S.CANCELLED:
            with pytest.raises(DomainError):
                services.cancel_referral(access=sender_access, actor=counsellor.user, referral=referral)
        referral.refresh_from_db()
        assert referral.status == from_status
        assert_audited("referrals.referral.status_changed", target=referral, count=0)
        return
    referral.refresh_from_db()
    expected = to_status
    if to_status == S.SENT and from_status == S.DRAFT and services.is_full(service):
        expected = S.WAITLISTED
    assert referral.status == expected
    channel = "partner_account" if side == PARTNER else "staff"
    actor = partner.user if side == PARTNER else counsellor.user
    assert_audited(
        "referrals.referral.status_changed",
        target=referral,
        actor=actor,
        client=case.client,
        details={"from": from_status, "to": expected, "channel": channel},
    )


def test_partner_cannot_cancel_and_sender_cannot_accept(refer, case, service, counsellor, partner) -> None:
    referral = refer(case, service)
    with pytest.raises(NotAllowed):
        services.answer_as_partner(
            access=get_access(counsellor.user), actor=counsellor.user, referral=referral, to_status=S.ACCEPTED
        )
    with pytest.raises(NotAllowed):
        services.cancel_referral(access=get_access(partner.user), actor=partner.user, referral=referral)


def test_decline_needs_a_reason_and_completion_an_outcome(refer, case, service, partner) -> None:
    referral = refer(case, service)
    access = get_access(partner.user)
    with pytest.raises(DomainError, match="why"):
        services.answer_as_partner(access=access, actor=partner.user, referral=referral, to_status=S.DECLINED)
    services.answer_as_partner(access=access, actor=partner.user, referral=referral, to_status=S.ACCEPTED)
    services.answer_as_partner(access=access, actor=partner.user, referral=referral, to_status=S.ENROLLED)
    with pytest.raises(DomainError, match="outcome"):
        services.answer_as_partner(access=access, actor=partner.user, referral=referral, to_status=S.COMPLETED)
    services.answer_as_partner(
        access=access, actor=partner.user, referral=referral, to_status=S.COMPLETED, outcome="employed"
    )
    referral.refresh_from_db()
    assert referral.status == S.COMPLETED and referral.outcome == "employed" and referral.closed_at


def test_partner_of_another_organisation_cannot_touch_the_referral(refer, case, service, country_a) -> None:
    from portal.access import Role
    from tests.conftest import _member

    referral = refer(case, service)
    stranger = _member(Role.PARTNER, organisation=OrganizationFactory(country=country_a))
    with pytest.raises(NotAllowed):
        services.answer_as_partner(
            access=get_access(stranger.user), actor=stranger.user, referral=referral, to_status=S.ACCEPTED
        )
    assert not Referral.objects.visible_to(stranger.user).exists()


def test_withdrawn_consent_stops_sharing_at_once(refer, case, service, counsellor) -> None:
    from referrals.selectors import shared_profile

    referral = refer(case, service)
    assert shared_profile(referral).rows[0][1].startswith("Amina")
    consent = Consent.objects.visible_to(counsellor.user).get(purpose="share_partner")
    withdraw_consent(access=get_access(counsellor.user), actor=counsellor.user, consent=consent)
    profile = shared_profile(referral)
    assert profile.consent_active is False and profile.rows == []


def test_draft_is_sent_later_and_consent_is_checked_again(refer, case, service, counsellor) -> None:
    referral = refer(case, service, send=False)
    assert referral.status == S.DRAFT
    consent = Consent.objects.visible_to(counsellor.user).get(purpose="share_partner")
    withdraw_consent(access=get_access(counsellor.user), actor=counsellor.user, consent=consent)
    with pytest.raises(ConsentMissing):
        services.send_referral(access=get_access(counsellor.user), actor=counsellor.user, referral=referral)
    referral.refresh_from_db()
    assert referral.status == S.DRAFT


def test_answer_by_link_moves_the_referral_with_no_actor_and_is_audited(refer, case, service) -> None:
    referral = refer(case, service)
    services.answer_by_link(referral=referral, to_status=S.ACCEPTED)
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    assert_audited(
        "referrals.referral.status_changed",
        target=referral,
        actor=False,
        client=case.client,
        details={"from": "sent", "to": "accepted", "channel": "partner_link"},
    )


# --- The directory: organisations, their places and services ------------------------------------------------


def test_manager_maintains_the_directory_of_own_country_and_each_change_is_audited(
    manager, outsider_manager, country_a
) -> None:
    access = get_access(manager.user)
    organization = services.save_organization(
        access=access, actor=manager.user, name="Skills Centre Tema", country=country_a
    )
    assert_audited("referrals.organization.saved", target=organization, actor=manager.user)
    location = services.add_location(
        access=access, actor=manager.user, organization=organization, name="Main campus", city="Tema"
    )
    assert location.country_id == country_a.pk
    assert_audited("referrals.location.added", target=location, actor=manager.user)
    service = services.save_service(
        access=access,
        actor=manager.user,
        locations=[location],
        organization=organization,
        name="Welding course",
        min_age=18,
        max_age=35,
    )
    assert service.country_id == country_a.pk
    assert list(service.locations.all()) == [location]
    assert_audited("referrals.service.saved", target=service, actor=manager.user)
    services.save_organization(
        access=access, actor=manager.user, organization=organization, name="Skills Centre", country=country_a
    )
    assert_audited("referrals.organization.saved", target=organization, count=2)
    with pytest.raises(DomainError, match="minimum age"):
        services.save_service(
            access=access, actor=manager.user, organization=organization, name="Bad ages", min_age=30, max_age=20
        )
    with pytest.raises(NotAllowed):
        services.add_location(
            access=get_access(outsider_manager.user),
            actor=outsider_manager.user,
            organization=organization,
            name="Elsewhere",
            city="Lomé",
        )
    assert_audited("referrals.location.added", count=1)
    assert_audited("referrals.service.saved", count=1)
