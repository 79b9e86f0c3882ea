from django.urls import path

from cms.returnees import views

app_name = "returnees"

urlpatterns = [
    path("my/", views.dashboard, name="dashboard"),
    path("my/profile/", views.profile, name="profile"),
    path("my/profile/cv/", views.cv_download, name="cv-download"),
    path("my/profile/cv/delete/", views.cv_delete, name="cv-delete"),
    path("my/profile/consents/<slug:purpose>/", views.consent, name="consent"),
    path("my/profile/link-code/", views.link_code, name="link-code"),
    path("my/profile/unlink/", views.unlink, name="unlink"),
    path("my/referrals/<uuid:public_id>/", views.referral, name="referral"),
    path("my/saved/", views.saved_list, name="saved"),
    path("my/saved/<slug:kind>/<uuid:public_id>/", views.saved_toggle, name="saved-toggle"),
    path("my/data/", views.my_data, name="data"),
    path("my/data/my-data.json", views.data_json, name="data-json"),
    path("my/data/my-data.pdf", views.data_pdf, name="data-pdf"),
    path("my/delete/", views.delete_account, name="delete"),
    path("my/reauthenticate/", views.reauthenticate, name="reauthenticate"),
    path("staff/clients/<uuid:public_id>/link-portal/", views.client_link, name="client-link"),
]
