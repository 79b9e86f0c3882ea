"""Finding 8: sign-up revealed registered addresses, staff ones included (issue #15).

"A user is already registered with this email address" told anyone which addresses, staff ones included,
have an account. Sign-up, sign-in, password reset, sign-in codes and the address list of a signed-in
returnee now answer alike for a registered and an unknown address or number; only the owner of the
address learns, by mail or SMS, that someone tried.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.models import User
from tests.factories import TEST_PASSWORD, UserFactory

UNKNOWN = "nobody.here@example.org"
PHONE = "+233241234567"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    from portal import sms

    settings.SMS_BACKEND = "portal.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _answer(response) -> tuple[int, str, str]:
    """What the asker sees: status, where they are sent, and the page without its per-response tokens."""
    body = response.content.decode() if response.status_code == 200 else ""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'nonce="[^"]+"', "", body)
    return response.status_code, response.get("Location", ""), body


def _post_fresh(url: str, data: dict) -> tuple[int, str, str]:
    status, location, body = _answer(Client().post(url, data))
    for value in data.values():  # the form shows back what was typed
        body = body.replace(f'value="{value}"', 'value="(typed)"')
    return status, location, body


def test_sign_up_with_a_staff_address_answers_as_for_a_new_one(counsellor) -> None:
    staff = counsellor.user.email
    signup = reverse("account_signup")
    known = _post_fresh(signup, {"email": staff, "password1": TEST_PASSWORD, "password2": TEST_PASSWORD})
    unknown = _post_fresh(signup, {"email": UNKNOWN, "password1": TEST_PASSWORD, "password2": TEST_PASSWORD})
    assert known == unknown
    assert known[1] == reverse("account_email_verification_sent")
    assert User.objects.filter(email__iexact=staff).count() == 1  # no second account, nothing changed
    # Only the address's owner hears of it.
    [notice] = [message for message in mail.outbox if message.to == [staff]]
    assert "already" in notice.body.lower()


def test_sign_up_with_a_registered_phone_answers_as_for_a_new_one(db, sms_outbox) -> None:
    User.objects.create(email=None, phone=PHONE, phone_verified=True)
    signup = reverse("account_signup")
    known = _post_fresh(signup, {"phone": PHONE})
    unknown = _post_fresh(signup, {"phone": "+233241234999"})
    assert known == unknown == (302, reverse("account_verify_phone"), "")
    assert User.objects.filter(phone=PHONE).count() == 1


def test_sign_in_with_a_wrong_password_answers_alike(counsellor, returnee) -> None:
    login = reverse("account_login")
    staff = _post_fresh(login, {"login": counsellor.user.email, "password": "not-the-password"})
    person = _post_fresh(login, {"login": returnee.user.email, "password": "not-the-password"})
    unknown = _post_fresh(login, {"login": UNKNOWN, "password": "not-the-password"})
    assert staff == person == unknown
    assert staff[0] == 200


def test_password_reset_answers_alike(counsellor) -> None:
    reset = reverse("account_reset_password")
    assert _post_fresh(reset, {"email": counsellor.user.email}) == _post_fresh(reset, {"email": UNKNOWN})


def test_sign_in_code_for_a_staff_address_answers_as_for_an_unknown_one(counsellor, returnee) -> None:
    request_code = reverse("account_request_login_code")
    staff = _post_fresh(request_code, {"email": counsellor.user.email})
    person = _post_fresh(request_code, {"email": returnee.user.email})
    unknown = _post_fresh(request_code, {"email": UNKNOWN})
    assert staff == person == unknown
    assert staff[:2] == (302, reverse("account_confirm_login_code"))


def test_adding_a_registered_address_to_ones_account_reveals_nothing(returnee, counsellor) -> None:
    client = Client()
    client.force_login(returnee.user)
    emails = reverse("account_email")
    known = client.post(emails, {"email": counsellor.user.email, "action_add": ""})
    other = client.post(emails, {"email": UNKNOWN, "action_add": ""})
    assert known.status_code == other.status_code == 302
    page = client.get(emails).content.decode()
    assert "already" not in page.lower()


def test_registered_and_unknown_accounts_of_every_kind_answer_sign_up_alike(admin_user, partner) -> None:
    """Staff of every kind (administrators, partner users) are as invisible as counsellors."""
    signup = reverse("account_signup")
    answers = {
        _post_fresh(signup, {"email": email, "password1": TEST_PASSWORD, "password2": TEST_PASSWORD})
        for email in (admin_user.user.email, partner.user.email, UserFactory().email, UNKNOWN)
    }
    assert len(answers) == 1
