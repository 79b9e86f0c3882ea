"""Administrators vet employers here (the portal's screens cover everything else).

Only the vetting is editable, and it goes through `vet_employer` (audited); the employer's contact
person's address and phone are not shown. The site lets in administrators only (portal/adminsite.py).
"""

from __future__ import annotations

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from jobfairs.models import Employer
from jobfairs.services import vet_employer
from portal.access import get_access


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "sector", "vetting_status")
    list_filter = ("vetting_status", "country")
    search_fields = ("name",)
    fields = ("name", "country", "sector", "website", "vetting_status", "vetting_note")
    readonly_fields = ("name", "country", "sector", "website")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Employer | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Employer | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Employer | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Employer, form: ModelForm, change: bool) -> None:
        vet_employer(
            access=get_access(request.user),
            actor=request.user,
            employer=obj,
            status=obj.vetting_status,
            note=obj.vetting_note,
        )
