"""The audits app's API, one module per topic as in the other layers; each
goes through the pages' selectors, forms and services."""

from django.urls import path

from audits.api.audit import (
    AUDIT_ACTIONS,
    AuditDetail,
    AuditItems,
    Audits,
    Candidates,
    CaseAudits,
    DeclarationRequests,
    Declarations,
    OrganisationDeclaration,
)
from audits.api.callbacks import CALLBACK_ACTIONS, CallRecord, CustomerList
from audits.api.nonconformity import (
    NONCONFORMITY_ACTIONS,
    Nonconformities,
    NonconformityDetail,
    NonconformityRaise,
)

urlpatterns = [
    path("cases/<uuid:public_id>/audits/", CaseAudits.as_view(), name="case_audits"),
    path("audits/<uuid:public_id>/customer-list/", CustomerList.as_view(), name="audit_customer_list"),
    *(
        path(f"audits/<uuid:public_id>/callbacks/{name}/", view, name=f"audit_callbacks_{name}")
        for name, view in CALLBACK_ACTIONS.items()
    ),
    path("audits/<uuid:public_id>/callbacks/<int:row_id>/", CallRecord, name="audit_callbacks_record"),
    path("audits/<uuid:public_id>/nonconformities/", NonconformityRaise.as_view(), name="audit_nonconformities"),
    path("nonconformities/", Nonconformities.as_view(), name="nonconformities"),
    path("nonconformities/<uuid:public_id>/", NonconformityDetail.as_view(), name="nonconformity"),
    *(
        path(f"nonconformities/<uuid:public_id>/{name}/", view, name=f"nonconformity_{name}")
        for name, view in NONCONFORMITY_ACTIONS.items()
    ),
    path("audits/", Audits.as_view(), name="audits"),
    path("audits/<uuid:public_id>/", AuditDetail.as_view(), name="audit"),
    path("audits/<uuid:public_id>/candidates/", Candidates.as_view(), name="audit_candidates"),
    path("audits/<uuid:public_id>/declaration-requests/", DeclarationRequests.as_view(), name="audit_declaration_requests"),
    path("audits/<uuid:public_id>/items/", AuditItems.as_view(), name="audit_items"),
    *(
        path(f"audits/<uuid:public_id>/{name.replace('_', '-')}/", view, name=f"audit_{name}")
        for name, view in AUDIT_ACTIONS.items()
    ),
    path("declarations/", Declarations.as_view(), name="declarations"),
    path("organisations/<uuid:public_id>/declaration/", OrganisationDeclaration.as_view(), name="organisation_declaration"),
]
