"""The partner's signed link: valid, expired, tampered, replaced by a newer one, dead after closing; always audited."""

from __future__ import annotations

import pytest
from django.core import signing
from django.urls import reverse

from portal.access import get_access, unscoped
from portal.models import OutboxMessage
from referrals import services
from referrals.links import SALT, make_token
from referrals.models import ReferralStatus
from tests.audit import assert_audited

S = ReferralStatus


def url(token: str) -> str:
    return reverse("referrals:link", kwargs={"token": token})


def test_valid_link_shows_only_shared_data_and_accepts(client, refer, case, service) -> None:
    referral = refer(case, service, shared_fields=["name"])
    response = client.get(url(make_token(referral)))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Amina" in html
    assert case.client.phone not in html  # the phone was not chosen for sharing
    assert response["Referrer-Policy"] == "same-origin"  # the token never leaves for another site
    response = client.post(url(make_token(referral)), {"status": "accepted"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    assert_audited("referrals.link.used", target=referral, count=2)
    assert_audited(
        "referrals.referral.status_changed", target=referral, actor=False, details={"channel": "partner_link"}
    )
    with unscoped():
        event = referral.events.last()
    assert event.channel == "partner_link" and event.actor is None


def test_expired_link_says_so(client, refer, case, service, monkeypatch) -> None:
    token = make_token(refer(case, service))
    monkeypatch.setattr("referrals.links.MAX_AGE", -1)
    response = client.get(url(token))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert_audited("referrals.link.refused", details={"problem": "expired"}, count=None)


def test_tampered_link_says_so_and_changes_nothing(client, refer, case, service) -> None:
    referral = refer(case, service)
    token = make_token(referral)
    forged = signing.dumps({"r": str(referral.public_id), "n": "guess"}, salt="another-salt")
    for bad in (token[:-3] + "abc", forged, "not-a-token"):
        response = client.post(url(bad), {"status": "accepted"})
        assert response.status_code == 400
        assert "changed" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_link_replaced_by_a_newer_one_no_longer_works(client, refer, case, service, counsellor) -> None:
    referral = refer(case, service)
    old = make_token(referral)
    services.resend_link(access=get_access(counsellor.user), actor=counsellor.user, referral=referral)
    assert_audited("referrals.link.renewed", target=referral, actor=counsellor.user, client=case.client)
    referral.refresh_from_db()
    response = client.post(url(old), {"status": "accepted"})
    assert response.status_code == 410
    assert "newer link" in response.content.decode()
    assert client.get(url(make_token(referral))).status_code == 200


def test_each_new_link_is_one_e_mail_keyed_by_the_link(refer, case, service, counsellor) -> None:
    """The partner's e-mails go through the outbox by task name; a key per link, so each is sent once."""
    referral = refer(case, service)
    for _ in range(2):
        services.resend_link(access=get_access(counsellor.user), actor=counsellor.user, referral=referral)
    referral.refresh_from_db()
    keys = list(
        OutboxMessage.objects.filter(task="referrals.tasks.send_referral_to_partner_task")
        .order_by("pk")
        .values_list("key", flat=True)
    )
    assert len(keys) == 3 and keys[0] == f"referral-sent:{referral.public_id}"
    assert keys[2] == f"referral-link:{referral.public_id}:{referral.link_nonce}" != keys[1]


def test_link_is_dead_once_the_referral_is_closed(client, refer, case, service) -> None:
    referral = refer(case, service)
    token = make_token(referral)
    for status, extra in (("accepted", {}), ("enrolled", {}), ("completed", {"outcome": "certificate"})):
        assert client.post(url(token), {"status": status, **extra}).status_code == 302
    response = client.post(url(token), {"status": "dropped_out"})
    assert response.status_code == 410
    assert "closed" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == S.COMPLETED


def test_link_of_one_referral_cannot_answer_another(client, refer, case, service, counsellor, partner_org) -> None:
    from counselling.models import Consent
    from tests.factories import CaseFactory, ClientFactory

    first = refer(case, service)
    other_case = CaseFactory(client=ClientFactory(centre=counsellor.centre))
    Consent.objects.create(
        client=other_case.client,
        purpose="share_partner",
        organisation=partner_org,
        method="signed",
        recorded_by=counsellor.user,
    )
    second = refer(other_case, service)
    signing_payload = signing.loads(make_token(first), salt=SALT)
    signing_payload["r"] = str(second.public_id)  # changing what is signed breaks the signature
    assert client.get(url(make_token(first)[:-1] + "x")).status_code == 400
    second.refresh_from_db()
    assert second.status == S.SENT


@pytest.mark.parametrize("status", ["declined"])
def test_declining_by_link_needs_a_reason(client, refer, case, service, status) -> None:
    referral = refer(case, service)
    response = client.post(url(make_token(referral)), {"status": status, "note": ""})
    assert response.status_code == 200
    assert "Say why" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == S.SENT
