"""The information site's own pages under the language prefix: appointment requests, search, a service's page."""

from __future__ import annotations

from django.urls import path

from cms import appointments, search, views

app_name = "site"

urlpatterns = [
    path("centres/<uuid:centre_id>/appointment/", appointments.appointment_request, name="appointment-request"),
    path("centres/<uuid:centre_id>/appointment/thanks/", appointments.appointment_thanks, name="appointment-thanks"),
    path("search/", search.search, name="search"),
    path("opportunities/services/<uuid:public_id>/", views.service_detail, name="service-detail"),
]
