"""Finding 3: after the client withdrew the share consent, the partner still read the referral's reason.

The attack, replayed through the views: a counsellor refers a client with a reason that names a GBV
history; the partner is e-mailed the signed link. The client withdraws the consent to share with the
partner. The partner (signed in, from its inbox) and anyone holding the e-mailed link then opened the
referral: beside "Nothing is shared any more" stood the reason. Every free text that travels with a
referral follows the consent: the partner now sees the referral's facts (code, service, status) and
nothing about the client, and is sent no further e-mail about it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from counselling.models import Consent
from portal.access import unscoped
from referrals.models import Referral
from referrals.notifications import send_referral_reminders
from tests.factories import CaseFactory, ClientFactory
from tests.referrals.factories import ServiceFactory

SECRET = "GBV-SECRET survivor of gender-based violence"


@pytest.fixture
def consenting_case(counsellor, partner_org):
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre, given_name="Amina", phone="+233241234567"))
    consent = Consent.objects.create(
        client=case.client,
        purpose="share_partner",
        organisation=partner_org,
        method="signed",
        recorded_by=counsellor.user,
    )
    return case, consent


def _refer_through_the_form(
    client, counsellor, case, service, django_capture_on_commit_callbacks
) -> tuple[Referral, str]:
    """The counsellor refers the client; the partner's e-mail (sent through the outbox) holds the signed link."""
    client.force_login(counsellor.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:referral-create", kwargs={"public_id": case.public_id}),
            {"service": service.pk, "reason": SECRET, "urgency": "urgent", "shared_fields": ["name", "phone"]},
        )
    assert response.status_code == 302
    with unscoped():
        referral = Referral.objects.get(case=case)
    [notice] = [m for m in mail.outbox if referral.code in m.subject]
    link = re.search(re.escape(settings.SITE_URL) + r"(/\S*?r/[^\s/]+/)", notice.body)
    assert link, notice.body
    return referral, link.group(1)


def test_partner_sees_no_referral_text_once_consent_is_withdrawn(
    client, counsellor, partner, partner_org, consenting_case, django_capture_on_commit_callbacks
) -> None:
    case, consent = consenting_case
    service = ServiceFactory(organization=partner_org)
    referral, link_path = _refer_through_the_form(client, counsellor, case, service, django_capture_on_commit_callbacks)
    partner_page = reverse("referrals:partner-referral", kwargs={"public_id": referral.public_id})

    # While the consent lasts, the partner reads the reason and the shared fields (the set-up is right).
    client.force_login(partner.user)
    assert SECRET in client.get(partner_page).content.decode()
    client.logout()
    assert SECRET in client.get(link_path).content.decode()

    # The client withdraws the consent to share with the partner.
    client.force_login(counsellor.user)
    response = client.post(reverse("counselling:consent-withdraw", kwargs={"public_id": consent.public_id}))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None

    # The partner signed in: inbox and referral page show the referral's facts, nothing about the client.
    client.force_login(partner.user)
    inbox = client.get(reverse("referrals:partner-inbox")).content.decode()
    assert referral.code in inbox and SECRET not in inbox
    response = client.get(partner_page)
    html = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in html and "Amina" not in html and case.client.phone not in html
    assert "Nothing is shared any more" in html
    assert referral.code in html  # the partner can still tell which referral it is, and close it

    # Anyone holding the e-mailed link: the same.
    client.logout()
    response = client.get(link_path)
    html = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in html and "Amina" not in html and case.client.phone not in html
    assert "Nothing is shared any more" in html

    # The partner can still close the referral; its page then says the link is closed, and nothing more.
    assert client.post(link_path, {"status": "declined", "note": "No seats this term"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "declined"
    assert SECRET not in client.get(link_path).content.decode()


def test_partner_is_sent_no_reminder_once_consent_is_withdrawn(
    client, counsellor, partner, partner_org, consenting_case, django_capture_on_commit_callbacks
) -> None:
    case, consent = consenting_case
    service = ServiceFactory(organization=partner_org)
    referral, _link = _refer_through_the_form(client, counsellor, case, service, django_capture_on_commit_callbacks)
    client.post(reverse("counselling:consent-withdraw", kwargs={"public_id": consent.public_id}))
    with unscoped():
        Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - dt.timedelta(days=5))
    mail.outbox.clear()

    counts = send_referral_reminders(today=timezone.localdate())

    assert counts["partners"] == 0
    assert all(partner.user.email not in message.to for message in mail.outbox)
