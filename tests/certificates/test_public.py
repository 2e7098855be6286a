"""The public pages: a certificate's record behind its QR code, verification
by number or by holder, and the register of valid certificates. Nothing
private is shown; each client is rate-limited."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from certificates import services
from certificates.models import Certificate, ReasonCode
from tests.certificates.helpers import (
    decision_pending_case,
    issued_certificate,
    past_validity,
    reason,
)
from tests.worlds import reloaded, shared_world

pytestmark = pytest.mark.django_db

NATIONAL_TERMS = {
    "active": "有效",
    "suspended": "暂停",
    "withdrawn": "撤销",
    "cancelled": "注销",
    "expired": "过期失效",
}
ENGLISH_TERMS = {
    "active": "Valid",
    "suspended": "Suspended",
    "withdrawn": "Withdrawn",
    "cancelled": "Cancelled",
    "expired": "Expired",
}


world, cast = shared_world(lambda cast: issued_certificate(cast.applicant, cast.organisation, cast.manager))


@pytest.fixture
def certificate(world, cast):
    return reloaded(world.built)


def page(client, certificate):
    response = client.get(reverse("certificates:verify_certificate", args=[certificate.token]))
    assert response.status_code == 200
    return response.content.decode()


def shown_status(client, certificate):
    content = page(client, certificate)
    return content.split('data-testid="public-status">')[1].split("<")[0].strip()


def in_state(certificate, status):
    """The certificate in `status`, behind the services' back: so the cached
    public record is dropped by hand."""
    Certificate.objects.filter(pk=certificate.pk).update(status=status)
    cache.clear()
    return certificate


# --- The certificate's public record -----------------------------------------------------


def test_the_public_page_shows_the_number_holder_and_level(client, certificate, organisation):
    content = page(client, certificate)
    assert certificate.number in content
    assert organisation.legal_name in content
    assert "三星级" in content


def test_the_public_page_is_in_chinese_by_default_with_the_national_status_terms(client, certificate):
    # Passes once the zh_Hans catalogue translates the certificate statuses.
    shown = {status: shown_status(client, in_state(certificate, status)) for status in NATIONAL_TERMS}
    assert shown == NATIONAL_TERMS


def test_the_public_page_in_english_shows_each_status(english_client, certificate):
    shown = {status: shown_status(english_client, in_state(certificate, status)) for status in ENGLISH_TERMS}
    assert shown == ENGLISH_TERMS


def test_the_public_page_shows_the_level_in_english_for_an_english_browser(english_client, certificate):
    assert "Three-star" in page(english_client, certificate)


def test_a_suspension_shows_on_the_public_page_once_committed(
    english_client, manager, certificate, django_capture_on_commit_callbacks
):
    assert shown_status(english_client, certificate) == "Valid"
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_suspend(actor=manager, certificate=certificate, reason_code=reason("suspend"))
    assert shown_status(english_client, certificate) == "Suspended"


def test_the_public_record_is_read_from_the_cache_on_the_next_scan(
    client, certificate, django_assert_num_queries
):
    page(client, certificate)
    with django_assert_num_queries(0):
        page(client, certificate)


def test_a_withdrawal_shows_on_the_public_page_at_once(english_client, manager, certificate):
    services.certificate_withdraw(actor=manager, certificate=certificate, reason_code=reason("withdraw"))
    assert shown_status(english_client, certificate) == "Withdrawn"


def test_the_public_page_shows_a_certificate_past_its_validity_as_expired_before_the_daily_job(
    english_client, certificate
):
    assert shown_status(english_client, past_validity(certificate)) == "Expired"


def test_a_revised_certificates_public_page_points_to_its_revision(client, manager, certificate):
    revision = services.certificate_revise(
        actor=manager, certificate=certificate, reason_code=reason("revise"), level_code="compliant"
    )
    content = page(client, certificate)
    assert 'data-testid="successor"' in content
    assert reverse("certificates:verify_certificate", args=[revision.token]) in content


def test_an_unknown_token_is_404(client, certificate):
    assert client.get("/verify/no-such-token/").status_code == 404


def test_the_public_page_is_found_by_token_not_by_number(client, certificate):
    assert client.get(f"/verify/{certificate.number}/").status_code == 404


def test_the_public_page_shows_the_record_as_issued_after_the_organisation_changes(client, certificate, organisation):
    issued_name = organisation.legal_name
    organisation.legal_name = "改名后的企业有限公司"
    organisation.save(update_fields=["legal_name"])
    content = page(client, certificate)
    assert issued_name in content and "改名后的企业有限公司" not in content


@pytest.fixture
def private_certificate(applicant, organisation, manager):
    """A certificate with private details around it: the organisation's
    contacts, a reason for the lower level, a suspension note."""
    organisation.contact_email = "private-contact@example.com"
    organisation.contact_phone = "13900001111"
    organisation.save(update_fields=["contact_email", "contact_phone"])
    case, _lead, _member = decision_pending_case(applicant, organisation, manager)
    decision = services.decision_record(
        actor=manager, case=case, outcome="certified", level_code="compliant", reason="内部理由：投诉台账不全"
    )
    certificate = Certificate.objects.get(decision=decision)
    services.certificate_suspend(
        actor=manager, certificate=certificate, reason_code=reason("suspend"), note="内部备注：待复查"
    )
    return Certificate.objects.get(pk=certificate.pk)


@pytest.mark.parametrize(
    "private",
    [
        pytest.param(lambda c: c.case.reference, id="case-reference"),
        pytest.param(lambda c: c.decision.reason, id="decision-reason"),
        pytest.param(lambda c: str(c.decision.score), id="score"),
        pytest.param(lambda c: c.status_note, id="status-note"),
        pytest.param(lambda c: c.organisation.contact_email, id="contact-email"),
        pytest.param(lambda c: c.organisation.contact_phone, id="contact-phone"),
        pytest.param(lambda c: str(c.case.public_id), id="case-id"),
        pytest.param(lambda c: str(c.public_id), id="certificate-id"),
    ],
)
def test_the_public_page_shows_nothing_private(client, private_certificate, private):
    value = private(private_certificate)
    assert value
    assert value not in page(client, private_certificate)


def test_the_public_page_does_not_show_the_suspension_reason(client, private_certificate):
    label = ReasonCode.objects.get(pk=private_certificate.status_reason_id).label_zh
    assert label not in page(client, private_certificate)


# --- Verification by number or by holder ------------------------------------------------------


def verify(client, **params):
    response = client.get(reverse("certificates:verify"), params)
    assert response.status_code == 200
    return response


def found(response):
    return [certificate.number for certificate in response.context["results"]]


def test_the_verify_page_answers_without_a_search(client):
    response = verify(client)
    assert response.context["results"] is None


def test_verification_finds_a_certificate_by_its_exact_number(client, certificate):
    assert found(verify(client, number=certificate.number)) == [certificate.number]


def test_verification_by_number_ignores_case_and_spaces(client, certificate):
    assert found(verify(client, number=f"  {certificate.number.lower()} ")) == [certificate.number]


def test_verification_by_the_start_of_a_number_finds_nothing(client, certificate):
    assert found(verify(client, number=certificate.number[:-2])) == []


def test_a_number_too_long_is_told_so_and_not_asked_for(english_client):
    errors = verify(english_client, number="X" * 100).context["form"].errors
    assert (list(errors), errors["number"][0]) == (
        ["number"],
        "Ensure this value has at most 60 characters (it has 100).",
    )


def test_verification_links_to_the_public_page(client, certificate):
    content = verify(client, number=certificate.number).content.decode()
    assert reverse("certificates:verify_certificate", args=[certificate.token]) in content


def test_verification_finds_a_withdrawn_certificate_too(english_client, manager, certificate):
    services.certificate_withdraw(actor=manager, certificate=certificate, reason_code=reason("withdraw"))
    response = verify(english_client, number=certificate.number)
    assert found(response) == [certificate.number]
    assert "Withdrawn" in response.content.decode()


def test_verification_finds_a_certificate_by_name_and_code(client, certificate, organisation):
    assert found(verify(client, name=organisation.legal_name, code=organisation.uscc)) == [certificate.number]


def test_verification_by_name_takes_the_code_in_lower_case(client, certificate, organisation):
    assert found(verify(client, name=organisation.legal_name, code=organisation.uscc.lower())) == [
        certificate.number
    ]


def test_verification_shows_a_certificate_past_its_validity_as_expired_before_the_daily_job(
    english_client, certificate
):
    response = verify(english_client, number=past_validity(certificate).number)
    badge = response.content.decode().split('data-testid="certificate-status">')[1].split("<")[0]
    assert badge == "Expired"


def test_verification_by_name_with_the_wrong_code_finds_nothing(client, certificate, outsider):
    other = outsider.memberships.get().organisation
    assert found(verify(client, name=certificate.holder_name, code=other.uscc)) == []


@pytest.mark.usefixtures("english")
def test_verification_by_name_without_the_code_finds_nothing_and_says_why(english_client, certificate):
    response = verify(english_client, name=certificate.holder_name)
    assert response.context["results"] is None
    assert "Enter the certificate number, or the organisation&#x27;s full name together with its code." in (
        response.content.decode()
    )


@pytest.mark.usefixtures("english")
def test_an_unknown_number_says_nothing_matches(english_client, certificate):
    response = verify(english_client, number="01626AS99999R0")
    assert 'data-testid="verify-none"' in response.content.decode()


# --- Rate limit --------------------------------------------------------------------------------


@pytest.fixture
def three_a_minute(settings):
    settings.PUBLIC_RATE_LIMIT = "3/m"
    cache.clear()
    # One fixed minute, so the window cannot roll over between requests.
    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, 0, 5, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.usefixtures("three_a_minute")
def test_the_fourth_verification_in_a_minute_answers_429_with_retry_after(client, certificate):
    url = reverse("certificates:verify_certificate", args=[certificate.token])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"


@pytest.mark.usefixtures("three_a_minute")
def test_the_verify_form_and_the_public_page_share_one_limit(client, certificate):
    for _ in range(3):
        client.get(reverse("certificates:verify"), {"number": certificate.number})
    assert client.get(reverse("certificates:verify_certificate", args=[certificate.token])).status_code == 429


@pytest.mark.usefixtures("three_a_minute")
def test_the_fourth_register_page_in_a_minute_answers_429(client):
    url = reverse("certificates:public_register")
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.usefixtures("three_a_minute")
def test_another_client_is_not_limited_by_the_first(client, certificate):
    url = reverse("certificates:verify_certificate", args=[certificate.token])
    for _ in range(4):
        client.get(url)
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_the_limit_opens_again_in_the_next_minute(client, settings, certificate):
    settings.PUBLIC_RATE_LIMIT = "3/m"
    url = reverse("certificates:verify_certificate", args=[certificate.token])
    start = datetime.datetime(2026, 6, 1, 10, 0, 5, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(4):
            client.get(url)
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        assert client.get(url).status_code == 200


def test_a_revised_certificate_shows_as_cancelled_for_its_revision(english_client, manager, certificate):
    services.certificate_revise(
        actor=manager, certificate=certificate, reason_code=reason("revise"), level_code="compliant"
    )

    assert shown_status(english_client, certificate) == "Cancelled (revised)"


def test_a_replaced_certificate_is_cancelled_in_chinese_not_superseded(client, manager, certificate):
    services.certificate_revise(
        actor=manager, certificate=certificate, reason_code=reason("revise"), level_code="compliant"
    )

    content = page(client, certificate)

    assert "注销（变更换证）" in content and "替代" not in content


def test_a_certificate_replaced_without_a_reason_code_was_renewed():
    with translation.override("zh-hans"):
        assert Certificate(status=Certificate.Status.SUPERSEDED).get_status_display() == "注销（换证）"
