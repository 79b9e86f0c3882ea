"""The registration card of "My job fairs": the check-in code and its QR code come first, full width (issue #18).

The card is shown at the door on a phone; the code used to sit in a two-column list below the fair's
name and time, cut off at 360 px. tests/e2e/test_reflow_320.py checks that the page fits 320 px.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.jobfairs.factories import FairFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_check_in_code_and_qr_open_the_card(client, returnee, centre_a) -> None:
    fair = FairFactory(country=centre_a.country, centres=[centre_a], title="Zz Careers Day")
    registration = RegistrationFactory(fair=fair, user=returnee.user)
    client.force_login(returnee.user)

    body = client.get(reverse("jobfairs:registration-list")).content.decode()
    card = body.split('<section class="card registration"', 1)[1].split("</section>", 1)[0]
    check_in = card.index('class="check-in"')
    assert check_in < card.index("<h2") < card.index('class="facts"')
    block = card[check_in : card.index("<h2")]
    assert f'<code class="check-in-code" dir="ltr">{registration.check_in_code}</code>' in block
    assert "<svg" in block  # the QR code, in the same block


def test_cancelled_registration_shows_no_code(client, returnee, centre_a) -> None:
    fair = FairFactory(country=centre_a.country, centres=[centre_a])
    RegistrationFactory(fair=fair, user=returnee.user, status="cancelled")
    client.force_login(returnee.user)

    body = client.get(reverse("jobfairs:registration-list")).content.decode()
    assert 'class="check-in"' not in body
