from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/", views.indicator_list, name="indicator-list"),
    path("centre/<uuid:public_id>/", views.centre_dashboard, name="centre-dashboard"),
    path("centre/<uuid:public_id>/export.<str:fmt>", views.centre_export, name="centre-export"),
    path("country/<str:code>/", views.country_dashboard, name="country-dashboard"),
    path("country/<str:code>/export.<str:fmt>", views.country_export, name="country-export"),
    path("programme/", views.programme_dashboard, name="programme-dashboard"),
    path("programme/export.<str:fmt>", views.programme_export, name="programme-export"),
    path("centre/<uuid:public_id>/pdf/", views.centre_build_request, name="centre-build-request"),
    path("centre/<uuid:public_id>/archive/", views.centre_build_list, name="centre-build-list"),
    path("country/<str:code>/pdf/", views.country_build_request, name="country-build-request"),
    path("country/<str:code>/archive/", views.country_build_list, name="country-build-list"),
    path("programme/pdf/", views.programme_build_request, name="programme-build-request"),
    path("programme/archive/", views.programme_build_list, name="programme-build-list"),
    path("builds/<uuid:public_id>/", views.build_detail, name="build-detail"),
    path("builds/<uuid:public_id>/download/", views.build_download, name="build-download"),
]
