"""Writes about people's accounts: staff invitations (who may invite whom, and to which account an invitation
binds) and the language preference."""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from django.contrib.auth.password_validation import validate_password
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import CENTRE_ROLES, COUNTRY_ROLES, GLOBAL_ROLES, Access, Role, get_visible_or_404, unscoped
from portal.audit import PortalAudit, record_event
from portal.errors import DomainError, NotAllowed
from portal.models import Centre, Country, Membership, StaffInvitation, User
from portal.selectors import (
    list_invitable_centres,
    list_invitable_countries,
    list_invitable_employers,
    list_invitable_organisations,
    list_invitable_roles,
)
from portal.timezones import valid_zone


@transaction.atomic(durable=True)
def invite_staff(
    *,
    access: Access,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    centre: Centre | None = None,
    country: Country | None = None,
    organisation: models.Model | None = None,
    employer: models.Model | None = None,
    language: str = "en",
) -> StaffInvitation:
    """Invite someone to a staff role; staff never sign up on their own.

    The inviter may only hand out roles and scopes inside their own scope
    (managers: their centre; coordinators: their country; admins: all). The
    membership stays inactive until the invitation is accepted. The e-mail
    goes out after commit.
    """
    if role not in {value for value, _label in list_invitable_roles(access=access)}:
        raise NotAllowed(_("You may not invite people to this role."), field="role")
    if role in CENTRE_ROLES:
        if centre is None or not list_invitable_centres(access=access).filter(pk=centre.pk).exists():
            raise NotAllowed(_("Choose a centre you manage."), field="centre")
        country = None
    elif role in COUNTRY_ROLES:
        if country is None or not list_invitable_countries(access=access).filter(pk=country.pk).exists():
            raise NotAllowed(_("Choose a country you coordinate."), field="country")
        centre = None
    elif role in GLOBAL_ROLES:
        centre = country = None
    elif role == Role.DATA_PROTECTION_OFFICER:
        # Per country, or for the whole programme when no country is chosen (only admins hand it out).
        centre = None
    elif role == Role.PARTNER:
        # A partner organisation's staff answer its referrals; managers and coordinators bring them in.
        if organisation is None or not list_invitable_organisations(access=access).filter(pk=organisation.pk).exists():
            raise DomainError(_("Choose a partner organisation of your country."), field="organisation")
        centre = country = None
    elif role == Role.EMPLOYER:
        if employer is None or not list_invitable_employers(access=access).filter(pk=employer.pk).exists():
            raise DomainError(_("Choose an employer of your country."), field="employer")
        centre = country = None
    else:
        raise NotAllowed(_("You may not invite people to this role."), field="role")
    if role != Role.PARTNER:
        organisation = None
    if role != Role.EMPLOYER:
        employer = None
    organisation_id = organisation.pk if organisation is not None else None
    employer_id = employer.pk if employer is not None else None

    email = email.strip().lower()
    user = _account_for_invitation(email=email, full_name=full_name.strip(), language=language)
    with unscoped():
        scope: dict[str, object] = {"organisation_id": organisation_id, "employer_id": employer_id}
        exists = Membership.objects.filter(user=user, role=role, centre=centre, country=country, **scope).exists()
    if exists:
        raise DomainError(_("This person already has this role here."), field="email")
    membership = Membership.objects.create(
        user=user,
        role=role,
        centre=centre,
        country=country,
        organisation_id=organisation_id,
        employer_id=employer_id,
        is_active=False,
    )
    invitation = StaffInvitation.objects.create(
        email=email, full_name=full_name.strip(), membership=membership, invited_by=actor
    )
    record_event(
        actor=actor, action=PortalAudit.STAFF_INVITED, target=membership, centre=centre, details={"role": role}
    )
    from portal import outbox

    outbox.enqueue(
        "portal.tasks.send_staff_invitation_task",
        kwargs={"invitation_id": invitation.pk},
        key=f"staff-invitation:{invitation.pk}",
    )
    return invitation


class InvitationAccount(StrEnum):
    """Which account an open invitation is bound to, as far as accepting it goes."""

    NEW = "new"  # made for the invitation: nobody has used it; the invitee chooses its password
    MEMBER = "member"  # staff already, holding the invited address verified: signs in and accepts
    # Holds the invited address verified but is no member yet (a returnee's account): its owner signs in and
    # chooses a new password; its second factors go. Whoever else knew its password or factors is shut out.
    HOLDER = "holder"
    INVALID = "invalid"  # none of these (e.g. bound before issue #15 to an account that never proved the address)


