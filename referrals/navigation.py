"""The referrals app's entries in the main navigation."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.access import CASEWORK_ROLES, Access, Role


def nav_items(access: Access) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    if access.has_role(*CASEWORK_ROLES):
        items.append((reverse("referrals:board"), _("Referrals")))
    if access.has_role(*CASEWORK_ROLES, Role.COUNTRY_COORDINATOR):
        items.append((reverse("referrals:service-list"), _("Service directory")))
    if access.has_role(Role.PARTNER):
        items.append((reverse("referrals:partner-inbox"), _("Referrals received")))
    return items
