from django.urls import path

from audits import views_nc

urlpatterns = [
    path("<uuid:public_id>/nonconformities/", views_nc.audit_nonconformities, name="nonconformities"),
    path(
        "cases/<uuid:case_public_id>/nonconformities/",
        views_nc.case_nonconformities,
        name="case_nonconformities",
    ),
    path("nonconformities/<uuid:nc_public_id>/", views_nc.nonconformity_detail, name="nonconformity_detail"),
    path(
        "nonconformities/<uuid:nc_public_id>/evidence/<int:evidence_id>/",
        views_nc.nonconformity_evidence,
        name="nonconformity_evidence",
    ),
]