def _account_for_invitation(*, email: str, full_name: str, language: str) -> User:
    """The account an invitation to `email` binds to: the one that proved the address, or a new one.

    Never an account that merely names the address (`User.email`, an unverified address): anyone can
    type someone else's address into their own account (issue #15, finding 1). A new account has no
    address, no password and no phone until the invitee accepts through the link mailed to the address;
    a second invitation to the same address before that reuses it.
    """
    from allauth.account.models import EmailAddress

    holder = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    if holder is not None:
        return holder.user
    pending = (
        StaffInvitation.objects.filter(email__iexact=email, accepted_at__isnull=True)
        .select_related("membership__user")
        .order_by("-created_at")
    )
    for invitation in pending:
        if invitation_account(invitation=invitation) == InvitationAccount.NEW:
            return invitation.membership.user
    user = User(email=None, full_name=full_name, preferred_language=language)
    user.set_unusable_password()
    user.save()
    return user


def invitation_account(*, invitation: StaffInvitation) -> InvitationAccount:
    """Whether the invitation's account is new, holds the invited address verified (as staff or not), or neither.

    New means untouched since the invitation made it: no password, never signed in, no phone, no
    address other than the invited one (older invitations stored it in `User.email`).
    """
    from allauth.account.models import EmailAddress

    with unscoped():
        membership = Membership.objects.select_related("user").get(pk=invitation.membership_id)
    if membership.ended_at is not None:  # withdrawn before it was accepted
        return InvitationAccount.INVALID
    user = membership.user
    addresses = list(EmailAddress.objects.filter(user=user).values_list("email", "verified"))
    if any(verified and address.lower() == invitation.email.lower() for address, verified in addresses):
        with unscoped():
            member = Membership.objects.filter(user=user, is_active=True).exists()
        return InvitationAccount.MEMBER if member else InvitationAccount.HOLDER
    untouched = (
        not user.has_usable_password()
        and user.last_login is None
        and not user.phone
        and not addresses
        and (user.email is None or user.email.lower() == invitation.email.lower())
    )
    return InvitationAccount.NEW if untouched else InvitationAccount.INVALID


@transaction.atomic(durable=True)
def accept_invitation(*, invitation: StaffInvitation, password: str | None, signed_in_as: User | None = None) -> User:
    """Activate the invited membership on the account that proves the invited address.

    A new account gets the password chosen here. An existing account that holds the address verified is
    accepted only by its owner signed in (`signed_in_as`); unless it is staff already, it gets the new
    password too and loses its second factors (set up again, as by every new member). Either way the
    account is left with the invited address alone (verified and primary: the link was mailed to it), no
    phone number, and no session: whatever else was attached to it, and whoever was signed in to it, stays
    out of the staff account. Other accounts that named the address without proving it lose it. Refuses a
    used invitation.
    """
    from allauth.account.models import EmailAddress

    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been used."))
    with unscoped():
        membership = Membership.objects.select_related("user").get(pk=invitation.membership_id)
    if membership.ended_at is not None:  # withdrawn by a manager before it was accepted
        raise DomainError(_("This invitation is no longer valid. Ask for a new one."))
    user = User.objects.select_for_update().get(pk=membership.user_id)
    bound_to = invitation_account(invitation=invitation)
    if bound_to == InvitationAccount.INVALID:
        raise DomainError(_("This invitation is no longer valid. Ask for a new one."))
    if bound_to != InvitationAccount.NEW and signed_in_as != user:
        raise DomainError(_("Sign in to accept the invitation."))
    address = invitation.email.lower()
    if bound_to == InvitationAccount.NEW and (
        EmailAddress.objects.filter(email__iexact=address, verified=True).exclude(user=user).exists()
    ):
        # Someone proved the address for another account meanwhile: a new invitation binds to that one.
        raise DomainError(_("This invitation is no longer valid. Ask for a new one."))
    if bound_to != InvitationAccount.MEMBER:
        if not password:
            raise DomainError(_("Choose a password."), field="password1")
        validate_password(password, user)
        user.set_password(password)
    if bound_to == InvitationAccount.HOLDER:
        from allauth.mfa.models import Authenticator

        Authenticator.objects.filter(user=user).delete()
    _release_unproven_claims(address=address, keep=user)
    user.email = address
    user.phone, user.phone_verified = "", False
    user.save(update_fields=["password", "email", "phone", "phone_verified"])
    EmailAddress.objects.filter(user=user).exclude(email__iexact=address).delete()
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=address, defaults={"email": address, "verified": True, "primary": True}
    )
    ended = _end_sessions(user=user)
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record_event(
        actor=user,
        action=PortalAudit.INVITATION_ACCEPTED,
        target=membership,
        centre=membership.centre_id,
        details={"account": str(bound_to), "sessions_ended": ended},
    )
    return user


