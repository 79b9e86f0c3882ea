from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("staff/services/", views.service_list, name="service-list"),
    path("staff/services/new/", views.service_edit, name="service-create"),
    path("staff/services/<uuid:public_id>/edit/", views.service_edit, name="service-edit"),
    path("staff/organisations/", views.organization_list, name="organization-list"),
    path("staff/organisations/new/", views.organization_edit, name="organization-create"),
    path("staff/organisations/<uuid:public_id>/", views.organization_edit, name="organization-edit"),
    path("staff/cases/<uuid:public_id>/refer/", views.referral_create, name="referral-create"),
    path("staff/referrals/", views.board, name="board"),
    path("staff/referrals/<uuid:public_id>/", views.referral_detail, name="referral-detail"),
    path("staff/referrals/<uuid:public_id>/send/", views.referral_send, name="referral-send"),
    path("staff/referrals/<uuid:public_id>/cancel/", views.referral_cancel, name="referral-cancel"),
    path("staff/referrals/<uuid:public_id>/new-link/", views.referral_resend, name="referral-resend"),
    path("staff/referrals/<uuid:public_id>/slip.pdf", views.referral_slip, name="referral-slip"),
    path("staff/referrals/<uuid:public_id>/course/", views.referral_course, name="referral-course"),
    path("partner/referrals/", views.partner_inbox, name="partner-inbox"),
    path("partner/referrals/<uuid:public_id>/", views.partner_referral, name="partner-referral"),
    path("r/<str:token>/", views.link, name="link"),
]
