"""Finding 1: a returnee takes over a newly invited staff account (issue #15).

The attack as the penetration test ran it, through the real views: a returnee signs up by phone, types
the future counsellor's address into their own account (unverified) and makes it primary, adds and
verifies a second address of their own; the manager invites the counsellor's address; the counsellor
accepts and chooses a password; the returnee resets the password through their own address, signs in
and opens the staff pages. An invitation now binds only to a new account or to one that proved the
address, and accepting it leaves the account with that address alone and no other session.
"""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from portal.access import Role, unscoped
from portal.models import AuditEvent, Membership, StaffInvitation, User
from tests.factories import TEST_PASSWORD, UserFactory, has_totp, with_totp
from tests.returnees.conftest import code_in

VICTIM = "new.counsellor@centre-a.example.org"
ATTACKER_MAIL = "mallory@attacker.example.net"
ATTACKER_PHONE = "+233241112222"
VICTIM_PASSWORD = "victims-own-long-passphrase"
ATTACKER_PASSWORD = "mallorys-new-long-passphrase"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    from portal import sms

    settings.SMS_BACKEND = "portal.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def _link_in(message, pattern: str) -> str:
    match = re.search(rf"https?://[^/\s]+(/\S*{pattern}\S*)", message.body)
    assert match, message.body
    return match.group(1)


def _attacker_squats_the_address(sms_outbox) -> tuple[Client, User]:
    """Phone sign-up, the victim's address typed in and made primary, an own address added and verified."""
    attacker = Client()
    assert attacker.post(reverse("account_signup"), {"phone": ATTACKER_PHONE}).status_code == 302
    attacker.post(reverse("account_verify_phone"), {"code": code_in(sms_outbox[-1])})
    account = User.objects.get(phone=ATTACKER_PHONE)
    emails = reverse("account_email")
    attacker.post(emails, {"email": VICTIM, "action_add": ""})
    attacker.post(emails, {"email": VICTIM, "action_primary": ""})
    mail.outbox.clear()
    attacker.post(emails, {"email": ATTACKER_MAIL, "action_add": ""})
    confirm = _link_in(mail.outbox[-1], "/accounts/confirm-email/")
    attacker.post(confirm)
    account.refresh_from_db()
    assert account.email == VICTIM  # the squat itself still works: an unverified address proves nothing
    assert EmailAddress.objects.filter(user=account, email=ATTACKER_MAIL, verified=True).exists()
    assert not EmailAddress.objects.filter(email=VICTIM, verified=True).exists()
    return attacker, account