def _release_unproven_claims(*, address: str, keep: User) -> None:
    """Other accounts that typed `address` in without proving it lose it (the invitee just proved it)."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(email__iexact=address, verified=False).exclude(user=keep).delete()
    for other in User.objects.select_for_update().filter(email__iexact=address).exclude(pk=keep.pk):
        verified = EmailAddress.objects.filter(user=other, verified=True).order_by("-primary", "pk").first()
        other.email = verified.email if verified else None
        other.save(update_fields=["email"])
        if verified and not verified.primary:
            EmailAddress.objects.filter(user=other).update(primary=False)
            EmailAddress.objects.filter(pk=verified.pk).update(primary=True)
        record_event(actor=keep, action=PortalAudit.ACCOUNT_ADDRESS_RELEASED, target=other)


def _end_sessions(*, user: User) -> int:
    """End every session of `user` (allauth records one per signed-in session); the caller signs in anew."""
    from allauth.usersessions.models import UserSession

    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


@transaction.atomic(durable=True)
def set_preferred_language(*, user: User, language: str) -> None:
    """Remember the language e-mails and reminders are sent in."""
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    record_event(actor=user, action=PortalAudit.USER_LANGUAGE_CHANGED, target=user, details={"language": language})


@transaction.atomic(durable=True)
def set_time_zone(*, user: User, time_zone: str) -> bool:
    """Remember the zone the user's pages, e-mails and PDFs show times in; "" goes back to the automatic
    one (their centre's or country's, else their browser's: portal.timezones.zone_name_for).

    A name the zone database does not know is refused. Nothing is written or audited when the zone is the
    one already set; returns whether it changed.
    """
    if time_zone and valid_zone(time_zone) is None:
        raise DomainError(_("Choose a time zone from the list."), field="time_zone")
    if time_zone == user.time_zone:
        return False
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    record_event(actor=user, action=PortalAudit.USER_TIME_ZONE_CHANGED, target=user, details={"time_zone": time_zone})
    return True


def may_end_membership(*, access: Access, membership: Membership) -> bool:
    """Whether `access` may end `membership`: one the user can see and could have handed out, never their own."""
    if membership.user_id == access.user_id or membership.ended_at is not None:
        return False
    return membership.role in {value for value, _label in list_invitable_roles(access=access)}


@transaction.atomic(durable=True)
def end_membership(*, access: Access, actor: User, public_id: UUID | str) -> Membership:
    """End a role (someone left the centre, or an invitation is withdrawn): the membership stays, inactive and
    dated, so the team list and the audit trail keep who held it. The person loses what the role gave at
    their next request; without another active role their sessions end too. Their case files stay with the
    centre for a manager to reassign. Refuses one's own role: so an administrator always remains, since only
    an administrator ends an administrator's role."""
    membership = get_visible_or_404(
        Membership.objects.visible_to(access).select_for_update().select_related("user"), public_id=public_id
    )
    if membership.user_id == access.user_id:
        raise DomainError(_("You cannot end your own role. Ask another manager or an administrator."))
    if membership.ended_at is not None:
        raise DomainError(_("This role has already been ended."))
    if not may_end_membership(access=access, membership=membership):
        raise NotAllowed(_("You may not end this role."))
    was_pending = not membership.is_active
    membership.is_active = False
    membership.ended_at = timezone.now()
    membership.save(update_fields=["is_active", "ended_at"])
    with unscoped():
        still_staff = Membership.objects.filter(user_id=membership.user_id, is_active=True).exists()
    ended_sessions = 0 if still_staff else _end_sessions(user=membership.user)
    record_event(
        actor=actor,
        action=PortalAudit.STAFF_MEMBERSHIP_ENDED,
        target=membership,
        centre=membership.centre_id,
        details={
            "role": membership.role,
            "scope": membership.scope_label,
            "invitation_withdrawn": was_pending,
            "sessions_ended": ended_sessions,
        },
    )
    return membership
