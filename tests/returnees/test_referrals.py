"""Referral statuses in plain words for a linked account; the link code and the counsellor's form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.returnees.models import ReturneeProfile
from counselling.models import Client
from portal.access import unscoped
from referrals.models import Referral, ReferralStatus
from tests.audit import assert_audited
from tests.factories import CaseFactory, ClientFactory, UserFactory
from tests.referrals.factories import ServiceFactory

SECRET_REASON = "Confidential: counsellor's reason"


@pytest.fixture
def case(counsellor):
    return CaseFactory(client=ClientFactory(centre=counsellor.centre))


def _referral(case, counsellor, partner_org, status, **service_kwargs) -> Referral:
    service = ServiceFactory(organization=partner_org, name=f"Welding {status}", **service_kwargs)
    return Referral.objects.create(
        case=case,
        centre=case.centre,
        service=service,
        organization=partner_org,
        created_by=counsellor.user,
        reason=SECRET_REASON,
        decline_reason="Internal decline note",
        status=status,
        due_on=timezone.localdate(),
        outcome="certificate" if status == ReferralStatus.COMPLETED else "",
    )


def _link(client_record: Client, user) -> None:
    with unscoped():
        Client.objects.filter(pk=client_record.pk).update(portal_account=user)


def _code_for(client, user) -> str:
    client.force_login(user)
    client.post(reverse("returnees:link-code"))
    with unscoped():
        return ReturneeProfile.objects.get(user=user).link_code


def test_linked_returnee_sees_referrals_in_plain_words(client, returnee, counsellor, case, partner_org) -> None:
    _referral(case, counsellor, partner_org, ReferralStatus.SENT)
    _referral(case, counsellor, partner_org, ReferralStatus.ACCEPTED, starts_on=dt.date(2027, 3, 3))
    _referral(case, counsellor, partner_org, ReferralStatus.COMPLETED)
    _referral(case, counsellor, partner_org, ReferralStatus.DRAFT)
    _link(case.client, returnee.user)
    client.force_login(returnee.user)
    page = client.get(reverse("returnees:dashboard")).content.decode()
    assert f"Sent to {partner_org.name} – waiting for their answer" in page
    assert "Accepted – you can start on 3 March 2027" in page  # day first (portal/formats/en)
    assert "Completed" in page
    assert "Welding draft" not in page
    assert SECRET_REASON not in page and "Internal decline note" not in page


def test_unlinked_returnee_sees_no_referrals(client, returnee, counsellor, case, partner_org) -> None:
    _referral(case, counsellor, partner_org, ReferralStatus.SENT)
    client.force_login(returnee.user)
    page = client.get(reverse("returnees:dashboard")).content.decode()
    assert "Welding sent" not in page and "Get a link code" in page


def test_returnee_sees_only_their_own_referrals(client, returnee, counsellor, case, partner_org) -> None:
    other_case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    _referral(other_case, counsellor, partner_org, ReferralStatus.SENT)
    _link(other_case.client, UserFactory())
    _link(case.client, returnee.user)
    client.force_login(returnee.user)
    assert "Welding sent" not in client.get(reverse("returnees:dashboard")).content.decode()


def test_counsellor_links_with_the_code_and_returnee_can_unlink(client, returnee, counsellor, case) -> None:
    code = _code_for(client, returnee.user)
    assert len(code) == 8
    client.force_login(counsellor.user)
    url = reverse("returnees:client-link", kwargs={"public_id": case.client.public_id})
    response = client.post(url, {"code": code.lower()})
    assert response.status_code == 302
    case.client.refresh_from_db()
    assert case.client.portal_account_id == returnee.user.pk
    with unscoped():
        assert ReturneeProfile.objects.get(user=returnee.user).link_code == ""  # used up
    assert_audited("returnees.client.linked", target=case.client, actor=counsellor.user, centre=case.centre)
    client.force_login(returnee.user)
    client.post(reverse("returnees:unlink"))
    case.client.refresh_from_db()
    assert case.client.portal_account_id is None


def test_wrong_code_is_an_error(client, counsellor, case) -> None:
    client.force_login(counsellor.user)
    url = reverse("returnees:client-link", kwargs={"public_id": case.client.public_id})
    response = client.post(url, {"code": "ABCDEFGH"})
    assert response.status_code == 200
    assert "not valid or has expired" in response.content.decode()


def test_expired_code_is_an_error(client, returnee, counsellor, case) -> None:
    code = _code_for(client, returnee.user)
    with unscoped():
        ReturneeProfile.objects.filter(user=returnee.user).update(
            link_code_expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
    client.force_login(counsellor.user)
    response = client.post(
        reverse("returnees:client-link", kwargs={"public_id": case.client.public_id}), {"code": code}
    )
    assert "not valid or has expired" in response.content.decode()
    case.client.refresh_from_db()
    assert case.client.portal_account_id is None


@pytest.mark.parametrize("method", ["get", "post"])
def test_counsellor_of_another_centre_gets_404(client, returnee, outsider, case, method) -> None:
    code = _code_for(client, returnee.user)
    client.force_login(outsider.user)
    url = reverse("returnees:client-link", kwargs={"public_id": case.client.public_id})
    assert getattr(client, method)(url, {"code": code}).status_code == 404
    case.client.refresh_from_db()
    assert case.client.portal_account_id is None


def test_an_account_links_to_one_client_only(client, returnee, counsellor, case) -> None:
    other = ClientFactory(centre=counsellor.centre)
    _link(other, returnee.user)
    code = _code_for(client, returnee.user)
    client.force_login(counsellor.user)
    response = client.post(
        reverse("returnees:client-link", kwargs={"public_id": case.client.public_id}), {"code": code}
    )
    assert "already linked to another client record" in response.content.decode()
