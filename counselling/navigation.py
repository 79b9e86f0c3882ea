"""The counselling app's entries in the main navigation."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.access import Access, Role


def nav_items(access: Access) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    if access.has_role(Role.COUNSELLOR, Role.CENTRE_MANAGER):
        items += [
            (reverse("counselling:case-list"), _("Caseload")),
            (reverse("counselling:intake-list"), _("Appointment requests")),
            (reverse("counselling:follow-up-list"), _("My follow-ups")),
            (reverse("counselling:group-session-list"), _("Group sessions")),
        ]
    if access.has_role(Role.CENTRE_MANAGER):
        items.append((reverse("counselling:transfer-list"), _("Transfers")))
    if access.has_role(Role.CENTRE_MANAGER, Role.DATA_PROTECTION_OFFICER):
        items.append((reverse("counselling:dsr-search"), _("Data-subject requests")))
    return items
