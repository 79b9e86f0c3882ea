"""The Django admin of the portal: for administrators (an ADMIN membership), and without personal data.

Installed apps register their models on Django's admin site as soon as it looks for them: allauth its
authenticators (TOTP secrets), e-mail addresses and sessions (IP addresses), Django its groups,
Wagtail its documents and images, taggit its tags. Each such page reads and writes past the portal's
one door (`portal.access`) and past the audit log. So this site keeps only the models named in
`PortalAdminSite.allowed`, none of which holds personal data, and drops every other registration. Who
may open it is a role, not Django's `is_superuser` / `is_staff` flags: no account is a superuser in
normal operation, and the portal's second factor applies here as everywhere (`RequireStaffMFAMiddleware`).

The benchmark's client-table baseline (B5) has an admin site of its own that exists only while
`manage.py bench` runs (`devtools/bench/admin.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.db.models.base import ModelBase
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


def is_portal_administrator(request: HttpRequest) -> bool:
    """Whether the signed-in user holds an active administrator membership."""
    from portal.access import Role, get_access

    user = request.user
    return bool(user.is_authenticated and user.is_active and get_access(user).has_role(Role.ADMIN))


class PortalAdminSite(admin.AdminSite):
    # Models without personal data that administrators manage here ("app_label.model_name").
    # Before adding one: no field about a person, and every change goes through an audited service.
    allowed = frozenset({"jobfairs.employer"})

    def register(
        self, model_or_iterable: ModelBase | Iterable[ModelBase], admin_class: Any = None, **options: Any
    ) -> None:
        models = [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else list(model_or_iterable)
        kept = [model for model in models if model._meta.label_lower in self.allowed]
        if kept:
            super().register(kept, admin_class, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        return is_portal_administrator(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """One sign-in for the whole portal (allauth, with the second factor); never the admin's own form."""
        from django.contrib.auth.views import redirect_to_login  # not at import: this module is in INSTALLED_APPS

        if not request.user.is_authenticated:
            next_url = request.GET.get(REDIRECT_FIELD_NAME) or request.get_full_path()
            return redirect_to_login(next_url, settings.LOGIN_URL)
        if not self.has_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:index", current_app=self.name))


class PortalAdminConfig(AdminConfig):
    """`django.contrib.admin` with `PortalAdminSite` as its default site (see INSTALLED_APPS)."""

    default_site = "portal.adminsite.PortalAdminSite"
