"""Cases get a counsellor (issue #19, point 5): the centre's manager assigns and reassigns, audited with
history; a transferred case can be given a counsellor on acceptance; open follow-ups and referrals move with
the case, so nobody is left holding work they can no longer open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from counselling import selectors, services
from counselling.models import CaseEvent, CaseFile, FollowUp
from counselling.services import StaleVersion
from portal.access import Role, get_access, unscoped
from portal.errors import DomainError, NotAllowed
from referrals.models import Referral, ReferralStatus
from tests.audit import assert_audited
from tests.conftest import Persona
from tests.factories import CaseFactory, ClientFactory, MembershipFactory, UserFactory, with_totp
from tests.referrals.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(counsellor) -> CaseFile:
    return CaseFactory(client=ClientFactory(centre=counsellor.centre), counsellor=counsellor.user)


@pytest.fixture
def colleague(centre_a) -> Persona:
    user = with_totp(UserFactory(full_name="Colleague Counsellor"))
    return Persona(user=user, membership=MembershipFactory(user=user, role=Role.COUNSELLOR, centre=centre_a))


def _follow_up(case: CaseFile, holder: Persona) -> FollowUp:
    return services.add_follow_up(
        access=get_access(holder.user),
        actor=holder.user,
        case=case,
        title="Call about the welding course",
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )


def test_the_manager_reassigns_a_case_and_its_open_follow_ups_go_along(
    client: Client, manager: Persona, counsellor: Persona, colleague: Persona, case: CaseFile
) -> None:
    follow_up = _follow_up(case, counsellor)
    client.force_login(manager.user)
    url = reverse("counselling:case-counsellor", kwargs={"public_id": case.public_id})
    assert url in client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id})).content.decode()
    page = client.get(url).content.decode()
    assert colleague.user.full_name in page

    response = client.post(url, {"counsellor": colleague.user.pk, "version": case.version})

    assert response.status_code == 302
    case.refresh_from_db()
    follow_up.refresh_from_db()
    assert case.counsellor == colleague.user
    assert follow_up.assigned_to == colleague.user
    assert list(selectors.list_my_follow_ups(access=get_access(colleague.user))) == [follow_up]
    assert not selectors.list_my_follow_ups(access=get_access(counsellor.user)).exists()
    with unscoped():
        event = CaseEvent.objects.filter(case=case, kind="case.counsellor").get()
    assert event.params["previous"] == counsellor.user.full_name
    assert event.params["counsellor"] == colleague.user.full_name
    detail = client.get(reverse("counselling:case-detail", kwargs={"public_id": case.public_id})).content.decode()
    assert f"Counsellor assigned: {colleague.user.full_name}" in detail
    assert_audited(
        "counselling.case.counsellor_assigned",
        target=case,
        actor=manager.user,
        details={"counsellor": colleague.user.pk, "previous": counsellor.user.pk, "follow_ups_moved": 1},
    )


def test_a_counsellor_of_another_centre_cannot_be_assigned_and_nothing_changes(
    client: Client, manager: Persona, outsider: Persona, counsellor: Persona, case: CaseFile
) -> None:
    with pytest.raises(DomainError, match="does not work at this case's centre"):
        services.assign_counsellor(
            access=get_access(manager.user),
            actor=manager.user,
            case=case,
            counsellor=outsider.user,
            expected_version=case.version,
        )
    client.force_login(manager.user)
    url = reverse("counselling:case-counsellor", kwargs={"public_id": case.public_id})
    page = client.post(url, {"counsellor": outsider.user.pk, "version": case.version})
    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    case.refresh_from_db()
    assert case.counsellor == counsellor.user


def test_counsellors_do_not_assign(client: Client, counsellor: Persona, colleague: Persona, case: CaseFile) -> None:
    with pytest.raises(NotAllowed):
        services.assign_counsellor(
            access=get_access(counsellor.user),
            actor=counsellor.user,
            case=case,
            counsellor=colleague.user,
            expected_version=case.version,
        )
    client.force_login(counsellor.user)
    assert client.get(reverse("counselling:case-counsellor", kwargs={"public_id": case.public_id})).status_code == 404


def test_a_stale_form_is_refused(manager: Persona, colleague: Persona, case: CaseFile) -> None:
    with pytest.raises(StaleVersion):
        services.assign_counsellor(
            access=get_access(manager.user),
            actor=manager.user,
            case=case,
            counsellor=colleague.user,
            expected_version=case.version - 1,
        )


def test_a_transferred_case_gets_its_counsellor_on_acceptance_with_follow_ups_and_referrals(
    client: Client, counsellor: Persona, outsider: Persona, outsider_manager: Persona, case: CaseFile, centre_b
) -> None:
    """Cairo to Amman in the issue: here centre A to centre B. The Cairo counsellor's follow-up and the open
    referral arrive in Amman; the accepting manager chooses the counsellor in the same form."""
    follow_up = _follow_up(case, counsellor)
    service = ServiceFactory(organization__country=case.centre.country)
    with unscoped():
        referral = Referral.objects.create(
            case=case,
            centre=case.centre,
            service=service,
            organization=service.organization,
            created_by=counsellor.user,
            reason="Course",
            status=ReferralStatus.SENT,
            due_on=timezone.localdate() + dt.timedelta(days=10),
        )
    transfer = services.request_transfer(
        access=get_access(counsellor.user), actor=counsellor.user, case=case, to_centre=centre_b, reason="Moved"
    )
    client.force_login(outsider_manager.user)
    url = reverse("counselling:transfer-decide", kwargs={"public_id": transfer.public_id})
    assert outsider.user.full_name in client.get(url).content.decode()

    response = client.post(url, {"decision": "accept", "note": "", "counsellor": outsider.user.pk})

    assert response.status_code == 302
    case.refresh_from_db()
    follow_up.refresh_from_db()
    assert (case.centre, case.counsellor) == (centre_b, outsider.user)
    assert follow_up.assigned_to == outsider.user
    with unscoped():
        assert Referral.objects.get(pk=referral.pk).centre_id == centre_b.pk
    assert Referral.objects.visible_to(outsider.user).filter(pk=referral.pk).exists()
    assert not Referral.objects.visible_to(counsellor.user).filter(pk=referral.pk).exists()


def test_a_transfer_accepted_without_a_counsellor_leaves_the_follow_ups_with_the_manager(
    counsellor: Persona, outsider_manager: Persona, case: CaseFile, centre_b
) -> None:
    follow_up = _follow_up(case, counsellor)
    transfer = services.request_transfer(
        access=get_access(counsellor.user), actor=counsellor.user, case=case, to_centre=centre_b, reason="Moved"
    )
    services.decide_transfer(
        access=get_access(outsider_manager.user), actor=outsider_manager.user, transfer=transfer, accept=True
    )
    case.refresh_from_db()
    follow_up.refresh_from_db()
    assert case.counsellor is None
    assert follow_up.assigned_to == outsider_manager.user


def test_a_transfer_cannot_hand_the_case_to_someone_outside_the_receiving_centre(
    counsellor: Persona, colleague: Persona, outsider_manager: Persona, case: CaseFile, centre_b
) -> None:
    transfer = services.request_transfer(
        access=get_access(counsellor.user), actor=counsellor.user, case=case, to_centre=centre_b, reason="Moved"
    )
    with pytest.raises(DomainError, match="does not work at this case's centre"):
        services.decide_transfer(
            access=get_access(outsider_manager.user),
            actor=outsider_manager.user,
            transfer=transfer,
            accept=True,
            counsellor=colleague.user,
        )
    case.refresh_from_db()
    assert case.centre == counsellor.centre
