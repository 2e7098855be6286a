"""What an audit's pages offer (audits.selectors.audit.audit_actions_for):
the same rules the services enforce, so a page never offers a step that
would be refused, nor hides one that is open."""

import pytest
from django.urls import reverse

from audits.selectors.audit import audit_actions_for
from audits.services import audit_report_submit, audit_rescore_start
from audits.services.nonconformity import nonconformity_raise
from tests.audits.helpers import (
    mark_everything,
    planned_document_review,
    reload,
    running_document_review,
    running_onsite,
    signed_case,
    staffed_document_review,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def case(applicant, organisation, manager):
    return signed_case(applicant, organisation, manager)


@pytest.fixture
def onsite(case, manager):
    return running_onsite(case, manager)


def test_a_manager_assigns_the_team_of_a_planned_audit_and_nothing_else(case, manager):
    audit = planned_document_review(case, manager)

    assert audit_actions_for(manager, audit) == {"team_assign"}


def test_an_auditor_off_the_team_is_offered_nothing(case, manager, auditor):
    audit, _lead = staffed_document_review(case, manager)

    assert audit_actions_for(auditor, reload(audit)) == set()


def test_the_lead_of_a_staffed_planned_audit_may_start_it(case, manager):
    audit, lead = staffed_document_review(case, manager)

    assert audit_actions_for(lead, reload(audit)) == {"start"}


def test_a_team_member_records_findings_and_marks_but_submits_nothing(onsite):
    audit, _lead, member = onsite

    assert audit_actions_for(member, reload(audit)) == {"finding_add", "mark"}


def test_the_lead_of_a_running_on_site_audit_may_also_submit_the_report(onsite):
    audit, lead, _member = onsite

    assert audit_actions_for(lead, reload(audit)) == {"finding_add", "mark", "report_submit"}


@pytest.fixture
def reported(onsite):
    """The on-site report is in, with one nonconformity to rectify."""
    audit, lead, _member = onsite
    mark_everything(audit, lead, nonconforming={"C2.1"})
    nonconformity_raise(actor=lead, audit=audit, description="投诉超时", severity="minor")
    audit_report_submit(actor=lead, audit=reload(audit), recommendation="star3", reason="得分 87 分")
    return reload(audit), lead


def test_after_the_report_the_lead_may_start_the_re_score(reported):
    audit, lead = reported

    assert audit_actions_for(lead, audit) == {"rescore_start"}


def test_with_the_re_score_open_the_lead_marks_and_gives_the_final_score(reported):
    audit, lead = reported

    audit_rescore_start(actor=lead, audit=audit)

    assert audit_actions_for(lead, reload(audit)) == {"mark", "final_submit"}


def test_the_lead_of_a_running_document_review_reviews_the_documents(case, manager):
    audit, lead = running_document_review(case, manager)

    assert audit_actions_for(lead, reload(audit)) == {"finding_add", "document_review"}


def test_a_finding_posted_after_the_report_is_refused_on_the_page_with_why(english_client, onsite):
    audit, lead, member = onsite
    mark_everything(audit, lead, nonconforming={"C2.1"})
    audit_report_submit(actor=lead, audit=reload(audit), recommendation="star3", reason="得分 87 分")
    english_client.force_login(member)

    response = english_client.post(
        reverse("audits:audit_findings", args=[audit.public_id]), {"description": "迟到的发现"}
    )

    assert response.status_code == 200
    assert "The audit is not in progress." in response.content.decode()
    assert not audit.findings.exists()
