"""What the version page offers a manager (scoring.selectors.
scheme_version_actions_for), state by state, and nothing to anyone else."""

import pytest

from scoring import services
from scoring.catalogue import GBT27922
from scoring.models import SchemeVersion
from scoring.selectors import scheme_version_actions_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(db):
    return SchemeVersion.objects.get(scheme__code=GBT27922, number=1)


def test_a_draft_is_edited_and_published(shipped, manager):
    draft = services.scheme_version_clone(actor=manager, version=shipped)

    assert scheme_version_actions_for(manager, draft) == {"edit", "publish"}


def test_a_published_normative_version_is_cloned_retired_or_unmarked(shipped, manager):
    services.scheme_version_set_normative(actor=manager, version=shipped)
    shipped.refresh_from_db()

    assert scheme_version_actions_for(manager, shipped) == {"clone", "retire", "normative_unmark"}


def test_a_published_version_not_normative_may_be_marked_normative(shipped, manager):
    assert not shipped.normative

    assert scheme_version_actions_for(manager, shipped) == {"clone", "retire", "normative_mark"}


def test_a_retired_version_is_only_cloned(shipped, manager):
    services.scheme_version_retire(actor=manager, version=shipped)
    shipped.refresh_from_db()

    assert scheme_version_actions_for(manager, shipped) == {"clone"}


def test_nobody_but_a_manager_is_offered_anything(shipped, auditor, applicant):
    assert scheme_version_actions_for(auditor, shipped) == scheme_version_actions_for(applicant, shipped) == set()
