"""The data-protection screens under /staff/data-protection/ (included by counselling/urls.py)."""

from __future__ import annotations

from django.urls import path

from counselling.dataprotection import views

urlpatterns = [
    path("data-protection/", views.request_search, name="dsr-search"),
    path("data-protection/clients/<uuid:public_id>/", views.request_detail, name="dsr-detail"),
    path("data-protection/clients/<uuid:public_id>/export.json", views.request_export_json, name="dsr-export-json"),
    path("data-protection/clients/<uuid:public_id>/export.pdf", views.request_export_pdf, name="dsr-export-pdf"),
    path("data-protection/clients/<uuid:public_id>/erase/", views.request_erase, name="dsr-erase"),
    path("data-protection/retention/", views.retention_status, name="retention-status"),
]
