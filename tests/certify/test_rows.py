"""copy_row copies every field a model declares, so a field added later is
never silently left behind."""

import pytest

from certify.rows import copy_row
from scoring.models import Item
from tests.scoring.builders import published_version

pytestmark = pytest.mark.django_db


def _values(row, *, without):
    return {
        field.attname: getattr(row, field.attname)
        for field in type(row)._meta.concrete_fields
        if not field.primary_key and field.attname not in without
    }


def test_a_copy_holds_every_field_but_the_key_and_the_changes():
    item = Item.objects.filter(indicator__category__version=published_version()).first()
    copy = copy_row(item, code="Z9.9")
    assert copy.pk is None
    assert copy.code == "Z9.9"
    assert _values(copy, without={"code"}) == _values(item, without={"code"})


def test_a_change_by_relation_replaces_the_copied_foreign_key():
    first, second = published_version(code="ONE"), published_version(code="TWO")
    level = first.levels.first()
    copy = copy_row(level, version=second)
    assert copy.version_id == second.pk


def test_a_copy_of_a_row_with_a_public_id_gets_a_new_one():
    version = published_version()
    copy = copy_row(version, number=99)
    assert copy.public_id != version.public_id
