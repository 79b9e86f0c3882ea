"""Navigation by role and the language switcher, for every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.access import Role, get_access


def navigation(request: HttpRequest) -> dict[str, Any]:
    access = get_access(getattr(request, "user", None))
    items: list[tuple[str, str]] = [(reverse("portal:home"), _("Home"))]
    if access.has_membership:
        items.append((reverse("portal:staff-home"), _("Staff area")))
        if access.has_role(Role.COUNSELLOR, Role.CENTRE_MANAGER):
            items.append((reverse("counselling:case-list"), _("Caseload")))
            items.append((reverse("counselling:follow-up-list"), _("My follow-ups")))
            items.append((reverse("counselling:group-session-list"), _("Group sessions")))
        if access.has_role(Role.CENTRE_MANAGER):
            items.append((reverse("counselling:transfer-list"), _("Transfers")))
        if access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.ADMIN):
            items.append((reverse("portal:staff-list"), _("Team")))
    elif access.is_authenticated:
        items.append((reverse("portal:me"), _("My page")))
    path = request.path
    return {
        "nav_items": [{"url": url, "label": label, "current": url == path} for url, label in items],
        "language_self_names": [(code, settings.LANGUAGE_SELF_NAMES[code]) for code, _name in settings.LANGUAGES],
    }
