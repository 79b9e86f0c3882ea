"""A staff account without a second factor reaches no case data; once TOTP is set up, the case opens."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

from counselling.models import Document
from tests.e2e.conftest import totp_now
from tests.factories import TEST_PASSWORD, CaseFactory, ClientFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.e2e

LOGIN = "/en/accounts/login/"
TOTP_ACTIVATE = re.compile(r"/en/accounts/2fa/totp/activate/$")
MFA_SETUP = re.compile(r"/en/accounts/(2fa/totp/activate/|reauthenticate/\?next=%2Fen%2Faccounts%2F2fa%2F)")
GIVEN, FAMILY = "Efua", "Quartey-Boateng"


def submit(page: Page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit]:not([form])").click()


def test_staff_without_mfa_reaches_no_case_data_until_totp_is_set_up(page: Page, centre_a) -> None:
    user = UserFactory(full_name="Nana Nofactor")
    MembershipFactory(user=user, role="counsellor", centre=centre_a)
    case = CaseFactory(client=ClientFactory(centre=centre_a, given_name=GIVEN, family_name=FAMILY))
    document = Document.objects.create(
        case=case,
        kind="other",
        file="documents/never-served.pdf",
        original_name=f"{FAMILY}.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=user,
    )
    with translation.override("en"):
        case_url = reverse("counselling:case-detail", kwargs={"public_id": case.public_id})
        attempts = [
            reverse("counselling:case-list"),
            case_url,
            reverse("counselling:case-list") + f"?q={FAMILY}",
            reverse("referrals:board"),
            reverse("portal:audit-log"),
            reverse("counselling:document-download", kwargs={"public_id": document.public_id}),
            reverse("reports:centre-dashboard", kwargs={"public_id": centre_a.public_id}),
            reverse("reports:dashboard"),
            reverse("counselling:dsr-export-json", kwargs={"public_id": case.client.public_id}),
        ]

    # Password only: allauth signs the user in, the portal sends them to set up a second factor.
    page.goto(LOGIN)
    form = page.locator("main form:has(input[name=password])")
    form.locator("input[name=login]").fill(user.email)
    form.locator("input[name=password]").fill(TEST_PASSWORD)
    submit(page, "main form:has(input[name=password])")
    expect(page).to_have_url(MFA_SETUP)

    for url in attempts:
        page.goto(url)
        expect(page).to_have_url(MFA_SETUP)
        html = page.content()
        assert GIVEN not in html and FAMILY not in html, url
        assert case.client.code not in html, url

    # Setting up TOTP: the password once more, then the code from the app.
    page.locator("main input[name=password]").fill(TEST_PASSWORD)
    submit(page, "main form:has(input[name=password])")
    expect(page).to_have_url(TOTP_ACTIVATE)
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("main input[name=code]").fill(totp_now(secret))
    submit(page, "main form:has(input[name=code])")

    page.goto(case_url)
    expect(page).to_have_url(re.compile(re.escape(case_url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(GIVEN)
