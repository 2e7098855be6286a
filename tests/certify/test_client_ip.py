"""One client address for rate limits, login throttling and the contract
acceptance record: behind TRUSTED_PROXY_COUNT proxies the address the
outermost one appended, otherwise the connection's; a header sent by the
client itself is never believed."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from applications import services as case_services
from applications.lifecycle import all_accepted
from applications.services import contract as contract_services
from certify.client import client_ip
from tests.applications.case_helpers import under_review_case
from tests.factories import PASSWORD

PROXY = "10.0.0.2"


def request_from(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_a_forged_header_from_a_direct_client_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_behind_one_proxy_the_address_it_appended_is_the_clients(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from(PROXY, "203.0.113.1, 198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies_the_outer_ones_entry_is_the_clients(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(request_from(PROXY, "203.0.113.1, 198.51.100.7, 10.0.0.9")) == "198.51.100.7"


def test_a_request_that_did_not_pass_the_proxy_is_its_connections(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from("10.0.0.5")) == "10.0.0.5"


def test_an_entry_that_is_not_an_address_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from(PROXY, "not-an-address")) == PROXY


@pytest.mark.django_db
def test_behind_the_proxy_wrong_passwords_from_one_client_do_not_lock_out_another(
    client, settings, applicant
):
    settings.TRUSTED_PROXY_COUNT = 1
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": applicant.email, "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )

    response = client.post(
        reverse("login"),
        {"username": applicant.email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )

    assert response.status_code == 302


@pytest.mark.django_db
def test_the_contract_acceptance_records_the_clients_address_not_a_forged_one(
    client, settings, applicant, organisation, manager
):
    settings.TRUSTED_PROXY_COUNT = 1
    organisation.employee_count = 40
    organisation.save(update_fields=["employee_count"])
    case = under_review_case(applicant, organisation, manager)
    case_services.case_accept(actor=manager, case=case, reviews=all_accepted(case))
    contract_services.case_contract_send(actor=manager, case=case)
    client.force_login(applicant)

    client.post(
        reverse("applications:case_contract_accept", args=[case.public_id]),
        {"typed_name": "张", "agree": "on"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7",
    )

    case.contract.refresh_from_db()
    assert case.contract.accepted_ip == "198.51.100.7"
