"""The lifecycle builder the demo and the tests share
(applications.lifecycle.case_build): it leaves a case in the state asked,
through the services, or says which states it reaches."""

import pytest

from applications.lifecycle import LEAVES_PATH_AT, PATH_TO_CONTRACT, Supplement, case_build
from applications.models import Case
from certify.events import event_list_for_object
from tests.applications.case_helpers import eligible, story
from tests.audits.helpers import quotable

pytestmark = pytest.mark.django_db

SUPPLEMENT = Supplement(material_code="service_manual", comment="请补充投诉处理程序")


@pytest.mark.parametrize("state", [*PATH_TO_CONTRACT, *LEAVES_PATH_AT])
def test_a_case_is_built_to_the_state_asked(state, applicant, organisation, manager):
    eligible(applicant, quotable(organisation))

    case = case_build(story(applicant, organisation, manager, supplement=SUPPLEMENT), state)

    assert case.status == state


def test_every_step_of_the_built_case_is_in_its_history(applicant, organisation, manager):
    eligible(applicant, quotable(organisation))

    case = case_build(story(applicant, organisation, manager, supplement=SUPPLEMENT), Case.Status.CONTRACT_SIGNED)

    moves = {event.to_state for event in event_list_for_object(case)}
    assert [state for state in PATH_TO_CONTRACT if state in moves] == list(PATH_TO_CONTRACT)


def test_a_case_reaches_the_signed_contract_without_a_supplement_round(applicant, organisation, manager):
    eligible(applicant, quotable(organisation))

    case = case_build(story(applicant, organisation, manager), Case.Status.CONTRACT_SIGNED)

    assert case.status == Case.Status.CONTRACT_SIGNED
    assert not event_list_for_object(case).filter(to_state=Case.Status.SUPPLEMENT_REQUESTED).exists()


def test_a_state_beyond_the_contract_is_refused_with_the_states_it_reaches(applicant, organisation, manager):
    with pytest.raises(ValueError, match="not decision_pending"):
        case_build(story(applicant, organisation, manager), Case.Status.DECISION_PENDING)


def test_a_case_left_waiting_for_a_supplement_needs_the_story_to_say_which(applicant, organisation, manager):
    eligible(applicant, organisation)

    with pytest.raises(ValueError, match="needs the story's supplement"):
        case_build(story(applicant, organisation, manager), Case.Status.SUPPLEMENT_REQUESTED)
