"""The job fairs app's entries in the main navigation."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.access import Access, Role


def nav_items(access: Access) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = [(reverse("jobfairs:fair-list"), _("Job fairs"))]
    if access.is_authenticated and not access.has_membership:
        items.append((reverse("jobfairs:registration-list"), _("My job fairs")))
    if access.has_role(Role.EMPLOYER):
        items.append((reverse("jobfairs:employer-dashboard"), _("Employer dashboard")))
    if access.has_role(Role.COUNSELLOR, Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR):
        items.append((reverse("jobfairs:fair-manage-list"), _("Manage job fairs")))
    if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.PROGRAMME_ANALYST):
        items.append((reverse("jobfairs:lessons"), _("Lessons learned")))
    if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR):
        items.append((reverse("jobfairs:employer-vetting"), _("Employers")))
    return items
