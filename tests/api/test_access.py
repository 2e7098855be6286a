"""Every endpoint × every role, each calling with a write token of their
own: what they may not see is 404, what they may not do 403, what the
case's state refuses 409; anonymous callers are 401 except on the public
endpoints. A new endpoint fails here until it has its row."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import MaterialType
from applications.services import self_assessment_create
from audits import services
from audits.lifecycle import document_review_run, onsite_running
from audits.services import nonconformity as nonconformity_services
from certificates.models import ReasonCode
from certify.api import urls as api_urls
from certify.services import api_token_create
from scoring.catalogue import GBT27922
from scoring.models import Indicator, Item
from scoring.selectors import scheme_version_latest_published
from tests.access import expect, matrix_params, url_names
from tests.applications.case_helpers import case_at
from tests.audits.callbacks_helpers import csv_rows, csv_upload
from tests.audits.helpers import START, declaration_asked, declared_auditor, signed_case
from tests.certificates.helpers import certificate_row
from tests.worlds import reloaded, shared_world

pytestmark = pytest.mark.django_db


def build(cast):
    """A submitted case; an on-site audit in progress led by the cast's
    auditor; a valid certificate: all of the cast's organisation."""
    case = case_at("submitted", cast.applicant, cast.organisation, cast.manager)
    audited = signed_case(cast.applicant, cast.organisation, cast.manager)
    declaration_asked(cast.auditor, cast.organisation)
    services.conflict_declare(
        actor=cast.auditor, organisation=cast.organisation, no_consultancy=True, no_employment=True, no_other_interest=True
    )
    document_review_run(audited, cast.manager, cast.auditor, start=START)
    member = declared_auditor(cast.organisation, full_name="Member Sun")
    audit = onsite_running(audited, cast.manager, cast.auditor, [member], start=START)
    services.customer_list_upload(actor=cast.applicant, audit=audit, upload=csv_upload(csv_rows(12)))
    nonconformity = nonconformity_services.nonconformity_raise(
        actor=cast.auditor, audit=audit, severity="minor", description="投诉记录未按月分析"
    )
    assessment = self_assessment_create(
        actor=cast.applicant,
        organisation=cast.organisation,
        version=scheme_version_latest_published(GBT27922),
        title="2027 年度自评",
    )
    return {
        "case": case,
        "audit": audit,
        "self_assessment": assessment,
        "nonconformity": nonconformity,
        "certificate": certificate_row(cast.organisation, cast.manager),
    }


def an_item(world):
    return Item.objects.filter(indicator__category__version_id=world.built["case"].version_id).first().pk


def an_indicator(world):
    return Indicator.objects.filter(category__version_id=world.built["case"].version_id).first().pk


def a_reason(action):
    return ReasonCode.objects.filter(action=action, active=True).first().pk


world, cast = shared_world(build)

