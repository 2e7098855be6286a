"""One whole certification driven through the API alone, each person with
a token of their own: an applicant's new organisation applies, a manager
reviews and contracts, two auditors declare, review the documents and
audit on site, a manager who audited nothing decides, and anyone verifies
the certificate."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from applications.lifecycle import ONE_PAGE_PDF
from certify.services import api_token_create
from scoring.catalogue import GBT27922
from tests.factories import ApplicantFactory, AuditorFactory, ManagerFactory

pytestmark = pytest.mark.django_db


class Api:
    """One person's program: a client with their token, failing loudly on
    any answer but the one expected."""

    def __init__(self, user):
        _row, token = api_token_create(actor=user, user=user, name="lifecycle", scope="write", days=1)
        self.client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")

    def get(self, url_name, *args, **query):
        response = self.client.get(reverse(url_name, args=args), query)
        assert response.status_code == 200, response.content[:500]
        return response.json()

    def post(self, url_name, *args, status=200, **data):
        response = self.client.post(reverse(url_name, args=args), data, content_type="application/json")
        assert response.status_code == status, response.content[:500]
        return response.json()

    def put(self, url_name, *args, **data):
        response = self.client.put(reverse(url_name, args=args), data, content_type="application/json")
        assert response.status_code == 200, response.content[:500]
        return response.json()

    def upload(self, url_name, *args, **data):
        response = self.client.post(reverse(url_name, args=args), data)
        assert response.status_code in (200, 201), response.content[:500]
        return response.json()


def test_an_organisation_is_certified_through_the_api_alone(client, django_capture_on_commit_callbacks):
    applicant, manager, deciding_manager = Api(ApplicantFactory()), Api(ManagerFactory()), Api(ManagerFactory())
    lead_user, member_user = AuditorFactory(full_name="Lead Lin"), AuditorFactory(full_name="Member Ma")
    lead, member = Api(lead_user), Api(member_user)

    # The applicant's organisation, eligible and quotable.
    organisation = applicant.post(
        "api:organisations", status=201, legal_name="福州示例电器服务有限公司", uscc="91350100M000100Y43"
    )
    applicant.put(
        "api:organisation", organisation["id"],
        legal_name="福州示例电器服务有限公司", registration_date="2018-05-01",
        service_started_on="2019-01-01", employee_count=120,
    )
    outlets = applicant.post(
        "api:organisation_outlets", organisation["id"], status=201, name="总部", address="福州市", headcount=40
    )["outlets"]

    # The application.
    version = next(v for v in applicant.get("api:scheme_versions") if v["scheme_code"] == GBT27922)
    case = applicant.post(
        "api:cases", status=201, version=version["id"], target_level="star4", scope="家用空调的销售、安装和维修",
        outlets=[outlets[0]["id"]],
    )
    for material_type in version["material_types"]:
        if material_type["required"]:
            upload = SimpleUploadedFile(f"{material_type['code']}.pdf", ONE_PAGE_PDF, content_type="application/pdf")
            applicant.upload("api:case_materials", case["id"], material_type=material_type["id"], file=upload)
    applicant.post("api:case_declarations", case["id"], **dict.fromkeys(
        ("declares_independent_legal_person", "declares_no_serious_quality_accident",
         "declares_no_after_sales_penalty", "declares_not_on_dishonesty_list"), True,
    ))
    assert applicant.post("api:case_submit", case["id"])["status"] == "submitted"

    # Review and contract.
    manager.post("api:case_review", case["id"])
    reviews = [{"material_type": t["id"], "accepted": True} for t in version["material_types"] if t["required"]]
    manager.post("api:case_accept", case["id"], reviews=reviews)
    contract = manager.post("api:case_contract_send", case["id"])["contract"]
    applicant.post("api:case_contract_accept", case["id"], typed_name="张三", agree=True)
    assert manager.post("api:case_prepayment", case["id"], amount=contract["prepayment"])["status"] == "contract_signed"

    # The document review: the lead declares, is put on the team, passes every indicator.
    review = manager.post(
        "api:case_audits", case["id"], status=201,
        kind="document_review", mode="remote", planned_start="2027-01-04", planned_end="2027-01-04",
    )
    for auditor in (lead_user, member_user):
        manager.post("api:audit_declaration_requests", review["id"], auditor=str(auditor.public_id))
    for auditor in (lead, member):
        asked = auditor.get("api:declarations")[0]
        auditor.post(
            "api:organisation_declaration", asked["organisation_id"], status=201,
            no_consultancy=True, no_employment=True, no_other_interest=True,
        )
    manager.post("api:audit_team", review["id"], lead=str(lead_user.public_id))
    lead.post("api:audit_start", review["id"])
    indicators = {item["indicator_id"] for item in lead.get("api:audit_items", review["id"])}
    for indicator in indicators:
        lead.post("api:audit_document_comment", review["id"], indicator=indicator, outcome="conforming")
    lead.post("api:audit_document_review_pass", review["id"])

    # The on-site audit: every item conforming but one, a finding with a photo, the report.
    onsite = manager.post(
        "api:case_audits", case["id"], status=201,
        kind="onsite", mode="onsite", planned_start="2027-01-11", planned_end="2027-01-12",
    )
    manager.post(
        "api:audit_team", onsite["id"], lead=str(lead_user.public_id), members=[str(member_user.public_id)]
    )
    lead.post("api:audit_start", onsite["id"])
    for item in lead.get("api:audit_items", onsite["id"]):
        result = "nonconforming" if item["code"] == "C2.1" else "conforming"
        (member if item["code"].startswith("C") else lead).post(
            "api:audit_mark", onsite["id"], item=item["id"], result=result
        )
    photo = SimpleUploadedFile("服务台.pdf", ONE_PAGE_PDF, content_type="application/pdf")
    member.upload("api:audit_findings", onsite["id"], description="收费标准未在服务台公示", files=photo)
    with django_capture_on_commit_callbacks(execute=True):
        lead.post("api:audit_report", onsite["id"], recommendation="star3", reason="得分 87 分，建议三星级。")
    assert applicant.get("api:case", case["id"])["status"] == "decision_pending"

    # The decision, by a manager on no team, and the public check.
    decision = deciding_manager.post("api:case_decision", case["id"], outcome="certified", level_code="star3")
    certificate = applicant.get("api:certificate", decision["certificate_id"])
    record = client.get(reverse("api:verify"), {"number": certificate["number"]}).json()
    assert (record["status"], record["level_code"], record["organisation_name"]) == ("有效", "star3", "福州示例电器服务有限公司")
    assert record["sites"] == [{"name": "总部", "address": "福州市"}]
