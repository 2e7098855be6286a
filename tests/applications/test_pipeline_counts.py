import pytest

from applications import services
from applications.selectors_case import pipeline_counts
from tests.applications.case_helpers import complete, draft_case

pytestmark = pytest.mark.django_db


def count(state):
    return next(number for value, _label, number in pipeline_counts() if value == state)


def test_the_pipeline_counts_are_read_once_and_then_served_from_the_cache(
    applicant, organisation, django_assert_num_queries
):
    draft_case(applicant, organisation)
    pipeline_counts()
    with django_assert_num_queries(0):
        pipeline_counts()


def test_the_pipeline_counts_follow_a_case_once_its_move_is_committed(
    applicant, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = complete(draft_case(applicant, organisation), applicant)
    assert (count("draft"), count("submitted")) == (1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_submit(actor=applicant, case=case)
    assert (count("draft"), count("submitted")) == (0, 1)
