"""Staff tooling: a read-only client search for superusers, the baseline B5 of the benchmark (issue #9).

It is what a team would use without this product: Django's admin changelist with `icontains` over the
name columns. The portal's own search (by consonant skeleton and trigram, scoped) is in selectors.py.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from counselling.models import Client
from portal.access import unscoped


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("code", "given_name", "family_name", "name_native", "centre", "created_at")
    search_fields = ("code", "given_name", "family_name", "name_native", "name_transliterated")
    list_select_related = ("centre",)
    ordering = ("-created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Client]:
        with unscoped():  # superusers only (below); the queryset is built here, read later
            return super().get_queryset(request)

    def has_view_permission(self, request: HttpRequest, obj: Client | None = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Client | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Client | None = None) -> bool:
        return False
