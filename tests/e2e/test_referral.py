"""Closing the loop in the browser: a counsellor refers, the partner accepts through the e-mailed link,
and the counsellor sees it on the case."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from counselling.models import Consent
from tests.conftest import Persona
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import TEST_PASSWORD, TOTP_SECRET, CaseFactory, ClientFactory
from tests.referrals.factories import ServiceFactory

pytestmark = pytest.mark.e2e


def test_refer_then_partner_accepts_by_link_then_counsellor_sees_it(
    page: Page, new_page, counsellor: Persona, partner_org, live_server
) -> None:
    partner_org.email = "intake@partner.example.org"
    partner_org.save()
    service = ServiceFactory(organization=partner_org, name="Welding course Accra")
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre, given_name="Kofi", family_name="Boateng"))
    Consent.objects.create(
        client=case.client,
        purpose="share_partner",
        organisation=partner_org,
        method="signed",
        recorded_by=counsellor.user,
    )

    sign_in(page, counsellor.user.email, TEST_PASSWORD, TOTP_SECRET)
    page.goto(f"/en/staff/cases/{case.public_id}/")
    with page.expect_navigation():
        page.locator('a[href$="/refer/"]').click()
    assert_accessible(page)
    page.select_option("select[name=service]", str(service.pk))
    page.fill("textarea[name=reason]", "Wants to become a welder")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("R-")

    # The partner has no account: the e-mail carries a signed link.
    [message] = [m for m in mail.outbox if m.to == ["intake@partner.example.org"]]
    link = re.search(r"https?://\S+/r/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    partner_page = new_page()
    partner_page.goto("/" + path)
    expect(partner_page.locator("main")).to_contain_text("Kofi")
    assert_accessible(partner_page)
    partner_page.check("input[name=status][value=accepted]")
    with partner_page.expect_navigation():
        partner_page.locator("main form button[type=submit]").click()

    expect(partner_page.locator("main")).to_contain_text("Thank you")
    page.goto(f"/en/staff/cases/{case.public_id}/")
    expect(page.locator("ol.timeline")).to_contain_text("Accepted")
    assert_accessible(page)
