"""What the case page offers is derived from the case's table, the role and
the membership (applications.selectors_case.case_actions_for)."""

import pytest

from applications.models import Case
from applications.selectors.case import case_actions_for, case_next_step
from certify import transitions
from tests.factories import ApplicantFactory, AuditorFactory, ManagerFactory

STATES = list(Case.Status)


def _case(status):
    # Unsaved: the actions read the state and the table only.
    return Case(status=status, rejection_reason="材料不全")


@pytest.mark.parametrize("status", STATES)
def test_a_member_may_withdraw_exactly_where_the_table_allows_it(status):
    actions = case_actions_for(ApplicantFactory.build(), _case(status), member=True)
    assert ("withdraw" in actions) == transitions.allowed(_case(status), Case.Status.WITHDRAWN)


def test_a_member_edits_and_submits_only_a_draft_or_a_case_sent_back():
    editing = {status for status in STATES if "submit" in case_actions_for(ApplicantFactory.build(), _case(status), member=True)}
    assert editing == {Case.Status.DRAFT, Case.Status.SUPPLEMENT_REQUESTED}


def test_a_manager_starts_the_review_only_of_a_submitted_case():
    starting = {status for status in STATES if "review_start" in case_actions_for(ManagerFactory.build(), _case(status), member=False)}
    assert starting == {Case.Status.SUBMITTED}


def test_a_manager_is_offered_the_decision_only_while_it_is_pending():
    deciding = {status for status in STATES if "decide" in case_actions_for(ManagerFactory.build(), _case(status), member=False)}
    assert deciding == {Case.Status.DECISION_PENDING}


@pytest.mark.parametrize("status", STATES)
def test_an_auditor_is_offered_nothing_on_the_case_page(status):
    assert case_actions_for(AuditorFactory.build(), _case(status), member=False) == frozenset()


@pytest.mark.parametrize("status", STATES)
def test_an_applicant_of_another_organisation_is_offered_nothing(status):
    assert case_actions_for(ApplicantFactory.build(), _case(status), member=False) == frozenset()


@pytest.mark.parametrize("status", STATES)
def test_every_state_has_a_next_step_for_the_applicant_and_for_a_manager(status):
    for user, member in ((ApplicantFactory.build(), True), (ManagerFactory.build(), False)):
        text, _due = case_next_step(user, _case(status), member=member)
        assert str(text)


def test_the_next_step_of_a_rejected_case_gives_the_reason():
    text, _due = case_next_step(ApplicantFactory.build(), _case(Case.Status.REJECTED), member=True)
    assert "材料不全" in text
