"""Complaints and appeals and the body's public pages, included at the root
of the site (certify/urls.py): public pages under complaints/ and about/,
signed-in pages under certificates/complaints/."""

from django.urls import path

from certificates import views_complaints as views

app_name = "complaints"

urlpatterns = [
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/thanks/", views.complaint_thanks, name="complaint_thanks"),
    path("about/<slug:slug>/", views.public_page, name="page"),
    path("about/<slug:slug>/edit/", views.public_page_edit, name="page_edit"),
    path("certificates/complaints/", views.complaint_list, name="complaint_list"),
    path("certificates/complaints/appeal/<uuid:public_id>/", views.appeal_new, name="appeal_new"),
    path("certificates/complaints/<uuid:public_id>/", views.complaint_detail, name="complaint_detail"),
    path(
        "certificates/complaints/<uuid:public_id>/certificate/",
        views.complaint_certificate_link,
        name="complaint_certificate_link",
    ),
    path("certificates/complaints/<uuid:public_id>/<slug:step>/", views.complaint_step, name="complaint_step"),
]
