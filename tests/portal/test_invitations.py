"""Staff come only by invitation: who may invite whom, the e-mailed link, and its misuse."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing

from portal.access import Role, get_access, unscoped
from portal.emails import INVITATION_SALT, invitation_token
from portal.errors import DomainError, NotAllowed
from portal.models import Membership, StaffInvitation, User
from portal.services import InvitationAccount, accept_invitation, invitation_account, invite_staff
from tests.audit import assert_audited


def _invite(persona, **overrides):
    fields = {
        "email": "new.counsellor@example.org",
        "full_name": "New Counsellor",
        "role": Role.COUNSELLOR,
        "centre": persona.centre,
    }
    fields.update(overrides)
    return invite_staff(access=get_access(persona.user), actor=persona.user, **fields)


def test_manager_invites_a_counsellor_to_own_centre(manager, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = _invite(manager, language="fr")
    with unscoped():
        membership = Membership.objects.get(pk=invitation.membership_id)
    assert_audited(
        "portal.staff.invited",
        target=membership,
        actor=manager.user,
        centre=manager.centre,
        details={"role": "counsellor"},
    )
    assert membership.is_active is False
    assert membership.centre == manager.centre
    assert not membership.user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.counsellor@example.org"]
    assert "/fr/invitation/" in message.body  # in the invitee's language


def test_manager_cannot_invite_into_another_centre(manager, centre_b) -> None:
    with pytest.raises(NotAllowed):
        _invite(manager, centre=centre_b)
    assert not User.objects.filter(email="new.counsellor@example.org").exists()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PROGRAMME_ANALYST, Role.COUNTRY_COORDINATOR])
def test_manager_cannot_hand_out_wider_roles(manager, role) -> None:
    with pytest.raises(NotAllowed):
        _invite(manager, role=role)


@pytest.mark.parametrize("role", ["counsellor", "partner", "employer", "editor", "programme_analyst", "returnee"])
def test_people_without_team_role_cannot_invite(persona_for, role, centre_a) -> None:
    persona = persona_for(role)
    with pytest.raises(NotAllowed):
        invite_staff(
            access=get_access(persona.user),
            actor=persona.user,
            email="x@example.org",
            full_name="X",
            role=Role.COUNSELLOR,
            centre=centre_a,
        )


def test_coordinator_invites_editor_for_own_country(coordinator, country_a, country_b) -> None:
    invitation = _invite(coordinator, role=Role.EDITOR, centre=None, country=country_a)
    assert invitation.membership.country == country_a
    with pytest.raises(NotAllowed):
        _invite(coordinator, email="other@example.org", role=Role.EDITOR, centre=None, country=country_b)


def test_inviting_the_same_role_twice_is_refused_with_a_message(manager) -> None:
    _invite(manager)
    with pytest.raises(Exception, match="already has this role"):
        _invite(manager)


def test_invite_view_shows_translated_error_and_keeps_the_input(client, manager, centre_b) -> None:
    client.force_login(manager.user)
    response = client.post(
        "/ar/staff/team/invite/",
        {
            "full_name": "Somebody",
            "email": "not-an-address",
            "role": "counsellor",
            "centre": manager.centre.pk,
            "language": "ar",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Somebody"' in html
    assert "errorlist" in html


def test_invite_view_does_not_offer_centres_outside_scope(client, manager, centre_b) -> None:
    client.force_login(manager.user)
    html = client.get("/en/staff/team/invite/").content.decode()
    assert manager.centre.name in html
    assert centre_b.name not in html


def test_posting_a_centre_outside_scope_is_refused(client, manager, centre_b) -> None:
    client.force_login(manager.user)
    response = client.post(
        "/en/staff/team/invite/",
        {
            "full_name": "S",
            "email": "s@example.org",
            "role": "counsellor",
            "centre": centre_b.pk,
            "language": "en",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="s@example.org").exists()


def test_invitee_accepts_sets_password_and_must_set_up_totp(client, manager) -> None:
    invitation = _invite(manager)
    url = f"/en/invitation/{invitation_token(invitation)}/"
    response = client.post(url, {"password1": "a-long-new-passphrase", "password2": "a-long-new-passphrase"})
    assert response.status_code == 302
    with unscoped():
        membership = Membership.objects.get(pk=invitation.membership_id)
    assert membership.is_active
    assert membership.user.check_password("a-long-new-passphrase")
    # Signed in, but a staff member without TOTP is sent to set it up.
    response = client.get("/en/staff/")
    assert "/accounts/2fa/totp/activate/" in response["Location"]


def test_weak_password_is_refused_and_invitation_stays_open(client, manager) -> None:
    invitation = _invite(manager)
    url = f"/en/invitation/{invitation_token(invitation)}/"
    response = client.post(url, {"password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_used_invitation_link_is_refused(client, manager) -> None:
    invitation = _invite(manager)
    accept_invitation(invitation=invitation, password="a-long-new-passphrase")
    response = client.get(f"/en/invitation/{invitation_token(invitation)}/")
    assert response.status_code == 400
    assert StaffInvitation.objects.get(pk=invitation.pk).accepted_at is not None


def test_tampered_invitation_link_is_refused(client, manager) -> None:
    token = invitation_token(_invite(manager))
    forged = re.sub(r".$", lambda m: "A" if m.group(0) != "A" else "B", token)
    assert client.get(f"/en/invitation/{forged}/").status_code == 400


def test_expired_invitation_link_is_refused(client, manager, monkeypatch) -> None:
    invitation = _invite(manager)
    token = signing.dumps(str(invitation.public_id), salt=INVITATION_SALT)
    monkeypatch.setattr("portal.emails.INVITATION_MAX_AGE", -1)
    assert client.get(f"/en/invitation/{token}/").status_code == 400


# --- Which account an invitation binds to (issue #15, finding 1) ------------------------------------------


def test_invitation_ignores_an_account_that_only_names_the_address(manager) -> None:
    from allauth.account.models import EmailAddress

    squatter = User.objects.create_user(email="new.counsellor@example.org", password="squatters-passphrase")
    EmailAddress.objects.create(user=squatter, email="new.counsellor@example.org", verified=False, primary=True)
    invitation = _invite(manager)
    user = invitation.membership.user
    assert user != squatter
    assert user.email is None and not user.has_usable_password()  # no address until the link proves it
    assert invitation_account(invitation=invitation) == InvitationAccount.NEW


def test_invitation_binds_to_the_account_holding_the_address_verified(manager, returnee, outsider) -> None:
    invitation = _invite(manager, email=returnee.user.email.upper())
    assert invitation.membership.user == returnee.user
    assert invitation_account(invitation=invitation) == InvitationAccount.HOLDER
    staff = _invite(manager, email=outsider.user.email)
    assert invitation_account(invitation=staff) == InvitationAccount.MEMBER


def test_a_second_invitation_before_acceptance_reuses_the_new_account(manager, coordinator) -> None:
    first = _invite(manager)
    second = _invite(coordinator, role=Role.EDITOR, centre=None, country=coordinator.membership.country)
    assert first.membership.user == second.membership.user


def test_accepting_releases_unproven_claims_of_other_accounts_and_is_audited(manager) -> None:
    from allauth.account.models import EmailAddress

    invitation = _invite(manager)
    squatter = User.objects.create_user(email="new.counsellor@example.org", password="squatters-passphrase")
    EmailAddress.objects.create(user=squatter, email="new.counsellor@example.org", verified=False, primary=True)
    user = accept_invitation(invitation=invitation, password="a-long-new-passphrase")
    squatter.refresh_from_db()
    assert user.email == "new.counsellor@example.org" and squatter.email is None
    assert not EmailAddress.objects.filter(user=squatter).exists()
    assert_audited("portal.account.address_released", target=squatter, actor=user)
    assert_audited("portal.invitation.accepted", target=invitation.membership, actor=user, details={"account": "new"})


def test_holder_must_be_signed_in_to_accept(manager, returnee) -> None:
    invitation = _invite(manager, email=returnee.user.email)
    with pytest.raises(DomainError, match="Sign in"):
        accept_invitation(invitation=invitation, password="a-long-new-passphrase")
    with pytest.raises(DomainError, match="Sign in"):
        accept_invitation(invitation=invitation, password="a-long-new-passphrase", signed_in_as=manager.user)
    user = accept_invitation(invitation=invitation, password="a-long-new-passphrase", signed_in_as=returnee.user)
    assert user == returnee.user and user.check_password("a-long-new-passphrase")
