"""The lifecycle builder the demo and the tests share
(applications.lifecycle.case_build): it leaves a case in the state asked,
through the services, or says which states it reaches."""

import pytest

from applications.lifecycle import ROAD, TURNS, Supplement, case_build
from applications.models import Case
from certify.models import Event
from tests.applications.case_helpers import eligible, story
from tests.audits.helpers import quotable

pytestmark = pytest.mark.django_db

SUPPLEMENT = Supplement(material_code="service_manual", comment="请补充投诉处理程序")


@pytest.mark.parametrize("state", [*ROAD, *TURNS])
def test_a_case_is_built_to_the_state_asked(state, applicant, organisation, manager):
    eligible(applicant, quotable(organisation))

    case = case_build(story(applicant, organisation, manager, supplement=SUPPLEMENT), state)

    assert case.status == state


def test_every_step_of_the_built_case_is_in_its_history(applicant, organisation, manager):
    eligible(applicant, quotable(organisation))

    case = case_build(story(applicant, organisation, manager, supplement=SUPPLEMENT), Case.Status.CONTRACT_SIGNED)

    moves = list(Event.objects.filter(object_id=case.pk).exclude(to_state="").values_list("to_state", flat=True))
    assert [state for state in ROAD if state in moves] == list(ROAD)


def test_a_state_beyond_the_contract_is_refused_with_the_states_it_reaches(applicant, organisation, manager):
    with pytest.raises(ValueError, match="not decision_pending"):
        case_build(story(applicant, organisation, manager), Case.Status.DECISION_PENDING)


def test_a_case_left_waiting_for_a_supplement_needs_the_story_to_say_which(applicant, organisation, manager):
    eligible(applicant, organisation)

    with pytest.raises(ValueError, match="needs the story's supplement"):
        case_build(story(applicant, organisation, manager), Case.Status.SUPPLEMENT_REQUESTED)
