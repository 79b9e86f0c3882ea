"""`manage.py create_administrator --email ADDR --name NAME [--language xx]`: the first administrator of a new site.

Nobody is a superuser and the superuser flag opens nothing (SECURITY.md, "Roles"), so `createsuperuser` makes no
working administrator. This command invites one through the same mechanism as the team page
(`portal.services.invite_staff`): an inactive administrator membership on a new account, or on the account that
already holds the address verified, and a signed link, valid for 7 days and once, that is printed here and
e-mailed to the address. Whoever opens it chooses the password (or, for an existing account, signs in) and must
set up a second factor before reaching anything. The invitation is audited with no actor: the operator at the
server acts, not a person of the portal.

Refuses an address that already belongs to an administrator. For an administrator invitation still open, it
prints a new link to it (the e-mail is not sent again).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import translation

from portal.access import Access, Role, unscoped
from portal.emails import invitation_token
from portal.errors import DomainError
from portal.models import Membership, StaffInvitation
from portal.services import InvitationAccount, invitation_account, invite_staff

# The operator at the server, for this one call: allowed to hand out the administrator role, like an
# administrator on the team page, but nobody's account (the audit line has no actor).
SERVER_OPERATOR = Access(user_id=None, memberships=(Membership(role=Role.ADMIN),))


class Command(BaseCommand):
    help = "Invite the first (or another) administrator: prints the invitation link and e-mails it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email", required=True, help="the administrator's e-mail address")
        parser.add_argument("--name", required=True, help="the administrator's full name")
        codes = [code for code, _name in settings.LANGUAGES]
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=codes, help="language of the e-mail and the link"
        )

    def handle(self, *args: Any, email: str, name: str, language: str, **options: Any) -> None:
        email, name = email.strip().lower(), name.strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an e-mail address.") from error
        if not name:
            raise CommandError("Give the administrator's name (--name).")
        if _is_administrator(email):
            raise CommandError(f"{email} already is an administrator: nothing to do.")
        invitation = _open_invitation(email)
        if invitation is None:
            try:
                invitation = invite_staff(
                    access=SERVER_OPERATOR, actor=None, email=email, full_name=name, role=Role.ADMIN, language=language
                )
            except DomainError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Invited {email} as administrator; the link is also e-mailed to that address.")
        else:
            self.stdout.write(f"{email} already has an open administrator invitation; here is a new link to it.")
        with translation.override(invitation.membership.user.preferred_language or language):
            path = reverse("portal:invitation-accept", kwargs={"token": invitation_token(invitation)})
        self.stdout.write("Open it within 7 days to choose a password and set up a second factor:")
        self.stdout.write(settings.SITE_URL + path)


def _is_administrator(email: str) -> bool:
    """Whether the account that proved `email` holds an active administrator membership."""
    from allauth.account.models import EmailAddress

    holders = EmailAddress.objects.filter(email__iexact=email, verified=True).values("user_id")
    with unscoped():
        return Membership.objects.filter(user_id__in=holders, role=Role.ADMIN, is_active=True).exists()


def _open_invitation(email: str) -> StaffInvitation | None:
    """The newest administrator invitation to `email` that can still be accepted, if any."""
    with unscoped():
        pending = (
            StaffInvitation.objects.filter(email__iexact=email, accepted_at__isnull=True, membership__role=Role.ADMIN)
            .select_related("membership__user")
            .order_by("-created_at")
        )
        return next(
            (item for item in pending if invitation_account(invitation=item) != InvitationAccount.INVALID), None
        )
