"""Baseline B5 of the benchmark (issue #9): the client search a team would use without this product.

Django's admin changelist with `icontains` over the name columns, read-only. It sits on an admin site
of its own that only the benchmark's URLconf (`devtools/bench/urls.py`, in force while `manage.py bench`
runs on the scale database) routes: the portal's own admin never shows a client (portal/adminsite.py).
The portal's search (by consonant skeleton and trigram, scoped) is in counselling/selectors.py.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from counselling.models import Client
from portal.access import unscoped
from portal.adminsite import PortalAdminSite


class BenchAdminSite(PortalAdminSite):
    """The portal's admin gate (the scale data's administrator: an ADMIN membership, no superuser flag)
    and sign-in, showing the client table alone."""

    allowed = frozenset({"counselling.client"})


class ClientSearchAdmin(admin.ModelAdmin):
    list_display = ("code", "given_name", "family_name", "name_native", "centre", "created_at")
    search_fields = ("code", "given_name", "family_name", "name_native", "name_transliterated")
    list_select_related = ("centre",)
    ordering = ("-created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Client]:
        with unscoped():  # the site's gate (above) decides who gets here; the queryset is built here, read later
            return super().get_queryset(request)

    def has_view_permission(self, request: HttpRequest, obj: Client | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Client | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Client | None = None) -> bool:
        return False


site = BenchAdminSite(name="bench-admin")
site.register(Client, ClientSearchAdmin)
