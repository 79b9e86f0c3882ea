"""Writes of the portal app, one module per subject: `accounts` (staff invitations, language preference) and
`setup` (countries and centres). Callers import from here."""

from portal.services.accounts import (
    InvitationAccount,
    accept_invitation,
    end_membership,
    invitation_account,
    invite_staff,
    may_end_membership,
    set_preferred_language,
    set_time_zone,
)
from portal.services.setup import (
    RETENTION_DAYS_MAX,
    RETENTION_DAYS_MIN,
    centre_code_in_use,
    create_centre,
    create_country,
    register_centre_code_user,
    update_centre,
    update_country,
)

__all__ = [
    "RETENTION_DAYS_MAX",
    "RETENTION_DAYS_MIN",
    "InvitationAccount",
    "accept_invitation",
    "centre_code_in_use",
    "create_centre",
    "create_country",
    "end_membership",
    "invitation_account",
    "invite_staff",
    "may_end_membership",
    "register_centre_code_user",
    "set_preferred_language",
    "set_time_zone",
    "update_centre",
    "update_country",
]
