import pytest

from applications import services
from applications.selectors.case import pipeline_counts
from applications.selectors.organisation import organisation_count
from tests.applications.case_helpers import complete, draft_case
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def count(state):
    return next(number for value, _label, number, _tone in pipeline_counts() if value == state)


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


def test_the_organisation_count_is_read_once_and_then_served_from_the_cache(organisation, django_assert_num_queries):
    organisation_count()
    with django_assert_num_queries(0):
        assert organisation_count() == 1


def test_the_organisation_count_follows_a_new_organisation_once_it_is_committed(
    organisation, django_capture_on_commit_callbacks
):
    assert organisation_count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory()
    assert organisation_count() == 2
