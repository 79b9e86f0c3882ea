"""Finding 11: staff signed in with an e-mailed code instead of their password (issue #15).

Code sign-in is for returnees only. A staff address asking for a code gets none (the asker sees the same
answer as for an unknown address; the staff member is told by mail how they sign in), a code that reaches
a staff session anyway does not sign in, and staff cannot confirm who they are with a mailed code before
changing a second factor either.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.access import Role
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory, with_totp


def _code_in(message) -> str:
    match = re.search(r"\b([A-Z0-9]{4,}-?[A-Z0-9]{4,})\b", message.body)
    assert match, message.body
    return match.group(1)


@pytest.mark.parametrize("with_second_factor", [True, False])
def test_staff_get_no_sign_in_code_by_mail(client, centre_a, with_second_factor) -> None:
    user = UserFactory()
    if with_second_factor:
        with_totp(user)
    MembershipFactory(user=user, role=Role.COUNSELLOR, centre=centre_a)
    response = client.post(reverse("account_request_login_code"), {"email": user.email})
    assert response.status_code == 302 and response["Location"] == reverse("account_confirm_login_code")
    [message] = mail.outbox
    assert message.to == [user.email]
    assert "Staff accounts do not sign in with a code" in message.body
    assert not re.search(r"\b[A-Z0-9]{6}\b", message.body)  # no code in it
    # Whatever is typed now, nobody is signed in.
    client.post(reverse("account_confirm_login_code"), {"code": "ABC123"})
    assert client.get(reverse("portal:staff-home")).status_code == 302
    assert not client.get(reverse("portal:me")).wsgi_request.user.is_authenticated


def test_returnees_still_get_a_code_by_mail_and_sign_in(client, returnee) -> None:
    response = client.post(reverse("account_request_login_code"), {"email": returnee.user.email})
    assert response["Location"] == reverse("account_confirm_login_code")
    [message] = mail.outbox
    response = client.post(reverse("account_confirm_login_code"), {"code": _code_in(message)})
    assert response.status_code == 302
    assert client.get(reverse("portal:me")).status_code == 200


@pytest.mark.parametrize("with_second_factor", [True, False])
def test_a_mailed_code_that_reaches_a_staff_session_does_not_sign_in(client, centre_a, with_second_factor) -> None:
    """Defence in depth: a code process started for a staff member (a returnee invited meanwhile, a code
    asked for just before the membership was made) is refused when the code is typed."""
    from allauth.account.internal.flows.login_by_code import LoginCodeVerificationProcess
    from allauth.core import context

    user = UserFactory()
    if with_second_factor:
        with_totp(user)
    MembershipFactory(user=user, role=Role.COUNSELLOR, centre=centre_a)
    request = client.get(reverse("account_login")).wsgi_request
    with context.request_context(request):
        process = LoginCodeVerificationProcess.initiate(request=request, user=user, email=user.email)
    request.session.save()
    client.cookies["sessionid"] = request.session.session_key
    response = client.post(reverse("account_confirm_login_code"), {"code": process.code})
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    response = client.get(reverse("portal:staff-home"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_staff_confirm_who_they_are_with_password_or_second_factor_not_a_mailed_code(client, counsellor) -> None:
    client.force_login(counsellor.user)
    response = client.get(reverse("account_request_reauthentication_code"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(reverse("account_request_reauthentication_code"), {"recipient": counsellor.user.email})
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    assert not mail.outbox
    page = client.get(reverse("account_reauthenticate")).content.decode()
    assert reverse("account_request_reauthentication_code") not in page
    assert client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD}).status_code == 302


def test_returnees_may_still_confirm_with_a_mailed_code(client, returnee) -> None:
    client.force_login(returnee.user)
    response = client.post(reverse("account_request_reauthentication_code"), {"recipient": returnee.user.email})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_confirm_reauthentication_code"))
    assert len(mail.outbox) == 1
