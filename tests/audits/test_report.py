import subprocess

import pytest

from applications.models import Case
from audits import services
from audits.models import Audit
from audits.services.nonconformity import (
    nonconformity_answer,
    nonconformity_raise,
    nonconformity_verify,
)
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from scoring.models import Item, ScoreSheet
from scoring.services import mark_set
from tests.audits.helpers import START, mark_everything, reload, running_onsite, signed_case
from tests.tools import needs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def onsite(applicant, organisation, manager):
    case = signed_case(applicant, organisation, manager)
    return running_onsite(case, manager)


def test_a_report_without_nonconformities_closes_the_audit_and_goes_to_the_decision(onsite, django_capture_on_commit_callbacks):
    audit, lead, _member = onsite
    mark_everything(audit, lead, nonconforming={"C2.1"})
    with django_capture_on_commit_callbacks(execute=True):
        services.audit_report_submit(actor=lead, audit=audit, recommendation="star3", reason="得分 87 分")
    audit = reload(audit)
    assert (audit.status, audit.case.status) == (Audit.Status.CLOSED, Case.Status.DECISION_PENDING)
    assert audit.sheet.status == ScoreSheet.Status.SUBMITTED
    assert audit.report_pdf and len(audit.report_pdf_sha256) == 64


def test_a_report_with_unmarked_items_is_refused(onsite):
    audit, lead, _member = onsite
    with pytest.raises(CertifyError, match="not marked yet"):
        services.audit_report_submit(actor=lead, audit=audit, recommendation="star3", reason="理由")


def test_the_recommendation_cannot_exceed_the_scored_level(onsite):
    audit, lead, _member = onsite
    mark_everything(audit, lead, nonconforming={"C2.1"})
    with pytest.raises(CertifyError, match="cannot be higher"):
        services.audit_report_submit(actor=lead, audit=audit, recommendation="star5", reason="理由")


def test_only_the_lead_submits_the_report(onsite):
    audit, lead, member = onsite
    mark_everything(audit, lead)
    with pytest.raises(NotAllowed, match="Only the audit's lead auditor may do this"):
        services.audit_report_submit(actor=member, audit=audit, recommendation="star5", reason="理由")


def test_a_minor_nonconformity_leads_through_rectification_to_the_decision(onsite, applicant):
    audit, lead, _member = onsite
    mark_everything(audit, lead, nonconforming={"B4.1"})
    nc = nonconformity_raise(actor=lead, audit=audit, severity="minor", description="维修记录不完整")
    services.audit_report_submit(actor=lead, audit=audit, recommendation="star4", reason="得分 92 分")
    audit = reload(audit)
    assert (audit.status, audit.case.status) == (Audit.Status.REPORT_SUBMITTED, Case.Status.RECTIFICATION)
    services.audit_rescore_start(actor=lead, audit=audit)
    audit = reload(audit)
    with pytest.raises(CertifyError, match="not verified yet"):
        services.audit_final_submit(actor=lead, audit=audit, recommendation="star4", reason="整改完成")
    nonconformity_answer(
        actor=applicant, nonconformity=nc, correction="补齐记录", root_cause="培训不足", corrective_action="每月抽查"
    )
    nonconformity_verify(actor=lead, nonconformity=nc, accepted=True, comment="已验证")
    item = Item.objects.get(indicator__category__version=audit.case.version, code="B4.1")
    mark_set(actor=lead, sheet=audit.sheet, item_id=item.pk, result="conforming")
    services.audit_final_submit(actor=lead, audit=audit, recommendation="star5", reason="整改完成，复评 100 分")
    audit = reload(audit)
    assert (audit.status, audit.case.status) == (Audit.Status.CLOSED, Case.Status.DECISION_PENDING)
    assert str(audit.sheet.score) == "100.00"
    assert audit.sheet.supersedes.status == ScoreSheet.Status.SUPERSEDED


