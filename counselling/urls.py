from django.urls import path

from counselling import intake_views, views

app_name = "counselling"

urlpatterns = [
    path("cases/", views.case_list, name="case-list"),
    path("cases/<uuid:public_id>/", views.case_detail, name="case-detail"),
    path("cases/<uuid:public_id>/sessions/", views.session_list, name="session-list"),
    path("cases/<uuid:public_id>/sessions/new/", views.session_create, name="session-create"),
    path("cases/<uuid:public_id>/status/", views.case_status, name="case-status"),
    path("cases/<uuid:public_id>/goals/new/", views.goal_create, name="goal-create"),
    path("cases/<uuid:public_id>/follow-ups/new/", views.follow_up_create, name="follow-up-create"),
    path("cases/<uuid:public_id>/documents/new/", views.document_create, name="document-create"),
    path("cases/<uuid:public_id>/transfer/", views.transfer_create, name="transfer-create"),
    path("clients/new/", views.client_create, name="client-create"),
    path("clients/<uuid:public_id>/edit/", views.client_edit, name="client-edit"),
    path("clients/<uuid:public_id>/open-case/", views.case_open, name="case-open"),
    path("clients/<uuid:public_id>/consents/new/", views.consent_create, name="consent-create"),
    path("consents/<uuid:public_id>/withdraw/", views.consent_withdraw, name="consent-withdraw"),
    path("goals/<uuid:public_id>/status/", views.goal_status, name="goal-status"),
    path("follow-ups/", views.follow_up_list, name="follow-up-list"),
    path("follow-ups/<uuid:public_id>/done/", views.follow_up_done, name="follow-up-done"),
    path("documents/<uuid:public_id>/", views.document_download, name="document-download"),
    path("transfers/", views.transfer_list, name="transfer-list"),
    path("transfers/<uuid:public_id>/", views.transfer_decide, name="transfer-decide"),
    path("group-sessions/", views.group_session_list, name="group-session-list"),
    path("group-sessions/new/", views.group_session_create, name="group-session-create"),
    path("intake/", intake_views.intake_list, name="intake-list"),
    path("intake/<uuid:public_id>/", intake_views.intake_detail, name="intake-detail"),
    path("intake/<uuid:public_id>/contacted/", intake_views.intake_contacted, name="intake-contacted"),
    path("intake/<uuid:public_id>/schedule/", intake_views.intake_schedule, name="intake-schedule"),
    path("intake/<uuid:public_id>/close/", intake_views.intake_close, name="intake-close"),
]
