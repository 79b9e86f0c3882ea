"""URLs: language-prefixed pages, plus the health check and admin outside the prefix."""

from __future__ import annotations

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from portal import views
from portal.dataprotection import views as dataprotection_views

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("staff/", views.staff_home, name="staff-home"),
        path("staff/team/", views.staff_list, name="staff-list"),
        path("staff/team/invite/", views.staff_invite, name="staff-invite"),
        path("staff/team/<uuid:public_id>/end/", views.staff_membership_end, name="staff-membership-end"),
        path("staff/audit/", views.audit_log, name="audit-log"),
        path("staff/countries/", views.country_list, name="country-list"),
        path("staff/countries/new/", views.country_create, name="country-create"),
        path("staff/countries/<str:code>/", views.country_update, name="country-update"),
        path("staff/centres/new/", views.centre_create, name="centre-create"),
        path("staff/centres/<uuid:public_id>/", views.centre_update, name="centre-update"),
        path("staff/data-protection/processing/", dataprotection_views.processing_record, name="processing-record"),
        path("staff/data-protection/processing.csv", dataprotection_views.processing_record_csv, name="processing-csv"),
        path("me/", views.me, name="me"),
        path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    ],
    "portal",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", include("cms.urls")),  # sitemap.xml and robots.txt
    path("", include("cms.language_urls")),  # the language switcher
    path("django-admin/", admin.site.urls),  # administrators only, no personal data: portal/adminsite.py
    # Wagtail's own password-only login would skip the second factor: everyone signs in through allauth.
    path("cms-admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("cms-admin/", include(wagtailadmin_urls)),
]

urlpatterns += i18n_patterns(
    path("", include(portal_patterns)),
    path("staff/", include("counselling.urls")),
    path("staff/reports/", include("reports.urls")),
    path("", include("referrals.urls")),
    path("", include("jobfairs.urls")),
    path("", include("cms.returnees.urls")),
    path("accounts/", include("allauth.urls")),
    # Wagtail's front-end login would skip the second factor: it goes to the portal's login.
    path(
        "_util/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
        name="wagtailcore_login",
    ),
    path("", include("cms.public_urls")),  # appointment requests and site search
    # Last: every other path under a language is a Wagtail page (information site).
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

# Translated error pages with the site's frame (404) and without the database (500): cms/errors.py.
handler404 = "cms.errors.page_not_found"
handler500 = "cms.errors.server_error"
