"""Navigation by role and the language switcher, for every page.

Each app may add its own entries: a function `nav_items(access) -> list[tuple[url, label]]` (in
`<app>/navigation.py`) registered in its AppConfig.ready with `register_navigation`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.access import Access, Role, get_access

NavItems = Callable[[Access], list[tuple[str, str]]]
# The apps' entries, in the order the apps start (INSTALLED_APPS).
_app_navigations: list[NavItems] = []


def register_navigation(nav_items: NavItems) -> None:
    """Add an app's entries to the main navigation (called from its AppConfig.ready)."""
    if nav_items not in _app_navigations:
        _app_navigations.append(nav_items)


def _portal_items(access: Access) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = [(reverse("portal:home"), _("Home"))]
    if access.has_membership:
        items.append((reverse("portal:staff-home"), _("Staff area")))
    elif access.is_authenticated:
        items.append((reverse("returnees:dashboard"), _("My page")))
    return items


def _team_items(access: Access) -> list[tuple[str, str]]:
    items = []
    if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.ADMIN):
        items.append((reverse("portal:staff-list"), _("Team")))
    if access.has_role(Role.ADMIN):
        items.append((reverse("portal:country-list"), _("Countries and centres")))
    if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.PROGRAMME_ANALYST):
        items.append((reverse("reports:dashboard"), _("Reports")))
    if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.DATA_PROTECTION_OFFICER):
        items.append((reverse("portal:audit-log"), _("Audit log")))
    if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.DATA_PROTECTION_OFFICER, Role.ADMIN):
        items.append((reverse("portal:processing-record"), _("Record of processing")))
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    access = get_access(getattr(request, "user", None))
    items = _portal_items(access)
    for nav_items in _app_navigations:
        items += nav_items(access)
    items += _team_items(access)
    path = request.path
    return {
        "nav_items": [{"url": url, "label": label, "current": url == path} for url, label in items],
        "language_self_names": [(code, settings.LANGUAGE_SELF_NAMES[code]) for code, _name in settings.LANGUAGES],
    }
