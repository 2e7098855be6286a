"""The applications app's API: the scheme versions one may apply under, the
caller's organisation, and cases — listed with the managers' filters,
created, given materials and declarations, and moved through review by one
action per transition, each through the same selectors, forms and services
as the pages."""

from django.urls import path

from applications.api.case import CASE_ACTIONS, CaseDetail, Cases, MaterialUpload
from applications.api.organisation import (
    OrganisationDetail,
    OrganisationInvitations,
    OrganisationMembers,
    OrganisationOutlets,
    Organisations,
    SchemeVersions,
    SelfAssessmentDetail,
    SelfAssessments,
)

urlpatterns = [
    path("scheme-versions/", SchemeVersions.as_view(), name="scheme_versions"),
    path("organisations/", Organisations.as_view(), name="organisations"),
    path("organisations/<uuid:public_id>/", OrganisationDetail.as_view(), name="organisation"),
    path("organisations/<uuid:public_id>/outlets/", OrganisationOutlets.as_view(), name="organisation_outlets"),
    path("organisations/<uuid:public_id>/members/", OrganisationMembers.as_view(), name="organisation_members"),
    path(
        "organisations/<uuid:public_id>/invitations/",
        OrganisationInvitations.as_view(),
        name="organisation_invitations",
    ),
    path("self-assessments/", SelfAssessments.as_view(), name="self_assessments"),
    path("self-assessments/<uuid:public_id>/", SelfAssessmentDetail.as_view(), name="self_assessment"),
    path("cases/", Cases.as_view(), name="cases"),
    path("cases/<uuid:public_id>/", CaseDetail.as_view(), name="case"),
    path("cases/<uuid:public_id>/materials/", MaterialUpload.as_view(), name="case_materials"),
    *(
        path(f"cases/<uuid:public_id>/{name.replace('_', '/')}/", view, name=f"case_{name}")
        for name, view in CASE_ACTIONS.items()
    ),
]