SIGNED_IN = expect(401, 200, 200, 200, 200, 200)
THE_CASES_MEMBERS_AND_MANAGERS = expect(401, 200, 404, 404, 404, 200)
THE_AUDITS_TEAM_AND_MANAGERS = expect(401, 404, 404, 404, 200, 200)
# The world's case is submitted: its members may withdraw it, a manager may
# start the review; the rest of the review waits for that (409).
ENDPOINTS = {
    "api:schema": ("get", {}, expect(200, 200, 200, 200, 200, 200)),
    "api:docs": ("get", {}, expect(200, 200, 200, 200, 200, 200)),
    "api:me": ("get", {}, SIGNED_IN),
    "api:verify": (
        "get",
        lambda world: {"number": reloaded(world.built["certificate"]).number},
        expect(200, 200, 200, 200, 200, 200),
    ),
    "api:verify_qr": ("get", {}, expect(200, 200, 200, 200, 200, 200)),
    "api:register": ("get", {}, expect(200, 200, 200, 200, 200, 200)),
    "api:scheme_versions": ("get", {}, SIGNED_IN),
    "api:organisations": ("get", {}, SIGNED_IN),
    "api:cases": ("get", {}, SIGNED_IN),
    "api:organisation": ("get", {}, expect(401, 200, 404, 404, 404, 200)),
    "api:organisation_members": ("get", {}, expect(401, 200, 404, 404, 404, 200)),
    "api:organisation_invitations": ("get", {}, expect(401, 200, 404, 404, 404, 200)),
    "api:self_assessments": ("get", {}, SIGNED_IN),
    # Private to the organisation's members: managers too are refused.
    "api:self_assessment": ("get", {}, expect(401, 200, 404, 404, 404, 404)),
    "api:organisation_outlets": (
        "post",
        {"name": "厦门服务站", "address": "厦门市思明区", "headcount": 4},
        expect(401, 201, 404, 404, 404, 201),
    ),
    "api:case": ("get", {}, THE_CASES_MEMBERS_AND_MANAGERS),
    "api:case_materials": ("upload", {}, expect(401, 409, 404, 404, 404, 403)),
    "api:case_declarations": ("post", {}, expect(401, 409, 404, 404, 404, 403)),
    "api:case_submit": ("post", {}, expect(401, 409, 404, 404, 404, 403)),
    "api:case_withdraw": ("post", {}, expect(401, 200, 404, 404, 404, 403)),
    "api:case_review": ("post", {}, expect(401, 403, 404, 404, 404, 200)),
    "api:case_accept": ("post", {}, expect(401, 403, 404, 404, 404, 409)),
    "api:case_supplement": ("post", {}, expect(401, 403, 404, 404, 404, 409)),
    "api:case_reject": ("post", {"reason": "范围不符"}, expect(401, 403, 404, 404, 404, 409)),
    "api:case_contract_send": ("post", {}, expect(401, 403, 404, 404, 404, 409)),
    "api:case_contract_accept": ("post", {"typed_name": "张三", "agree": True}, expect(401, 409, 404, 404, 404, 403)),
    "api:case_prepayment": ("post", {"amount": "1000"}, expect(401, 403, 404, 404, 404, 409)),
    "api:case_decision": ("post", {"outcome": "not_certified", "reason": "x"}, expect(401, 403, 404, 404, 404, 409)),
    "api:certificates": ("get", {}, SIGNED_IN),
    "api:certificate": ("get", {}, expect(401, 200, 404, 404, 404, 200)),
    "api:reason_codes": ("get", {}, SIGNED_IN),
    **{
        f"api:certificate_{action}": (
            "post",
            lambda world, action=action: {"reason_code": a_reason(action)},
            expect(401, 403, 404, 404, 404, status),
        )
        for action, status in (("suspend", 200), ("reinstate", 409), ("withdraw", 200), ("cancel", 200))
    },
    # The submitted case is not ready for an audit.
    "api:case_audits": (
        "post",
        {"kind": "onsite", "mode": "onsite", "planned_start": "2027-01-04", "planned_end": "2027-01-05"},
        expect(401, 403, 404, 404, 404, 409),
    ),
    "api:audits": ("get", {}, SIGNED_IN),
    "api:audit": ("get", {}, THE_AUDITS_TEAM_AND_MANAGERS),
    "api:audit_items": ("get", {}, THE_AUDITS_TEAM_AND_MANAGERS),
    "api:audit_candidates": ("get", {}, expect(401, 404, 404, 404, 404, 200)),
    "api:audit_declaration_requests": (
        "post",
        lambda world: {"auditor": str(world.cast.auditor.public_id)},
        expect(401, 404, 404, 404, 403, 200),
    ),
    # The on-site audit is under way: its team is set, it has started, it
    # is no document review.
    "api:audit_team": (
        "post",
        lambda world: {"lead": str(world.cast.auditor.public_id)},
        expect(401, 404, 404, 404, 403, 409),
    ),
    "api:audit_start": ("post", {}, expect(401, 404, 404, 404, 409, 403)),
    "api:audit_document_comment": (
        "post",
        lambda world: {"indicator": an_indicator(world), "outcome": "conforming"},
        expect(401, 404, 404, 404, 409, 403),
    ),
    "api:audit_document_review_pass": ("post", {}, expect(401, 404, 404, 404, 409, 403)),
    "api:audit_document_review_revisions": ("post", {}, expect(401, 404, 404, 404, 409, 403)),
    "api:audit_mark": (
        "post",
        lambda world: {"item": an_item(world), "result": "conforming"},
        expect(401, 404, 404, 404, 200, 403),
    ),
    "api:audit_findings": ("multipart", {"description": "服务台未公示收费标准"}, expect(401, 404, 404, 404, 200, 403)),
    "api:audit_report": (
        "post",
        {"recommendation": "star3", "reason": "得分符合"},
        expect(401, 404, 404, 404, 409, 403),
    ),
    "api:declarations": ("get", {}, SIGNED_IN),
    "api:audit_nonconformities": (
        "post",
        {"severity": "minor", "description": "服务网点未公示收费标准"},
        expect(401, 404, 404, 404, 201, 403),
    ),
    "api:nonconformities": ("get", {}, SIGNED_IN),
    "api:audit_customer_list": ("get", {}, expect(401, 200, 404, 404, 200, 200)),
    "api:audit_callbacks_sample": ("post", {"size": 10}, expect(401, 403, 404, 404, 200, 403)),
    "api:audit_callbacks_rates": ("post", {}, expect(401, 403, 404, 404, 409, 403)),
    "api:audit_callbacks_survey": (
        "post",
        {
            "metric": "customer_satisfaction",
            "value": "92.5",
            "sample_size": 200,
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
        },
        expect(401, 403, 404, 404, 200, 403),
    ),
    "api:audit_callbacks_complaints": (
        "post",
        {"received": 40, "closed": 38, "period_start": "2026-01-01", "period_end": "2026-06-30"},
        expect(401, 403, 404, 404, 200, 403),
    ),
    "api:audit_callbacks_months": ("post", {}, expect(401, 403, 404, 404, 200, 403)),
    # The on-site audit is still in progress: no re-score, no final score, no follow-up.
    "api:audit_rescore": ("post", {}, expect(401, 404, 404, 404, 409, 403)),
    "api:audit_final": ("post", {"recommendation": "star3"}, expect(401, 404, 404, 404, 409, 403)),
    "api:audit_follow_up_close": ("post", {}, expect(401, 404, 404, 404, 409, 403)),
    "api:audit_callbacks_record": (
        "post",
        {"reached": "yes", "satisfaction": 5, "resolved_first_contact": "yes"},
        expect(401, 403, 404, 404, 409, 403),
    ),
    "api:nonconformity": ("get", {}, expect(401, 200, 404, 404, 200, 200)),
    "api:nonconformity_answer": (
        "post",
        {"correction": "已补做分析", "root_cause": "职责不清", "corrective_action": "指定专人每月分析"},
        expect(401, 200, 404, 404, 403, 403),
    ),
    "api:nonconformity_verify": ("post", {"verdict": "accept"}, expect(401, 403, 404, 404, 409, 403)),
    # Only a nonconformity past its answer's due date is made major.
    "api:nonconformity_escalate": ("post", {"reason": "影响认证结论"}, expect(401, 403, 404, 404, 403, 409)),
    "api:organisation_declaration": (
        "post",
        {"no_consultancy": True, "no_employment": True, "no_other_interest": True},
        expect(401, 404, 404, 404, 201, 404),
    ),
}


