from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("organisation/", views.applicant_home, name="applicant_home"),
    path("organisation/new/", views.organisation_create, name="organisation_create"),
    path(
        "organisations/<uuid:public_id>/",
        views.organisation_detail,
        name="organisation_detail",
    ),
    path("manage/", views.manager_home, name="manager_home"),
    path("manage/organisations/", views.organisation_list, name="organisation_list"),
]
