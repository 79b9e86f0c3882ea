from django.urls import include, path

from counselling.views import appointments, cases, clients, documents, follow_ups, group_sessions, transfers

app_name = "counselling"

urlpatterns = [
    path("", include("counselling.dataprotection.urls")),  # data-subject requests, retention status
    path("cases/", cases.case_list, name="case-list"),
    path("cases/<uuid:public_id>/", cases.case_detail, name="case-detail"),
    path("cases/<uuid:public_id>/sessions/", cases.session_list, name="session-list"),
    path("cases/<uuid:public_id>/sessions/new/", cases.session_create, name="session-create"),
    path("cases/<uuid:public_id>/status/", cases.case_status, name="case-status"),
    path("cases/<uuid:public_id>/counsellor/", cases.case_counsellor, name="case-counsellor"),
    path("sessions/<uuid:public_id>/correct/", cases.session_correct, name="session-correct"),
    path("cases/<uuid:public_id>/goals/new/", cases.goal_create, name="goal-create"),
    path("cases/<uuid:public_id>/follow-ups/new/", follow_ups.follow_up_create, name="follow-up-create"),
    path("cases/<uuid:public_id>/documents/new/", documents.document_create, name="document-create"),
    path("cases/<uuid:public_id>/transfer/", transfers.transfer_create, name="transfer-create"),
    path("clients/new/", clients.client_create, name="client-create"),
    path("clients/<uuid:public_id>/edit/", clients.client_edit, name="client-edit"),
    path("clients/<uuid:public_id>/open-case/", cases.case_open, name="case-open"),
    path("clients/<uuid:public_id>/consents/new/", clients.consent_create, name="consent-create"),
    path("consents/<uuid:public_id>/withdraw/", clients.consent_withdraw, name="consent-withdraw"),
    path("goals/<uuid:public_id>/status/", cases.goal_status, name="goal-status"),
    path("follow-ups/", follow_ups.follow_up_list, name="follow-up-list"),
    path("follow-ups/<uuid:public_id>/done/", follow_ups.follow_up_done, name="follow-up-done"),
    path("documents/<uuid:public_id>/", documents.document_download, name="document-download"),
    path("transfers/", transfers.transfer_list, name="transfer-list"),
    path("transfers/<uuid:public_id>/", transfers.transfer_decide, name="transfer-decide"),
    path("group-sessions/", group_sessions.group_session_list, name="group-session-list"),
    path("group-sessions/new/", group_sessions.group_session_create, name="group-session-create"),
    path("intake/", appointments.intake_list, name="intake-list"),
    path("intake/<uuid:public_id>/", appointments.intake_detail, name="intake-detail"),
    path("intake/<uuid:public_id>/contacted/", appointments.intake_contacted, name="intake-contacted"),
    path("intake/<uuid:public_id>/schedule/", appointments.intake_schedule, name="intake-schedule"),
    path("intake/<uuid:public_id>/close/", appointments.intake_close, name="intake-close"),
]
