"""The data migration that filled the certificate fields every report needs
(first issue, validity's start, sites) for certificates issued before them."""

import datetime
import importlib

import pytest
from django.apps import apps

from applications.models import ServiceOutlet
from certificates.models import Certificate
from tests.certificates.helpers import certificate_row

pytestmark = pytest.mark.django_db

fill = importlib.import_module("certificates.migrations.0010_fill_first_issued_sites_valid_from").fill
WRONG = datetime.date(2000, 1, 1)


def dated(organisation, manager, issued_on, granted_on=None, **fields):
    return certificate_row(
        organisation, manager, issued_on=issued_on, granted_on=granted_on or issued_on,
        first_issued_on=WRONG, valid_from=WRONG, **fields,
    )


def test_the_first_issue_date_comes_from_the_start_of_the_predecessor_chain(organisation, manager):
    first = dated(organisation, manager, datetime.date(2020, 1, 6))
    renewed = dated(organisation, manager, datetime.date(2022, 12, 20), predecessor=first)
    revised = dated(organisation, manager, datetime.date(2024, 3, 1), datetime.date(2022, 12, 20), predecessor=renewed)
    fill(apps, None)
    assert set(
        Certificate.objects.filter(pk__in=[first.pk, renewed.pk, revised.pk]).values_list("first_issued_on", flat=True)
    ) == {datetime.date(2020, 1, 6)}


def test_a_revision_is_valid_from_the_day_its_cycle_was_granted(organisation, manager):
    revised = dated(organisation, manager, datetime.date(2024, 3, 1), datetime.date(2022, 12, 20))
    fill(apps, None)
    revised.refresh_from_db()
    assert revised.valid_from == datetime.date(2022, 12, 20)


def test_the_sites_are_the_outlets_the_case_covers(organisation, manager):
    certificate = dated(organisation, manager, datetime.date(2024, 3, 1))
    certificate.case.scope_outlets.set([ServiceOutlet.objects.create(organisation=organisation, name="总部", address="福州")])
    fill(apps, None)
    certificate.refresh_from_db()
    assert certificate.sites == [{"name": "总部", "address": "福州"}]
