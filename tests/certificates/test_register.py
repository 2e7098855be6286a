"""The public register of valid certificates and its searches."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.certificates.helpers import certificate_row, past_validity

pytestmark = pytest.mark.django_db


@pytest.fixture
def register_rows(manager, organisation):
    rows = {
        "active": certificate_row(
            organisation, manager, number="01626AS10001R0", holder_name="福建甲公司", holder_uscc="91350100M000100Y43"
        ),
        "other": certificate_row(
            organisation, manager, number="01725AS20001R0", holder_name="广东乙公司", holder_uscc="914403001922038216"
        ),
    }
    for status in ("suspended", "withdrawn", "cancelled", "expired", "superseded"):
        rows[status] = certificate_row(
            organisation, manager, number=f"01626AS3{len(rows):04d}R0", holder_name=f"福建{status}公司", status=status
        )
    return rows


def listed(client, search=None):
    response = client.get(reverse("certificates:public_register"), {"q": search} if search is not None else {})
    assert response.status_code == 200
    return {certificate.number for certificate in response.context["page"]}


def test_the_register_lists_only_valid_certificates(client, register_rows):
    assert listed(client) == {register_rows["active"].number, register_rows["other"].number}


def test_the_register_finds_by_the_start_of_the_number(client, register_rows):
    assert listed(client, "01626") == {register_rows["active"].number}


def test_the_register_finds_by_the_start_of_the_number_in_lower_case(client, register_rows):
    assert listed(client, "01626as1") == {register_rows["active"].number}


def test_the_register_finds_by_the_start_of_the_code(client, register_rows):
    assert listed(client, "9144") == {register_rows["other"].number}


def test_the_register_finds_by_the_start_of_the_name(client, register_rows):
    assert listed(client, "福建") == {register_rows["active"].number}


def test_the_register_does_not_find_by_the_middle_of_the_name(client, register_rows):
    assert listed(client, "甲公司") == set()


def numbers_in_order(client, search):
    response = client.get(reverse("certificates:public_register"), {"q": search})
    return [certificate.number for certificate in response.context["page"]]


def test_a_search_lists_matches_of_every_field_newest_first_each_once(client, manager, organisation):
    today = timezone.localdate()
    by_number = certificate_row(organisation, manager, number="01626AS50001R0", issued_on=today - timedelta(days=3))
    by_name = certificate_row(
        organisation, manager, number="01726AS50003R0", holder_name="01626 Trading Co.", issued_on=today - timedelta(days=1)
    )
    by_both = certificate_row(
        organisation, manager, number="01626AS50002R0", holder_name="01626 Service Co.", issued_on=today - timedelta(days=2)
    )
    assert numbers_in_order(client, "01626") == [by_name.number, by_both.number, by_number.number]


def test_a_search_for_a_percent_sign_matches_only_names_starting_with_one(client, register_rows):
    assert listed(client, "%") == set()


def test_the_register_leaves_out_a_certificate_past_its_validity_before_the_daily_job(client, register_rows):
    past_validity(register_rows["other"])
    assert listed(client) == {register_rows["active"].number}


def test_the_register_shows_the_holder_and_links_to_the_public_page(client, register_rows):
    content = client.get(reverse("certificates:public_register")).content.decode()
    assert "福建甲公司" in content
    assert reverse("certificates:verify_certificate", args=[register_rows["active"].token]) in content
