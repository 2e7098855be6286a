"""Public verification through the API: a certificate's record by its
number or its QR code, the register of valid certificates, for anyone and
without a token; cached until the certificate changes; rate-limited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import ServiceOutlet
from certificates import services
from certificates.models import Certificate
from certify.api import pagination
from tests.certificates.helpers import (
    certificate_row,
    decision_pending_case,
    past_validity,
    reason,
)
from tests.worlds import reloaded, shared_world

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def build(cast):
    case, _lead, _member = decision_pending_case(cast.applicant, cast.organisation, cast.manager)
    case.scope_outlets.set(
        [
            ServiceOutlet.objects.get(organisation=cast.organisation, name="总部"),
            ServiceOutlet.objects.create(organisation=cast.organisation, name="厦门服务站", address="厦门市思明区"),
        ]
    )
    decision = services.decision_record(actor=cast.manager, case=case, outcome="certified", level_code="star3")
    return Certificate.objects.get(decision=decision)


world, cast = shared_world(build)


@pytest.fixture
def certificate(world, cast):
    return reloaded(world.built)


def by_number(client, number, **headers):
    return client.get(reverse("api:verify"), {"number": number}, **headers)


def by_qr(client, token, **headers):
    return client.get(reverse("api:verify_qr", args=[token]), **headers)


def test_a_certificate_is_found_by_its_number_without_a_token(client, certificate):
    record = by_number(client, certificate.number).json()
    assert (record["number"], record["uscc"], record["status"]) == (certificate.number, certificate.holder_uscc, "有效")


def test_the_record_names_the_holder_scheme_level_and_dates(client, certificate):
    record = by_qr(client, certificate.token).json()
    assert record == record | {
        "organisation_name": certificate.holder_name,
        "scheme": "GB/T 27922-2011 商品售后服务评价体系",
        "level": "三星级",
        "level_code": "star3",
        "scope": certificate.scope,
        "first_issued_on": certificate.issued_on.isoformat(),
        "issued_on": certificate.issued_on.isoformat(),
        "valid_from": certificate.issued_on.isoformat(),
        "valid_until": certificate.expires_on.isoformat(),
        "successor_number": None,
    }


def test_the_record_lists_the_sites_the_case_covered(client, certificate):
    assert by_qr(client, certificate.token).json()["sites"] == [
        {"name": "厦门服务站", "address": "厦门市思明区"},
        {"name": "总部", "address": "福州"},
    ]


def test_the_status_is_the_national_word_in_any_language(client, manager, certificate):
    services.certificate_suspend(actor=manager, certificate=certificate, reason_code=reason("suspend"))
    record = by_qr(client, certificate.token, HTTP_ACCEPT_LANGUAGE="en").json()
    assert (record["status"], record["level"]) == ("暂停", "Three-star")


def test_a_certificate_past_its_validity_is_expired_since_the_day_after(client, certificate):
    past_validity(certificate)
    record = by_qr(client, certificate.token).json()
    assert (record["status"], record["status_since"][:10]) == ("过期失效", timezone.localdate().isoformat())


def test_a_revised_certificate_is_cancelled_and_names_its_successor(client, manager, certificate):
    revision = services.certificate_revise(
        actor=manager, certificate=certificate, reason_code=reason("revise"), level_code="compliant"
    )
    record = by_qr(client, certificate.token).json()
    assert (record["status"], record["successor_number"]) == ("注销", revision.number)


def test_a_revision_keeps_the_first_issue_date_and_the_validity(client, manager, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        first_issued_on=datetime.date(2020, 5, 1), valid_from=datetime.date(2025, 5, 1)
    )
    revision = services.certificate_revise(
        actor=manager, certificate=reloaded(certificate), reason_code=reason("revise"), level_code="compliant"
    )
    record = by_qr(client, revision.token).json()
    assert (record["first_issued_on"], record["valid_from"]) == ("2020-05-01", "2025-05-01")


def test_a_number_is_matched_exactly_as_printed_whatever_its_characters(client, manager, organisation):
    row = certificate_row(organisation, manager, number="京认-2026/a 07")
    assert by_number(client, "京认-2026/a 07").json()["number"] == row.number
    assert by_number(client, "京认-2026/A 07").status_code == 404


def test_an_unknown_number_is_a_404_problem(client, certificate):
    response = by_number(client, "NO-SUCH-NUMBER")
    assert (response.status_code, response["Content-Type"], response.json()["code"]) == (404, PROBLEM, "not_found")


def test_a_missing_number_is_a_400_naming_the_field(english_client):
    response = english_client.get(reverse("api:verify"))
    assert response.status_code == 400
    assert response.json()["errors"] == {"number": ["Give the certificate number as printed."]}


def test_an_unknown_qr_token_is_a_404_problem(client, certificate):
    response = by_qr(client, "x" * 24)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_the_record_is_read_from_the_cache_on_the_next_scan(client, certificate, django_assert_num_queries):
    by_qr(client, certificate.token)
    with django_assert_num_queries(0):
        assert by_qr(client, certificate.token).status_code == 200


def test_a_status_change_is_answered_once_committed(
    client, manager, certificate, django_capture_on_commit_callbacks
):
    by_qr(client, certificate.token)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_withdraw(actor=manager, certificate=certificate, reason_code=reason("withdraw"))
    assert by_qr(client, certificate.token).json()["status"] == "撤销"


def test_the_cached_record_is_read_again_after_midnight(client, certificate, time_machine, django_assert_num_queries):
    time_machine.move_to(datetime.datetime(2027, 3, 1, 23, 59, 30, tzinfo=BEIJING), tick=False)
    by_qr(client, certificate.token)
    time_machine.move_to(datetime.datetime(2027, 3, 2, 0, 0, 30, tzinfo=BEIJING), tick=False)
    with django_assert_num_queries(1):
        by_qr(client, certificate.token)


def test_too_many_requests_are_a_429_with_retry_after(client, settings, certificate):
    settings.PUBLIC_RATE_LIMIT = "2/m"
    responses = [by_qr(client, certificate.token) for _ in range(3)]
    assert [response.status_code for response in responses] == [200, 200, 429]
    assert (responses[2]["Retry-After"], responses[2].json()["code"]) == ("60", "throttled")


# --- The register --------------------------------------------------------------------------


@pytest.fixture
def register(manager, organisation):
    today = timezone.localdate()
    rows = [
        certificate_row(
            organisation, manager, number=f"REG{index:03d}", holder_name=f"福建{index}公司",
            issued_on=today - datetime.timedelta(days=index // 2),
        )
        for index in range(7)
    ]
    certificate_row(organisation, manager, number="REG-SUSPENDED", status="suspended")
    return rows


def register_numbers(client, **query):
    numbers, url = [], reverse("api:register") + "?" + "&".join(f"{key}={value}" for key, value in query.items())
    while url:
        page = client.get(url).json()
        numbers += [entry["number"] for entry in page["results"]]
        url = page["next"]
    return numbers


def test_the_register_pages_through_valid_certificates_newest_first_each_once(client, register, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 3)
    expected = [row.number for row in sorted(register, key=lambda row: (row.issued_on, row.pk), reverse=True)]
    assert register_numbers(client, search="REG") == expected
    assert [number for number in register_numbers(client) if number.startswith("REG")] == expected


def test_a_register_entry_links_the_certificates_record(client, register):
    entry = client.get(reverse("api:register"), {"search": "REG000"}).json()["results"][0]
    assert entry["record"].endswith(reverse("api:verify_qr", args=[register[0].token]))


def test_a_cursor_the_api_did_not_give_is_a_400(english_client):
    response = english_client.get(reverse("api:register"), {"cursor": "not-a-cursor"})
    assert (response.status_code, response.json()["errors"]) == (
        400,
        {"cursor": ["This cursor is not one the API gave out."]},
    )