def test_every_endpoint_has_its_row():
    assert url_names(api_urls.urlpatterns, "api") - {"api:schema", "api:docs"} <= set(ENDPOINTS)
    assert set(ENDPOINTS) <= url_names(api_urls.urlpatterns, "api")


def url_for(name, world):
    case, certificate = world.built["case"], world.built["certificate"]
    if name.startswith("api:nonconformity_") or name == "api:nonconformity":
        return reverse(name, args=[world.built["nonconformity"].public_id])
    if name == "api:audit_callbacks_record":
        return reverse(name, args=[world.built["audit"].public_id, 1])
    if name.startswith("api:audit_") or name == "api:audit":
        return reverse(name, args=[world.built["audit"].public_id])
    if name == "api:self_assessment":
        return reverse(name, args=[world.built["self_assessment"].public_id])
    if name.startswith("api:organisation_") or name == "api:organisation":
        return reverse(name, args=[world.cast.organisation.public_id])
    if name.startswith("api:case_") or name == "api:case":
        return reverse(name, args=[case.public_id])
    if name.startswith("api:certificate_") or name == "api:certificate":
        return reverse(name, args=[certificate.public_id])
    if name == "api:verify_qr":
        return reverse(name, args=[certificate.token])
    return reverse(name)


def token_header(user):
    _row, token = api_token_create(actor=user, user=user, name="matrix", scope="write", days=1)
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


@pytest.mark.parametrize(("name", "role", "status"), matrix_params({name: row[2] for name, row in ENDPOINTS.items()}))
def test_endpoint_answers_each_role(client, request, world, cast, name, role, status):
    method, data, _expected = ENDPOINTS[name]
    headers = {} if role == "anonymous" else token_header(getattr(cast, role))
    url = url_for(name, world)
    if callable(data):
        data = data(world)
    if method == "get":
        response = client.get(url, data, **headers)
    elif method == "upload":
        material_type = MaterialType.objects.filter(scheme_id=world.built["case"].version.scheme_id).first()
        upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
        response = client.post(url, {"material_type": material_type.pk, "file": upload}, **headers)
    elif method == "multipart":
        response = client.post(url, data, **headers)
    else:
        response = client.post(url, data, content_type="application/json", **headers)
    assert response.status_code == status, response.content[:300]

