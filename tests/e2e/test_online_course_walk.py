"""An online course in another country, in the browser (issue #19, point 4): the counsellor refers a client to
it and records the share consent in the same form, the course's organisation accepts, the returnee records the
completion with the certificate on their own page (in Arabic, on a 320 px phone screen), and the completion
shows on the case page and in the centre manager's dashboard the same day."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from counselling.consent import has_consent
from counselling.models import Client
from portal.access import Role, unscoped
from referrals.models import Channel, Delivery, Referral, ReferralEvent, ServiceCategory
from tests.conftest import Persona
from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import (
    TEST_PASSWORD,
    TOTP_SECRET,
    CaseFactory,
    ClientFactory,
    CountryFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
    with_totp,
)
from tests.referrals.factories import ServiceFactory

pytestmark = pytest.mark.e2e

BADGE = "https://badges.atingi.example.org/assertions/5c1e0f"
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def _sign_in_with_password(page: Page, email: str, language: str) -> None:
    """A returnee signs in with e-mail and password (no second factor for returnees)."""
    page.goto(f"/{language}/accounts/login/")
    form = page.locator("main form:has(input[name=password])")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(TEST_PASSWORD)
    with page.expect_navigation():
        form.locator("button[type=submit]:not([form])").click()


def test_online_course_in_another_country_from_referral_to_completion_in_the_reports(
    new_page, counsellor: Persona, manager: Persona, returnee: Persona
) -> None:
    # An online course of an organisation in Germany that serves Ghana, where the counsellor's centre is.
    germany = CountryFactory(code="DE", languages=["de"], timezone="Europe/Berlin", phone_prefix="+49")
    academy = OrganizationFactory(country=germany, name="Digital Academy Berlin")
    course = ServiceFactory(
        organization=academy,
        name="Digital skills for work (online)",
        category=ServiceCategory.ONLINE_COURSE,
        delivery=Delivery.ONLINE,
        areas_served=[counsellor.centre.country_id],
    )
    partner_user = with_totp(UserFactory(full_name="Academy Intake"))
    MembershipFactory(user=partner_user, role=Role.PARTNER, organisation=academy)
    # The client has not agreed to share with the academy yet; their record is linked to their portal account.
    case = CaseFactory(client=ClientFactory(centre=counsellor.centre, given_name="Abena", family_name="Owusu"))
    with unscoped():
        Client.objects.filter(pk=case.client_id).update(portal_account=returnee.user)

    # 1. The counsellor refers, recording the consent in the same form.
    page = new_page()
    sign_in(page, str(counsellor.user.email), TEST_PASSWORD, TOTP_SECRET)
    page.goto(f"/en/staff/cases/{case.public_id}/")
    with page.expect_navigation():
        page.locator('a[href$="/refer/"]').click()
    page.select_option("select[name=service]", str(course.pk))
    page.fill("textarea[name=reason]", "Wants digital skills for an office job")
    page.check("input[name=consent_answer][value=agrees]")
    page.select_option("select[name=consent_method]", "signed")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("R-")
    with unscoped():
        referral = Referral.objects.get(case=case)
    assert referral.status == "sent" and has_consent(case.client, "share_partner", academy)

    # 2. The academy's intake accepts, signed in.
    partner_page = new_page()
    sign_in(partner_page, str(partner_user.email), TEST_PASSWORD, TOTP_SECRET)
    partner_page.goto("/en/partner/referrals/")
    with partner_page.expect_navigation():
        partner_page.locator(f'a[href$="/partner/referrals/{referral.public_id}/"]').click()
    partner_page.check("input[name=status][value=accepted]")
    with partner_page.expect_navigation():
        partner_page.locator("main form button[type=submit]").click()
    expect(partner_page.locator("main")).to_contain_text("Thank you")
    expect(partner_page.locator("main")).to_contain_text("Enrolment and completion")  # the academy could record too

    # 3. The returnee records the completion on their own page: in Arabic, on a 320 px phone screen.
    phone = new_page(locale="ar", viewport={"width": 320, "height": 640})
    _sign_in_with_password(phone, str(returnee.user.email), "ar")
    phone.goto("/ar/my/")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    with phone.expect_navigation():
        phone.locator(f'a[href$="/my/referrals/{referral.public_id}/"]').click()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(phone)
    phone.check("input[name=step][value=completed]")
    phone.fill("input[name=on]", timezone.localdate().isoformat())
    phone.fill("input[name=certificate_number]", "ATG-77812")
    phone.fill("input[name=certificate_url]", BADGE)
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(f"{phone.url.split('/ar/')[0]}/ar/my/")
    expect(phone.locator("main")).to_contain_text("ATG-77812")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    with unscoped():
        referral.refresh_from_db()
        last = ReferralEvent.objects.filter(referral=referral).order_by("pk").last()
    assert (referral.status, referral.outcome, referral.certificate_url) == ("completed", "certificate", BADGE)
    assert (last.to_status, last.channel, last.actor_id) == ("completed", Channel.RETURNEE, returnee.user.pk)

    # 4. The counsellor sees the completion and its evidence on the case page.
    page.goto(f"/en/staff/cases/{case.public_id}/")
    referrals = page.locator("section[aria-labelledby=referrals-title]")
    expect(referrals).to_contain_text("Completed")
    expect(referrals).to_contain_text("Certificate no. ATG-77812")
    expect(referrals.locator(f'a[href="{BADGE}"]')).to_be_visible()
    assert_accessible(page)

    # 5. The centre manager's dashboard counts it the same day (this month, the default period).
    manager_page = new_page()
    sign_in(manager_page, str(manager.user.email), TEST_PASSWORD, TOTP_SECRET)
    manager_page.goto(reverse("reports:centre-dashboard", kwargs={"public_id": manager.centre.public_id}))
    row = manager_page.locator("table.report tbody tr", has=manager_page.locator("th", has_text="Referrals completed"))
    expect(row.locator("td.number").first).to_have_text("1")
