"""Staff tooling: employers and their vetting (the portal's screens cover everything else)."""

from django.contrib import admin

from jobfairs.models import Employer


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "sector", "vetting_status")
    list_filter = ("vetting_status", "country")
    search_fields = ("name",)