def test_a_major_nonconformity_needs_a_closed_follow_up_audit(onsite, applicant, manager):
    audit, lead, _member = onsite
    mark_everything(audit, lead)
    nc = nonconformity_raise(actor=lead, audit=audit, severity="major", description="无售后服务手册")
    services.audit_report_submit(actor=lead, audit=audit, recommendation="star5", reason="理由")
    services.audit_rescore_start(actor=lead, audit=reload(audit))
    nonconformity_answer(actor=applicant, nonconformity=nc, correction="编制手册", root_cause="缺失", corrective_action="发布")
    nonconformity_verify(actor=lead, nonconformity=nc, accepted=True, comment="文件已验证")
    with pytest.raises(CertifyError, match="follow-up audit"):
        services.audit_final_submit(actor=lead, audit=reload(audit), recommendation="star5", reason="理由")
    follow_up = services.audit_plan(
        actor=manager, case=audit.case, kind="follow_up", mode="onsite", planned_start=START, planned_end=START
    )
    services.audit_team_assign(actor=manager, audit=follow_up, lead=lead)
    services.audit_start(actor=lead, audit=follow_up)
    services.audit_follow_up_close(actor=lead, audit=follow_up, note="现场验证手册已执行")
    services.audit_final_submit(actor=lead, audit=reload(audit), recommendation="star5", reason="理由")
    assert Case.objects.get(pk=audit.case.pk).status == Case.Status.DECISION_PENDING


def test_a_special_deduction_raises_a_nonconformity(onsite):
    audit, lead, _member = onsite
    item = Item.objects.get(indicator__category__version=audit.case.version, code="A4.2")
    services.special_deduction_record(actor=lead, audit=audit, rule="law", reason="三包规定执行不到位", item=item)
    nc = audit.nonconformities.get()
    assert nc.from_special_deduction and nc.item == item
    assert audit.sheet.special_deductions.count() == 1


def test_submitting_the_report_twice_changes_nothing(onsite):
    audit, lead, _member = onsite
    mark_everything(audit, lead)
    services.audit_report_submit(actor=lead, audit=audit, recommendation="star5", reason="理由")
    services.audit_report_submit(actor=lead, audit=reload(audit), recommendation="star5", reason="理由")
    from certify.models import Event

    assert Event.objects.filter(verb="audit.report_submitted", object_id=audit.pk).count() == 1


@needs("pdftotext", "poppler-utils")
def test_the_report_pdf_holds_the_organisation_score_and_recommendation(onsite, tmp_path, django_capture_on_commit_callbacks):
    audit, lead, _member = onsite
    mark_everything(audit, lead, nonconforming={"C2.1"})
    with django_capture_on_commit_callbacks(execute=True):
        services.audit_report_submit(actor=lead, audit=audit, recommendation="star3", reason="得分 87 分，推荐三星级")
    audit = reload(audit)
    path = tmp_path / "report.pdf"
    with audit.report_pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert audit.case.organisation.legal_name in text
    assert "87.00" in text
    assert "三星级" in text


def test_an_onsite_audit_is_not_closed_as_a_follow_up(onsite):
    audit, lead, _member = onsite
    with pytest.raises(InvalidTransition, match="Only a follow-up audit in progress is closed this way"):
        services.audit_follow_up_close(actor=lead, audit=audit)


def test_the_lead_marks_the_re_score_sheet_on_the_audit_page(client, onsite, applicant):
    from django.urls import reverse

    audit, lead, _member = onsite
    mark_everything(audit, lead, nonconforming={"B4.1"})
    nonconformity_raise(actor=lead, audit=audit, severity="minor", description="维修记录不完整")
    services.audit_report_submit(actor=lead, audit=audit, recommendation="star4", reason="理由")
    services.audit_rescore_start(actor=lead, audit=reload(audit))
    audit = reload(audit)
    item = Item.objects.get(indicator__category__version=audit.case.version, code="B4.1")
    client.force_login(lead)
    response = client.post(
        reverse("audits:audit_mark", args=[audit.public_id, item.pk]), {"result": "conforming"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert audit.sheet.marks.get(item=item).result == "conforming"
