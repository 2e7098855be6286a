from django.urls import path

from audits import views

app_name = "audits"

urlpatterns = [
    path("", views.my_audits, name="my_audits"),
    path("plan/<uuid:case_public_id>/<slug:kind>/", views.audit_plan, name="audit_plan"),
    path("declarations/<uuid:organisation_public_id>/", views.declaration, name="declaration"),
    path("<uuid:public_id>/", views.audit_detail, name="audit_detail"),
    path("<uuid:public_id>/team/", views.audit_team, name="audit_team"),
    path(
        "<uuid:public_id>/declarations/<uuid:auditor_public_id>/request/",
        views.declaration_request,
        name="declaration_request",
    ),
    path("<uuid:public_id>/start/", views.audit_start, name="audit_start"),
    path(
        "<uuid:public_id>/documents/<int:indicator_id>/",
        views.document_comment,
        name="document_comment",
    ),
    path("<uuid:public_id>/documents/pass/", views.document_review_pass, name="document_review_pass"),
    path(
        "<uuid:public_id>/documents/revisions/",
        views.document_revisions_request,
        name="document_revisions_request",
    ),
]
