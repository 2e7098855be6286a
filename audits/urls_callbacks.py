"""The call-backs URLs, included into audits/urls.py (namespace "audits")."""

from django.urls import path

from audits import views_callbacks as views

urlpatterns = [
    path("<uuid:public_id>/call-backs/", views.callbacks, name="callbacks"),
    path("<uuid:public_id>/call-backs/list/", views.callback_list_upload, name="callback_list_upload"),
    path("<uuid:public_id>/call-backs/list/file/", views.callback_list_download, name="callback_list_download"),
    path("<uuid:public_id>/call-backs/sample/", views.callback_sample_draw, name="callback_sample_draw"),
    path("<uuid:public_id>/call-backs/calls/<int:row_id>/", views.callback_record, name="callback_record"),
    path("<uuid:public_id>/call-backs/rates/", views.callback_rates_confirm, name="callback_rates_confirm"),
    path("<uuid:public_id>/call-backs/survey/", views.callback_survey_confirm, name="callback_survey_confirm"),
    path(
        "<uuid:public_id>/call-backs/complaints/",
        views.callback_complaints_record,
        name="callback_complaints_record",
    ),
    path("<uuid:public_id>/call-backs/months/", views.callback_months_confirm, name="callback_months_confirm"),
]
