import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.models import SchemeVersion
from scoring.selectors import version_structure, version_with_scheme
from tests.scoring.builders import published_version

pytestmark = pytest.mark.django_db


def queries_to_read(version):
    with CaptureQueriesContext(connection) as captured:
        tree, levels = version_structure(version)
        [item.code for category in tree for indicator in category.indicators.all() for item in indicator.items.all()]
        [gate.metric for level in levels for gate in level.gates.all()]
    return len(captured)


def test_a_published_versions_structure_is_read_once():
    version = published_version(items=15)
    first = queries_to_read(version)
    assert (first, queries_to_read(version)) == (first, 0)


def test_a_drafts_structure_is_read_every_time_as_it_may_change():
    version = published_version(items=15, status=SchemeVersion.Status.DRAFT)
    assert queries_to_read(version) == queries_to_read(version) > 0


def test_the_structure_read_once_holds_every_item_in_order():
    version = published_version(items=15)
    tree, levels = version_structure(version)
    codes = [item.code for category in tree for indicator in category.indicators.all() for item in indicator.items.all()]
    assert (len(codes), codes[:4], [level.code for level in levels]) == (
        15,
        ["A1.1", "A1.2", "A1.3", "A2.1"],
        ["compliant", "star3", "star4", "star5"],
    )


def read_with_scheme(version):
    return version_with_scheme(version.pk, version.public_id, version.status, version.normative)


def test_a_published_version_with_its_scheme_is_read_once(django_assert_num_queries):
    version = published_version(items=15)
    first = read_with_scheme(version)
    with django_assert_num_queries(0):
        again = read_with_scheme(version)
    assert again is first and again.scheme.code == "TEST"


def test_a_version_marked_normative_since_it_was_kept_is_read_again():
    version = published_version(items=15)
    read_with_scheme(version)
    SchemeVersion.objects.filter(pk=version.pk).update(normative=True)
    version.refresh_from_db()
    assert read_with_scheme(version).normative is True


def test_a_draft_with_its_scheme_is_read_every_time(django_assert_num_queries):
    version = published_version(items=15, status=SchemeVersion.Status.DRAFT)
    read_with_scheme(version)
    with django_assert_num_queries(1):
        read_with_scheme(version)
