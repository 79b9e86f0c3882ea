from django.urls import path

from jobfairs import views

app_name = "jobfairs"

urlpatterns = [
    # Public
    path("jobfairs/", views.fair_list, name="fair-list"),
    path("jobfairs/<uuid:public_id>/", views.fair_detail, name="fair-detail"),
    path("jobfairs/booths/<uuid:public_id>/", views.booth_detail, name="booth-detail"),
    path("jobfairs/vacancies/<uuid:public_id>/", views.vacancy_detail, name="vacancy-detail"),
    # Candidates
    path("jobfairs/<uuid:public_id>/register/", views.registration_create, name="registration-create"),
    path("jobfairs/<uuid:public_id>/survey/", views.survey_answer, name="survey-answer"),
    path("jobfairs/vacancies/<uuid:public_id>/apply/", views.application_create, name="application-create"),
    path("jobfairs/slots/<uuid:public_id>/book/", views.slot_book, name="slot-book"),
    path("me/jobfairs/", views.registration_list, name="registration-list"),
    path("me/jobfairs/<uuid:public_id>/cancel/", views.registration_cancel, name="registration-cancel"),
    path("me/jobfairs/<uuid:public_id>/consent/", views.registration_consent, name="registration-consent"),
    path("me/jobfairs/<uuid:public_id>/join/", views.registration_join, name="registration-join"),
    path("me/jobfairs/bookings/<uuid:public_id>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("me/jobfairs/bookings/<uuid:public_id>/meeting.ics", views.booking_ics_download, name="booking-ics"),
    path(
        "me/jobfairs/applications/<uuid:public_id>/withdraw/", views.application_withdraw, name="application-withdraw"
    ),
    # Employers
    path("employer/", views.employer_dashboard, name="employer-dashboard"),
    path("employer/fairs/<uuid:public_id>/booth/", views.booth_edit, name="booth-edit"),
    path("employer/booths/<uuid:public_id>/slots/", views.slot_create, name="slot-create"),
    path("employer/booths/<uuid:public_id>/candidates/", views.candidate_list, name="candidate-list"),
    path(
        "employer/booths/<uuid:public_id>/candidates/<uuid:registration_id>/cv/",
        views.candidate_cv,
        name="candidate-cv",
    ),
    path("employer/vacancies/new/", views.vacancy_create, name="vacancy-create"),
    path("employer/vacancies/<uuid:public_id>/edit/", views.vacancy_edit, name="vacancy-edit"),
    path("employer/applications/<uuid:public_id>/status/", views.application_status, name="application-status"),
    # Staff
    path("staff/employers/", views.employer_vetting, name="employer-vetting"),
    path("staff/employers/<uuid:public_id>/vet/", views.employer_vet, name="employer-vet"),
    path("staff/jobfairs/", views.manage_list, name="fair-manage-list"),
    path("staff/jobfairs/new/", views.fair_create, name="fair-create"),
    path("staff/jobfairs/lessons/", views.lessons, name="lessons"),
    path("staff/jobfairs/<uuid:public_id>/", views.fair_manage, name="fair-manage"),
    path("staff/jobfairs/<uuid:public_id>/edit/", views.fair_edit, name="fair-edit"),
    path("staff/jobfairs/<uuid:public_id>/publish/", views.fair_publish, name="fair-publish"),
    path("staff/jobfairs/<uuid:public_id>/check-in/", views.check_in, name="check-in"),
    path(
        "staff/jobfairs/booths/<uuid:public_id>/approve/",
        views.booth_decide,
        {"decision": "approve"},
        name="booth-approve",
    ),
    path(
        "staff/jobfairs/booths/<uuid:public_id>/decline/",
        views.booth_decide,
        {"decision": "decline"},
        name="booth-decline",
    ),
    path("staff/jobfairs/<uuid:public_id>/register-client/", views.client_register, name="client-register"),
]
