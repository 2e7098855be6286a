import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from applications.models import Case, Organisation
from audits.models import Audit, Nonconformity
from benchmarks.scale import seed_scale
from certificates.models import Certificate
from certify.models import Event

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def digest():
    return (
        list(Organisation.objects.order_by("pk").values_list("legal_name", "uscc")),
        list(Case.objects.order_by("pk").values_list("status", "target_level")),
        list(Certificate.objects.order_by("pk").values_list("number", "status", "token")),
        Event.objects.count(),
    )


def seeded_digest(seed):
    try:
        with transaction.atomic():
            seed_scale(30, seed=seed, log=lambda line: None)
            result = digest()
            raise Rollback
    except Rollback:
        return result


def test_the_scale_data_has_every_case_and_certificate_state_in_proportion():
    seed_scale(40, log=lambda line: None)
    assert Organisation.objects.count() == 40
    assert Case.objects.count() == 100
    assert set(Case.objects.values_list("status", flat=True)) >= {"draft", "certified", "rectification"}
    assert set(Certificate.objects.values_list("status", flat=True)) == set(Certificate.Status.values)
    assert Audit.objects.filter(kind="surveillance").exists()
    assert Nonconformity.objects.count() > Case.objects.count()
    assert Event.objects.count() > 20 * Case.objects.count()


def test_the_same_seed_gives_the_same_data():
    assert seeded_digest(7) == seeded_digest(7)


def test_another_seed_gives_other_data():
    assert seeded_digest(7) != seeded_digest(8)


def test_the_command_refuses_a_database_that_holds_other_data(organisation):
    with pytest.raises(CommandError, match="already holds"):
        call_command("seed_scale", "--organisations", "5")


def test_the_command_adds_to_other_data_when_forced(organisation):
    call_command("seed_scale", "--organisations", "5", "--force", stdout=io.StringIO())
    assert Organisation.objects.count() == 6
