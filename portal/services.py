"""Writes of the portal app: staff invitations and language preference."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import CENTRE_ROLES, COUNTRY_ROLES, GLOBAL_ROLES, Access, Role, unscoped
from portal.audit import record_event
from portal.errors import DomainError, NotAllowed
from portal.models import Centre, Country, Membership, StaffInvitation, User
from portal.selectors import list_invitable_centres, list_invitable_countries, list_invitable_roles


@transaction.atomic
def invite_staff(
    *,
    access: Access,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    centre: Centre | None = None,
    country: Country | None = None,
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
    else:
        # Partner and employer accounts are created from their organisation's page.
        raise NotAllowed(_("You may not invite people to this role."), field="role")

    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, full_name=full_name.strip(), preferred_language=language)
    with unscoped():
        exists = Membership.objects.filter(user=user, role=role, centre=centre, country=country).exists()
    if exists:
        raise DomainError(_("This person already has this role here."), field="email")
    membership = Membership.objects.create(user=user, role=role, centre=centre, country=country, is_active=False)
    invitation = StaffInvitation.objects.create(
        email=email, full_name=full_name.strip(), membership=membership, invited_by=actor
    )
    record_event(actor=actor, action="portal.staff.invited", target=membership, centre=centre, details={"role": role})
    from portal import outbox

    outbox.enqueue(
        "portal.tasks.send_staff_invitation_task",
        kwargs={"invitation_id": invitation.pk},
        key=f"staff-invitation:{invitation.pk}",
    )
    return invitation


@transaction.atomic
def accept_invitation(*, invitation: StaffInvitation, password: str | None) -> User:
    """Activate the invited membership; set the password when the person has none yet.

    Refuses an invitation that was already used. The e-mail address counts as
    verified: the person followed the link sent to it.
    """
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been used."))
    with unscoped():
        membership = Membership.objects.select_related("user").get(pk=invitation.membership_id)
    user = membership.user
    if not user.has_usable_password():
        if not password:
            raise DomainError(_("Choose a password."), field="password1")
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])

    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    record_event(actor=user, action="portal.invitation.accepted", target=membership, centre=membership.centre_id)
    return user


def set_preferred_language(*, user: User, language: str) -> None:
    """Remember the language e-mails and reminders are sent in."""
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    record_event(actor=user, action="portal.user.language_changed", target=user, details={"language": language})
