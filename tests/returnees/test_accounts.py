"""Sign-up and sign-in by phone with an SMS code; e-mail sign-up unchanged; staff never by phone."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from portal import sms
from portal.models import User
from tests.factories import TEST_PASSWORD
from tests.returnees.conftest import code_in

PHONE = "+233 24 123 4567"
E164 = "+233241234567"


def _signed_in(client) -> User | None:
    response = client.get(reverse("returnees:dashboard"))
    return response.wsgi_request.user if response.status_code == 200 else None


def test_phone_sign_up_sends_a_code_and_verifying_signs_in(client, db, sms_outbox) -> None:
    response = client.post(reverse("account_signup"), {"phone": PHONE})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    user = User.objects.get(phone=E164)
    assert user.email is None and not user.phone_verified and not user.has_usable_password()
    assert [m.to for m in sms_outbox] == [E164]
    body = sms_outbox[0].body
    assert "counselling portal" in body and E164 not in body  # the code, nothing personal

    response = client.post(reverse("account_verify_phone"), {"code": code_in(sms_outbox[0])})
    assert response.status_code == 302
    assert response["Location"] == reverse("returnees:dashboard")
    user.refresh_from_db()
    assert user.phone_verified
    assert _signed_in(client) == user


def test_sms_comes_in_the_language_of_the_sign_up(client, db, sms_outbox) -> None:
    client.post(reverse("account_signup").replace("/en/", "/fr/", 1), {"phone": PHONE})
    user = User.objects.get(phone=E164)
    assert user.preferred_language == "fr"
    assert code_in(sms_outbox[0])


def test_wrong_code_is_refused_with_an_error(client, db, sms_outbox) -> None:
    client.post(reverse("account_signup"), {"phone": PHONE})
    response = client.post(reverse("account_verify_phone"), {"code": "WRONG-1"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _signed_in(client) is None
    assert not User.objects.get(phone=E164).phone_verified


def test_expired_code_does_not_sign_in(client, db, sms_outbox, settings) -> None:
    client.post(reverse("account_signup"), {"phone": PHONE})
    settings.ACCOUNT_PHONE_VERIFICATION_TIMEOUT = -1  # the code is older than its validity
    response = client.post(reverse("account_verify_phone"), {"code": code_in(sms_outbox[0])})
    assert response.status_code == 302
    assert response["Location"] != reverse("returnees:dashboard")
    assert _signed_in(client) is None


def test_returnee_signs_in_again_with_a_code(client, db, sms_outbox) -> None:
    user = User.objects.create(email=None, phone=E164, phone_verified=True)
    response = client.post(reverse("account_request_login_code"), {"phone": PHONE})
    assert response.status_code == 302
    assert [m.to for m in sms_outbox] == [E164]
    response = client.post(reverse("account_confirm_login_code"), {"code": code_in(sms_outbox[0])})
    assert response.status_code == 302
    assert _signed_in(client) == user


def test_expired_login_code_is_refused(client, db, sms_outbox, settings) -> None:
    User.objects.create(email=None, phone=E164, phone_verified=True)
    client.post(reverse("account_request_login_code"), {"phone": PHONE})
    settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT = -1
    client.post(reverse("account_confirm_login_code"), {"code": code_in(sms_outbox[0])})
    assert _signed_in(client) is None


def test_sign_up_needs_a_phone_or_an_email(client, db, sms_outbox) -> None:
    response = client.post(reverse("account_signup"), {"phone": "", "email": ""})
    assert response.status_code == 200
    assert "Give a phone number or an e-mail address." in response.content.decode()
    response = client.post(reverse("account_signup"), {"phone": "12"})
    assert "not a valid phone number" in response.content.decode()
    assert not User.objects.exists()


def test_a_phone_number_makes_one_account_only(client, db, sms_outbox) -> None:
    User.objects.create(email=None, phone=E164, phone_verified=True)
    client.post(reverse("account_signup"), {"phone": "+233241234567"})
    assert User.objects.filter(phone=E164).count() == 1


def test_email_sign_up_still_works_and_needs_verification(client, db, sms_outbox) -> None:
    response = client.post(
        reverse("account_signup"),
        {"email": "ama@example.org", "password1": TEST_PASSWORD, "password2": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="ama@example.org")
    assert user.phone == "" and user.has_usable_password()
    assert len(mail.outbox) == 1 and not sms_outbox
    assert _signed_in(client) is None  # not before the address is confirmed
    EmailAddress.objects.filter(user=user).update(verified=True)
    client.post(reverse("account_login"), {"login": "ama@example.org", "password": TEST_PASSWORD})
    assert _signed_in(client) == user


def test_email_sign_up_needs_a_password(client, db) -> None:
    response = client.post(reverse("account_signup"), {"email": "ama@example.org"})
    assert response.status_code == 200
    assert "Choose a password" in response.content.decode()


@pytest.fixture
def staff_with_phone(counsellor):
    user = counsellor.user
    user.phone, user.phone_verified = E164, True
    user.save()
    return user


def test_staff_get_no_sign_in_code_by_sms(client, staff_with_phone, sms_outbox) -> None:
    client.post(reverse("account_request_login_code"), {"phone": PHONE})
    assert [m.to for m in sms_outbox] == [E164]
    assert "Staff accounts do not sign in with a code" in sms_outbox[0].body
    response = client.get(reverse("portal:staff-home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


@pytest.mark.parametrize("with_second_factor", [True, False])
def test_staff_sign_in_by_phone_code_is_refused_even_with_a_code(client, centre_a, with_second_factor) -> None:
    """Defence in depth: should a code reach a staff member's phone, the login is refused before the second
    factor is even asked for (and a staff member without one yet is not signed in either)."""
    from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess

    from portal.access import Role
    from tests.factories import MembershipFactory, UserFactory, with_totp

    user = UserFactory(phone=E164, phone_verified=True)
    if with_second_factor:
        with_totp(user)
    MembershipFactory(user=user, role=Role.COUNSELLOR, centre=centre_a)
    request = client.get(reverse("account_login")).wsgi_request
    process = LoginCodeVerificationProcess.initiate(request=request, user=user, phone=E164)
    request.session.save()
    client.cookies["sessionid"] = request.session.session_key
    response = client.post(reverse("account_confirm_login_code"), {"code": process.code})
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    response = client.get(reverse("portal:staff-home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_staff_cannot_sign_in_with_phone_and_password(client, staff_with_phone) -> None:
    response = client.post(reverse("account_login"), {"login": PHONE, "password": TEST_PASSWORD})
    assert response.status_code == 200  # the form again, with an error
    assert not response.wsgi_request.user.is_authenticated


def test_staff_email_sign_in_still_asks_for_the_second_factor(client, counsellor) -> None:
    response = client.post(reverse("account_login"), {"login": counsellor.user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")


def test_asking_for_codes_is_rate_limited(db, sms_outbox) -> None:
    from django.test import Client

    User.objects.create(email=None, phone=E164, phone_verified=True)
    for _ in range(3):  # three browsers asking for the same number within a minute
        Client().post(reverse("account_request_login_code"), {"phone": PHONE})
    response = Client().post(reverse("account_request_login_code"), {"phone": PHONE})
    assert response.status_code == 200
    assert "Too many" in response.content.decode()
    assert len(sms_outbox) == 3


def test_phone_sign_up_with_the_default_console_backend(client, db, settings, caplog) -> None:
    """The default backend (no SMS provider configured) writes the message to the log; the code in it works."""
    settings.SMS_BACKEND = "portal.sms.ConsoleBackend"
    with caplog.at_level("INFO", logger="portal.sms"):
        assert client.post(reverse("account_signup"), {"phone": PHONE}).status_code == 302
    [line] = [record.getMessage() for record in caplog.records if record.name == "portal.sms"]
    assert line.startswith(f"SMS to {E164}: ")
    code = code_in(sms.SMS(to=E164, body=line))

    response = client.post(reverse("account_verify_phone"), {"code": code})
    assert response["Location"] == reverse("returnees:dashboard")
    assert User.objects.get(phone=E164).phone_verified