def _manager_invites(manager, django_capture_on_commit_callbacks, email: str = VICTIM) -> str:
    boss = Client()
    boss.force_login(manager.user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = boss.post(
            reverse("portal:staff-invite"),
            {
                "full_name": "New Counsellor",
                "email": email,
                "role": Role.COUNSELLOR,
                "centre": manager.centre.pk,
                "language": "en",
            },
        )
    assert response.status_code == 302, response.content[:500]
    [message] = mail.outbox
    assert message.to == [email]
    return _link_in(message, "/invitation/")


def test_returnee_cannot_take_over_an_invited_staff_account(
    manager, sms_outbox, django_capture_on_commit_callbacks
) -> None:
    attacker, account = _attacker_squats_the_address(sms_outbox)

    # The manager invites the address: the membership does not land on the returnee's account.
    link = _manager_invites(manager, django_capture_on_commit_callbacks)
    with unscoped():
        membership = Membership.objects.get(invitation__email=VICTIM)
    assert membership.user_id != account.pk

    # The invitee follows the link and chooses a password: it is set on a new account, not the returnee's.
    invitee = Client()
    page = invitee.get(link)
    assert page.status_code == 200 and 'name="password1"' in page.content.decode()
    response = invitee.post(link, {"password1": VICTIM_PASSWORD, "password2": VICTIM_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:staff-home")
    staff = User.objects.get(email=VICTIM)
    assert staff.pk == membership.user_id != account.pk
    assert staff.check_password(VICTIM_PASSWORD)
    assert list(EmailAddress.objects.filter(user=staff).values_list("email", "verified", "primary")) == [
        (VICTIM, True, True)
    ]
    # The returnee's unproven claim on the address is gone; their own address and phone stay theirs.
    account.refresh_from_db()
    assert account.email == ATTACKER_MAIL
    assert not EmailAddress.objects.filter(user=account, email=VICTIM).exists()
    assert not account.check_password(VICTIM_PASSWORD)

    # The returnee resets the password through their own address and signs in: still a returnee.
    mail.outbox.clear()
    attacker = Client()  # signed out
    attacker.post(reverse("account_reset_password"), {"email": ATTACKER_MAIL})
    [reset_mail] = mail.outbox
    assert reset_mail.to == [ATTACKER_MAIL]
    key_url = attacker.get(_link_in(reset_mail, "/accounts/password/reset/key/"))["Location"]
    attacker.post(key_url, {"password1": ATTACKER_PASSWORD, "password2": ATTACKER_PASSWORD})
    staff.refresh_from_db()
    assert staff.check_password(VICTIM_PASSWORD)  # the staff account's password is untouched
    response = attacker.post(reverse("account_login"), {"login": ATTACKER_MAIL, "password": ATTACKER_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("returnees:dashboard")
    assert attacker.get(reverse("counselling:case-list")).status_code == 404
    # Nor does the staff address with the attacker's new password open anything.
    thief = Client()
    thief.post(reverse("account_login"), {"login": VICTIM, "password": ATTACKER_PASSWORD})
    assert thief.get(reverse("counselling:case-list")).status_code == 302  # to the login page
    with unscoped():
        assert not Membership.objects.filter(user=account).exists()


def test_an_invitation_bound_to_an_unproven_account_is_refused(client, manager, sms_outbox) -> None:
    """An invitation made before the fix, bound to the squatter's account, cannot be accepted by anyone."""
    _attacker, account = _attacker_squats_the_address(sms_outbox)
    with unscoped():
        membership = Membership.objects.create(
            user=account, role=Role.COUNSELLOR, centre=manager.centre, is_active=False
        )
    invitation = StaffInvitation.objects.create(
        email=VICTIM, full_name="New Counsellor", membership=membership, invited_by=manager.user
    )
    from portal.emails import invitation_token

    url = reverse("portal:invitation-accept", kwargs={"token": invitation_token(invitation)})
    assert client.get(url).status_code == 400
    response = client.post(url, {"password1": VICTIM_PASSWORD, "password2": VICTIM_PASSWORD})
    assert response.status_code == 400
    account.refresh_from_db()
    membership.refresh_from_db()
    assert not membership.is_active and not account.check_password(VICTIM_PASSWORD)


def test_existing_account_that_proved_the_address_is_accepted_signed_in_and_stripped(
    manager, django_capture_on_commit_callbacks
) -> None:
    """An existing account binds only when it holds the address verified. Its owner accepts signed in and
    chooses a new password; the account keeps that address alone, no phone, no earlier second factor and
    none of its earlier sessions: whoever else knew its password, its other address or its factor is out."""
    person = with_totp(UserFactory(email=VICTIM, phone="+233249998888", phone_verified=True))
    EmailAddress.objects.create(user=person, email="second@attacker.example.net", verified=True, primary=False)
    elsewhere = Client()
    elsewhere.force_login(person)  # signed in with password and factor, on another device
    assert elsewhere.get(reverse("returnees:dashboard")).status_code == 200
    old_session = elsewhere.session.session_key

    link = _manager_invites(manager, django_capture_on_commit_callbacks)
    with unscoped():
        assert Membership.objects.get(invitation__email=VICTIM).user_id == person.pk

    # Someone with the link but not signed in as the account is sent to sign in; no password is set.
    stranger = Client()
    response = stranger.post(link, {"password1": ATTACKER_PASSWORD, "password2": ATTACKER_PASSWORD})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)

    owner = Client()
    owner.force_login(person)
    page = owner.post(link)  # the form again: a new password is needed
    assert page.status_code == 200 and "it replaces your current one" in page.content.decode()
    response = owner.post(link, {"password1": VICTIM_PASSWORD, "password2": VICTIM_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:staff-home")
    person.refresh_from_db()
    assert person.check_password(VICTIM_PASSWORD)
    assert person.phone == "" and not person.phone_verified
    assert list(EmailAddress.objects.filter(user=person).values_list("email", flat=True)) == [VICTIM]
    assert not has_totp(person)
    assert not Session.objects.filter(session_key=old_session).exists()
    assert elsewhere.get(reverse("returnees:dashboard")).status_code == 302  # signed out
    assert set(UserSession.objects.filter(user=person).values_list("session_key", flat=True)) <= {
        owner.session.session_key
    }
    assert owner.get(reverse("portal:staff-home"))["Location"] == reverse("mfa_activate_totp")
    with unscoped():
        accepted = AuditEvent.objects.get(action="portal.invitation.accepted")
    assert accepted.details["account"] == "holder" and accepted.details["sessions_ended"] >= 1


def test_staff_member_invited_to_a_second_role_accepts_signed_in_and_keeps_the_factor(
    manager, outsider, django_capture_on_commit_callbacks
) -> None:
    link = _manager_invites(manager, django_capture_on_commit_callbacks, email=outsider.user.email)
    client = Client()
    client.force_login(outsider.user)
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == reverse("portal:staff-home")
    assert has_totp(outsider.user) and outsider.user.check_password(TEST_PASSWORD)
    with unscoped():
        assert Membership.objects.get(user=outsider.user, centre=manager.centre).is_active


def test_someone_else_signed_in_cannot_accept_for_the_address_holder(
    manager, returnee, django_capture_on_commit_callbacks
) -> None:
    UserFactory(email=VICTIM)
    link = _manager_invites(manager, django_capture_on_commit_callbacks)
    other = Client()
    other.force_login(returnee.user)
    response = other.post(link)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    with unscoped():
        assert not Membership.objects.filter(user=returnee.user).exists()
        assert not Membership.objects.get(invitation__email=VICTIM).is_active


def test_a_code_mailed_to_a_typed_in_address_does_not_prove_it_for_the_squatter(client, db, sms_outbox) -> None:
    """The squatted address's owner asking for a sign-in code gets none for the squatter's account: the code
    would sign them in to it and mark the address verified there, making it the address's "holder"."""
    _attacker, account = _attacker_squats_the_address(sms_outbox)
    mail.outbox.clear()
    response = client.post(reverse("account_request_login_code"), {"email": VICTIM})
    assert response.status_code == 302 and response["Location"] == reverse("account_confirm_login_code")
    [message] = mail.outbox
    assert message.to == [VICTIM] and "account" in message.subject.lower()
    assert not re.search(r"\b[A-Z0-9]{6}\b", message.body)  # no sign-in code in it
    assert not EmailAddress.objects.filter(email=VICTIM, verified=True).exists()
    assert not client.get(reverse("returnees:dashboard")).wsgi_request.user.is_authenticated
    account.refresh_from_db()
    assert account.email == VICTIM  # nothing changed
