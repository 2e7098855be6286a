"""Nonconformities through the API: raised by the audit's team, answered
by the organisation with evidence, verified by an auditor of the case."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.lifecycle import ONE_PAGE_PDF
from tests.api.test_cases import caller, post

pytestmark = pytest.mark.django_db


def test_a_nonconformity_is_raised_answered_with_evidence_and_closed(client, applicant, onsite):
    audit, lead = onsite
    raised = post(
        caller(client, lead),
        reverse("api:audit_nonconformities", args=[audit.public_id]),
        {"severity": "minor", "description": "投诉记录未按月分析"},
    ).json()
    answering = caller(client.__class__(), applicant)
    evidence = SimpleUploadedFile("分析记录.pdf", ONE_PAGE_PDF, content_type="application/pdf")
    answered = answering.post(
        reverse("api:nonconformity_answer", args=[raised["id"]]),
        {"correction": "已补做分析", "root_cause": "职责不清", "corrective_action": "指定专人每月分析", "files": evidence},
    ).json()
    verified = post(
        caller(client.__class__(), lead), reverse("api:nonconformity_verify", args=[raised["id"]]), {"verdict": "accept"}
    ).json()
    assert (raised["status"], answered["status"], verified["status"]) == ("open", "answered", "verified")


def test_a_target_outside_the_audits_scheme_is_a_400(client, onsite):
    audit, lead = onsite
    response = post(
        caller(client, lead),
        reverse("api:audit_nonconformities", args=[audit.public_id]),
        {"severity": "minor", "description": "x", "target": "item:0"},
    )
    assert (response.status_code, list(response.json()["errors"])) == (400, ["target"])


def test_a_rejection_without_a_comment_is_refused(client, applicant, onsite):
    audit, lead = onsite
    raised = post(
        caller(client, lead),
        reverse("api:audit_nonconformities", args=[audit.public_id]),
        {"severity": "minor", "description": "投诉记录未按月分析"},
    ).json()
    post(
        caller(client.__class__(), applicant),
        reverse("api:nonconformity_answer", args=[raised["id"]]),
        {"correction": "已补做", "root_cause": "职责不清", "corrective_action": "指定专人"},
    )
    response = post(
        caller(client.__class__(), lead), reverse("api:nonconformity_verify", args=[raised["id"]]), {"verdict": "reject"}
    )
    assert (response.status_code, response.json()["code"]) == (409, "refused")
