"""Writes of the portal app: staff invitations, language preference, countries and centres."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterable
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import CENTRE_ROLES, COUNTRY_ROLES, GLOBAL_ROLES, Access, Role, unscoped
from portal.audit import PortalAudit, record_event
from portal.errors import DomainError, NotAllowed
from portal.geography import COUNTRIES
from portal.models import Centre, Country, Membership, StaffInvitation, User
from portal.selectors import list_invitable_centres, list_invitable_countries, list_invitable_roles


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
    user = _account_for_invitation(email=email, full_name=full_name.strip(), language=language)
    with unscoped():
        exists = Membership.objects.filter(user=user, role=role, centre=centre, country=country).exists()
    if exists:
        raise DomainError(_("This person already has this role here."), field="email")
    membership = Membership.objects.create(user=user, role=role, centre=centre, country=country, is_active=False)
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
        user = Membership.objects.select_related("user").get(pk=invitation.membership_id).user
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


# --- Countries and centres ----------------------------------------------------------------------------
# Administrators set them up in the portal (portal.views.country_list and the forms it links to).

# A centre's short code: it is part of every client code of the centre (`<country>-<centre>-NNNNNN`).
CENTRE_CODE = re.compile(r"[A-Z0-9]{2,5}")
PHONE_PREFIX = re.compile(r"\+[1-9][0-9]{0,3}")
# Closed case files are anonymised this many days after closing: at least a month, at most thirty years.
RETENTION_DAYS_MIN, RETENTION_DAYS_MAX = 30, 30 * 365

# Who stores codes made from a centre's country and code (counselling: its clients' codes). An app above the
# foundation registers a function in its AppConfig.ready that says whether the centre has any.
_centre_code_users: list[Callable[[Centre], bool]] = []


def register_centre_code_user(in_use: Callable[[Centre], bool]) -> None:
    """Let an app that stores codes made from a centre's code keep that code (and country) from changing."""
    if in_use not in _centre_code_users:
        _centre_code_users.append(in_use)


def centre_code_in_use(centre: Centre) -> bool:
    """Whether codes made from the centre's country and code exist: its counter moved, or an app holds some
    (a code typed from a paper file does not move the counter)."""
    return centre.client_counter > 0 or any(in_use(centre) for in_use in _centre_code_users)


def _require_admin(access: Access) -> None:
    if not access.has_role(Role.ADMIN):
        raise NotAllowed(_("Only administrators set up countries and centres."))


def _languages(chosen: Iterable[str]) -> list[str]:
    """The chosen interface languages in the portal's own order; anything else is refused."""
    chosen = set(chosen)
    offered = [code for code, _name in settings.LANGUAGES]
    if chosen - set(offered):
        raise DomainError(_("Choose languages from the list."), field="languages")
    return [code for code in offered if code in chosen]


def _country_facts(
    *, time_zone: str, languages: Iterable[str], phone_prefix: str, retention_days: int
) -> dict[str, object]:
    """A country's settings checked and as stored; DomainError names the field that is wrong."""
    if time_zone not in zoneinfo.available_timezones():
        raise DomainError(_("Choose a time zone from the list."), field="time_zone")
    ordered = _languages(languages)
    if not ordered:
        raise DomainError(_("Choose at least one language."), field="languages")
    phone_prefix = phone_prefix.strip()
    if not PHONE_PREFIX.fullmatch(phone_prefix):
        raise DomainError(
            _("Write the phone prefix as a plus sign and one to four digits, e.g. +233."), field="phone_prefix"
        )
    if not RETENTION_DAYS_MIN <= retention_days <= RETENTION_DAYS_MAX:
        raise DomainError(
            _("The retention period must be between %(min)s and %(max)s days.")
            % {"min": RETENTION_DAYS_MIN, "max": RETENTION_DAYS_MAX},
            field="retention_days",
        )
    return {"timezone": time_zone, "languages": ordered, "phone_prefix": phone_prefix, "retention_days": retention_days}


@transaction.atomic(durable=True)
def create_country(
    *,
    access: Access,
    actor: User,
    code: str,
    time_zone: str,
    languages: Iterable[str],
    phone_prefix: str,
    retention_days: int,
    is_partner_country: bool = True,
) -> Country:
    """Set up one of the programme's countries (`portal.geography.COUNTRIES`, which names it in every language).

    Administrators only (NotAllowed otherwise). The time zone must be a real one (IANA), the languages the
    portal's, the retention period within bounds. Audited with the settings chosen.
    """
    _require_admin(access)
    code = code.strip().upper()
    if code not in COUNTRIES:
        raise DomainError(_("Choose a country from the list."), field="code")
    facts = _country_facts(
        time_zone=time_zone, languages=languages, phone_prefix=phone_prefix, retention_days=retention_days
    )
    if Country.objects.filter(pk=code).exists():
        raise DomainError(_("This country is set up already."), field="code")
    country = Country.objects.create(code=code, is_partner_country=is_partner_country, **facts)
    record_event(
        actor=actor,
        action=PortalAudit.COUNTRY_CREATED,
        target=country,
        details={"timezone": country.timezone, "languages": country.languages, "retention_days": retention_days},
    )
    return country


