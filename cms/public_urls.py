"""The information site's own pages under the language prefix: appointment requests and search."""

from __future__ import annotations

from django.urls import path

from cms import appointments, search

app_name = "site"

urlpatterns = [
    path("centres/<uuid:centre_id>/appointment/", appointments.appointment_request, name="appointment-request"),
    path("centres/<uuid:centre_id>/appointment/thanks/", appointments.appointment_thanks, name="appointment-thanks"),
    path("search/", search.search, name="search"),
]
