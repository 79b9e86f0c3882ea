"""Navigation by role and the language switcher, for every page.

Each app may add its own entries in `<app>/navigation.py` with a function
`nav_items(access) -> list[tuple[url, label]]`.
"""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.access import Access, Role, get_access

APPS_WITH_NAVIGATION = ("counselling", "referrals", "jobfairs", "cms")


@cache
def _app_navigations() -> list[Any]:
    functions = []
    for app in APPS_WITH_NAVIGATION:
        try:
            functions.append(importlib.import_module(f"{app}.navigation").nav_items)
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.navigation":
                raise
    return functions


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
    if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.PROGRAMME_ANALYST):
        items.append((reverse("reports:dashboard"), _("Reports")))
    if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.DATA_PROTECTION_OFFICER):
        items.append((reverse("portal:audit-log"), _("Audit log")))
    if access.has_role(Role.CENTRE_MANAGER, Role.DATA_PROTECTION_OFFICER):
        items.append((reverse("portal:dsr-search"), _("Data-subject requests")))
    if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.DATA_PROTECTION_OFFICER, Role.ADMIN):
        items.append((reverse("portal:processing-record"), _("Record of processing")))
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    access = get_access(getattr(request, "user", None))
    items = _portal_items(access)
    for nav_items in _app_navigations():
        items += nav_items(access)
    items += _team_items(access)
    path = request.path
    return {
        "nav_items": [{"url": url, "label": label, "current": url == path} for url, label in items],
        "language_self_names": [(code, settings.LANGUAGE_SELF_NAMES[code]) for code, _name in settings.LANGUAGES],
    }