@transaction.atomic(durable=True)
def update_country(
    *,
    access: Access,
    actor: User,
    country: Country,
    time_zone: str,
    languages: Iterable[str],
    phone_prefix: str,
    retention_days: int,
    is_partner_country: bool,
) -> Country:
    """Change a country's time zone, languages, phone prefix, retention period or partner flag.

    Administrators only. The code never changes (client codes and every row of the country hold it). A
    shorter retention period makes closed case files due for anonymisation sooner: the audit line keeps the
    old and the new value of every setting that changed. Nothing changed writes nothing.
    """
    _require_admin(access)
    facts = _country_facts(
        time_zone=time_zone, languages=languages, phone_prefix=phone_prefix, retention_days=retention_days
    )
    facts["is_partner_country"] = is_partner_country
    country = Country.objects.select_for_update().get(pk=country.pk)
    changed = {
        name: [getattr(country, name), value] for name, value in facts.items() if getattr(country, name) != value
    }
    if not changed:
        return country
    for name, (_old, new) in changed.items():
        setattr(country, name, new)
    country.save(update_fields=list(changed))
    record_event(actor=actor, action=PortalAudit.COUNTRY_UPDATED, target=country, details={"changed": changed})
    return country


def _centre_code(code: str, *, other_than: Centre | None = None) -> str:
    """The code as stored (upper case), refused when malformed or another centre's."""
    code = code.strip().upper()
    if not CENTRE_CODE.fullmatch(code):
        raise DomainError(_("Write the code as 2 to 5 letters (A to Z) or digits, e.g. ACC."), field="code")
    others = Centre.objects.filter(code__iexact=code)
    if other_than is not None:
        others = others.exclude(pk=other_than.pk)
    if others.exists():
        raise DomainError(_("Another centre uses this code already."), field="code")
    return code


def _free_slug(country: Country, code: str) -> str:
    base = f"{country.code}-{code}".lower()
    slug, number = base, 1
    while Centre.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic(durable=True)
def create_centre(
    *,
    access: Access,
    actor: User,
    country: Country,
    code: str,
    name: str,
    city: str,
    address: str = "",
    phone: str = "",
    email: str = "",
    opening_hours: str = "",
    languages: Iterable[str] = (),
    is_active: bool = True,
) -> Centre:
    """Open a centre in a country. Administrators only.

    The code (2 to 5 capitals or digits, unique) starts every client code of the centre; it cannot change
    once the centre has clients (`update_centre`). Audited, with the country and code.
    """
    _require_admin(access)
    code = _centre_code(code)
    centre = Centre(
        country=country,
        code=code,
        slug=_free_slug(country, code),
        name=name.strip(),
        city=city.strip(),
        address=address.strip(),
        phone=phone.strip(),
        email=email.strip().lower(),
        opening_hours=opening_hours.strip(),
        languages=_languages(languages),
        is_active=is_active,
    )
    try:
        with transaction.atomic():
            centre.save()
    except IntegrityError as exc:  # the same code typed at the same moment by another administrator
        raise DomainError(_("Another centre uses this code already."), field="code") from exc
    record_event(
        actor=actor,
        action=PortalAudit.CENTRE_CREATED,
        target=centre,
        centre=centre,
        details={"country": country.code, "code": code},
    )
    return centre


@transaction.atomic(durable=True)
def update_centre(
    *,
    access: Access,
    actor: User,
    centre: Centre,
    country: Country,
    code: str,
    name: str,
    city: str,
    address: str = "",
    phone: str = "",
    email: str = "",
    opening_hours: str = "",
    languages: Iterable[str] = (),
    is_active: bool = True,
) -> Centre:
    """Change a centre's details, or close it to new work (`is_active`). Administrators only.

    Its country and code are part of every client code it has given: once it has clients
    (`centre_code_in_use`) they are refused with a message. The centre's row is locked, as registering a
    client locks it, so no client can be registered between that check and the change. Audited with the
    names of the fields that changed (old and new values for the codes and the active flag).
    """
    _require_admin(access)
    centre = Centre.objects.select_for_update().get(pk=centre.pk)
    code = code.strip().upper()
    if (code != centre.code or country.pk != centre.country_id) and centre_code_in_use(centre):
        raise DomainError(
            _("The country and the code cannot change once the centre has clients: both are in their client codes."),
            field="code" if code != centre.code else "country",
        )
    if code != centre.code:
        code = _centre_code(code, other_than=centre)
    wanted = {
        "country_id": country.pk,
        "code": code,
        "name": name.strip(),
        "city": city.strip(),
        "address": address.strip(),
        "phone": phone.strip(),
        "email": email.strip().lower(),
        "opening_hours": opening_hours.strip(),
        "languages": _languages(languages),
        "is_active": is_active,
    }
    changed = [field for field, value in wanted.items() if getattr(centre, field) != value]
    if not changed:
        return centre
    details: dict[str, object] = {"changed": [field.removesuffix("_id") for field in changed]}
    for field in ("country_id", "code", "is_active"):
        if field in changed:
            details[field.removesuffix("_id")] = [getattr(centre, field), wanted[field]]
    for field in changed:
        setattr(centre, field, wanted[field])
    try:
        with transaction.atomic():
            centre.save(update_fields=changed)
    except IntegrityError as exc:
        raise DomainError(_("Another centre uses this code already."), field="code") from exc
    record_event(actor=actor, action=PortalAudit.CENTRE_UPDATED, target=centre, centre=centre, details=details)
    return centre
