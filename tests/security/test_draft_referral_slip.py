"""Finding 10: a draft referral's slip carried a working partner link that showed the client's name and phone.

The attack, replayed through the views: a counsellor keeps a referral as a draft (it has not left the
centre) and prints its slip; the QR code's link, in anyone's hands, opened the referral with the
client's name and phone. A draft has no link and no slip: the slip answers 404, and a link minted for
a draft (as the old slip printed it) answers as a forged one does, shows nothing and changes nothing,
before and after the draft is sent.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import signing
from django.urls import reverse

from counselling.models import Consent
from portal.access import unscoped
from referrals.links import SALT, NoLink, make_token
from referrals.models import Referral, ReferralStatus
from tests.factories import CaseFactory, ClientFactory
from tests.referrals.factories import ServiceFactory


@pytest.fixture
def draft(client, counsellor, partner_org) -> Referral:
    """A draft made through the referral form, as a counsellor does."""
    case = CaseFactory(
        client=ClientFactory(centre=counsellor.centre, given_name="Amina", family_name="Haddad", phone="+233241234567")
    )
    Consent.objects.create(
        client=case.client,
        purpose="share_partner",
        organisation=partner_org,
        method="signed",
        recorded_by=counsellor.user,
    )
    service = ServiceFactory(organization=partner_org)
    client.force_login(counsellor.user)
    response = client.post(
        reverse("referrals:referral-create", kwargs={"public_id": case.public_id}),
        {
            "service": service.pk,
            "reason": "Wants a welding course",
            "urgency": "routine",
            "shared_fields": ["name", "phone"],
            "save_as_draft": "on",
        },
    )
    assert response.status_code == 302
    with unscoped():
        referral = Referral.objects.select_related("case__client").get(case=case)
    assert referral.status == ReferralStatus.DRAFT
    return referral


def _draft_token(referral: Referral) -> str:
    """The token the slip of a draft used to carry in its QR code (signed exactly as the portal signs links)."""
    return signing.dumps({"r": str(referral.public_id), "n": referral.link_nonce}, salt=SALT, compress=True)


def test_draft_has_no_slip(client, counsellor, draft) -> None:
    client.force_login(counsellor.user)
    response = client.get(reverse("referrals:referral-slip", kwargs={"public_id": draft.public_id}))
    assert response.status_code == 404
    assert not response.content.startswith(b"%PDF")
    detail = client.get(reverse("referrals:referral-detail", kwargs={"public_id": draft.public_id}))
    assert "slip.pdf" not in detail.content.decode()


def test_link_of_a_draft_shows_nothing_and_changes_nothing(client, draft) -> None:
    client.logout()
    url = reverse("referrals:link", kwargs={"token": _draft_token(draft)})
    unknown = reverse("referrals:link", kwargs={"token": "not-a-token"})

    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Amina" not in html and "Haddad" not in html and draft.case.client.phone not in html
    forged = client.get(unknown)
    assert forged.status_code == 400
    assert "The link is not complete or has been changed" in html  # the same answer as for a forged token

    assert client.post(url, {"status": "accepted"}).status_code == 400
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT


def test_link_of_a_draft_stays_dead_after_it_is_sent(client, counsellor, draft) -> None:
    token = _draft_token(draft)
    client.force_login(counsellor.user)
    response = client.post(reverse("referrals:referral-send", kwargs={"public_id": draft.public_id}))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.SENT

    client.logout()
    response = client.get(reverse("referrals:link", kwargs={"token": token}))
    assert response.status_code == 410
    assert "Amina" not in response.content.decode()
    # The sent referral has a working link of its own.
    assert client.get(reverse("referrals:link", kwargs={"token": make_token(draft)})).status_code == 200


def test_no_token_is_made_for_a_draft(draft) -> None:
    with pytest.raises(NoLink):
        make_token(draft)


def test_slip_of_a_sent_referral_names_no_client_and_no_free_text(client, counsellor, draft, monkeypatch) -> None:
    """The slip goes with the client to the partner: code, service, centre, due date and link; nothing else."""
    rendered: list[str] = []

    # The PDF engine is beside the point here: keep the HTML it would have been given.
    def keep_html(html: str) -> bytes:
        rendered.append(html)
        return b"%PDF-fake"

    monkeypatch.setattr("referrals.slip.write_pdf", keep_html)
    with unscoped():
        Referral.objects.filter(pk=draft.pk).update(reason="GBV-SECRET reason")
    client.force_login(counsellor.user)
    client.post(reverse("referrals:referral-send", kwargs={"public_id": draft.public_id}))
    response = client.get(reverse("referrals:referral-slip", kwargs={"public_id": draft.public_id}))
    assert response.status_code == 200
    [html] = rendered
    draft.refresh_from_db()
    assert draft.code in html and settings.SITE_URL + "/en/r/" in html  # the QR code's link, printed below it
    assert "GBV-SECRET" not in html and "Amina" not in html and "Haddad" not in html
    assert draft.case.client.phone not in html and draft.case.client.code not in html
