"""Query counts at two data sizes, so an N+1 cannot hide; and, on
PostgreSQL, the public look-ups use an index."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Certificate, Surveillance
from certificates.selectors import certificate as selectors
from tests.certificates.helpers import case_row, certificate_row, revision_row
from tests.factories import MembershipFactory, uscc_for

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def warm(client, url):
    """Count after a first request, so one-off work (content types, the
    body's profile) does not count."""
    queries(client, url)
    return queries(client, url)


def certificates(count, manager):
    """`count` certificates (one holder each by name), in one insert."""
    organisation = MembershipFactory().user.memberships.get().organisation
    case = case_row(organisation, manager, status="certified")
    rows = [
        certificate_row(
            organisation, manager, case=case, save=False, holder_name=f"批量企业 {number} 有限公司"
        )
        for number in range(count)
    ]
    Certificate.objects.bulk_create(rows)


def surveillances(certificate, count):
    Surveillance.objects.bulk_create(
        Surveillance(certificate=certificate, number=number, due_on=certificate.issued_on, outcome="maintained")
        for number in range(Surveillance.objects.filter(certificate=certificate).count() + 1, count + 1)
    )


def test_the_public_page_runs_the_same_queries_with_1_and_10_revisions_and_surveillances(
    client, organisation, manager
):
    certificate = certificate_row(organisation, manager)
    surveillances(certificate, 1)
    url = reverse("certificates:verify_certificate", args=[certificate.token])
    one = warm(client, url)
    for revision in range(1, 10):
        revision_row(certificate, revision)
    surveillances(certificate, 10)
    assert Certificate.objects.filter(base_number=certificate.base_number).count() == 10
    assert queries(client, url) == one


def test_the_certificate_page_runs_the_same_queries_with_1_and_10_revisions(client, organisation, manager):
    certificate = certificate_row(organisation, manager)
    client.force_login(manager)
    url = reverse("certificates:certificate_detail", args=[certificate.public_id])
    for revision in range(1, 2):
        revision_row(certificate, revision)
    # Two revisions show the revisions' list; ten show the same list, longer.
    two = warm(client, url)
    for revision in range(2, 10):
        revision_row(certificate, revision)
    assert queries(client, url) == two


def test_the_register_runs_the_same_queries_with_10_and_1000_certificates(client, manager):
    certificates(10, manager)
    url = reverse("certificates:public_register")
    ten = warm(client, url)
    certificates(990, manager)
    assert queries(client, url) == ten


def test_the_register_search_runs_the_same_queries_with_10_and_60_certificates(client, manager):
    certificates(10, manager)
    url = reverse("certificates:public_register") + "?q=批量"
    ten = warm(client, url)
    certificates(50, manager)
    assert queries(client, url) == ten


def test_the_managers_certificate_list_runs_the_same_queries_with_5_and_25_certificates(client, manager):
    client.force_login(manager)
    certificates(5, manager)
    url = reverse("certificates:certificate_list")
    five = warm(client, url)
    certificates(20, manager)
    assert queries(client, url) == five


def test_the_applicants_certificate_list_runs_the_same_queries_with_5_and_25_certificates(
    client, applicant, organisation, manager
):
    client.force_login(applicant)
    for _ in range(5):
        certificate_row(organisation, manager)
    url = reverse("certificates:certificate_list")
    five = warm(client, url)
    for _ in range(20):
        certificate_row(organisation, manager)
    assert queries(client, url) == five


def pending_cases(count, manager):
    for _ in range(count):
        organisation = MembershipFactory().user.memberships.get().organisation
        case_row(organisation, manager)


def test_the_decision_queue_runs_the_same_queries_with_2_and_6_pending_cases(client, manager):
    client.force_login(manager)
    pending_cases(2, manager)
    url = reverse("certificates:decision_queue")
    two = warm(client, url)
    pending_cases(4, manager)
    response = client.get(url)
    assert len(response.context["cases"]) == 6
    assert queries(client, url) == two


# --- Indexes (PostgreSQL) ---------------------------------------------------------------------


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN plans are checked on PostgreSQL only")


def seqscan_off():
    """On a tiny table a scan is cheapest: make the planner show whether an
    index can serve (for the rest of the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")


@pytest.fixture
def register_of_valid_certificates(postgresql, organisation, manager):
    """1,000 valid certificates, analysed: the status index no longer narrows
    anything, so only the prefix indexes can make a search cheap."""
    case = case_row(organisation, manager, status="certified")
    Certificate.objects.bulk_create(
        [
            certificate_row(
                organisation,
                manager,
                case=case,
                save=False,
                number=f"01626AS{number:05d}R0",
                holder_uscc=uscc_for(number + 100),
                holder_name=f"批量企业{number:05d}有限公司",
            )
            for number in range(1000)
        ],
        batch_size=500,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE certificates_certificate")


NUMBER_INDEX = re.compile(r"Index Scan (on|using) \S*number\S*_like")
USCC_INDEX = re.compile(r"Index Scan (on|using) cert_uscc_prefix")
NAME_INDEX = re.compile(r"Index Scan (on|using) cert_name_prefix")


def register_index(field):
    # Index-only once the table is vacuumed; a test's rows are too new.
    return re.compile(rf"Index (Only )?Scan (on|using) cert_register_{field}")


def test_the_public_lookup_by_token_uses_an_index(postgresql, organisation, manager):
    certificate = certificate_row(organisation, manager)
    seqscan_off()
    text = Certificate.objects.filter(token=certificate.token).only(*selectors.PUBLIC_FIELDS).explain()
    assert "Index" in text, text


def test_the_public_lookup_by_number_uses_an_index(postgresql, organisation, manager):
    certificate = certificate_row(organisation, manager)
    seqscan_off()
    text = Certificate.objects.filter(number=certificate.number).explain()
    assert "Index" in text, text


def test_the_registers_number_prefix_search_uses_an_index(postgresql, organisation, manager):
    certificate_row(organisation, manager)
    seqscan_off()
    assert NUMBER_INDEX.search(Certificate.objects.filter(number__startswith="01626AS").explain())


def test_the_registers_code_prefix_search_uses_an_index(postgresql, organisation, manager):
    certificate_row(organisation, manager)
    seqscan_off()
    assert USCC_INDEX.search(Certificate.objects.filter(holder_uscc__startswith="9111").explain())


def test_the_registers_name_prefix_search_uses_an_index(postgresql, organisation, manager):
    certificate_row(organisation, manager)
    seqscan_off()
    assert NAME_INDEX.search(Certificate.objects.filter(holder_name__startswith="示例").explain())


def test_the_register_searched_by_number_prefix_uses_the_number_index(register_of_valid_certificates):
    text = selectors.register_matches("01626AS0001").explain()
    assert register_index("number").search(text), text


def test_the_register_searched_by_code_prefix_uses_the_code_index(register_of_valid_certificates):
    text = selectors.register_matches(uscc_for(650)[:16]).explain()
    assert register_index("uscc").search(text), text


def test_the_register_searched_by_name_prefix_uses_the_name_index(register_of_valid_certificates):
    text = selectors.register_matches("批量企业0065").explain()
    assert register_index("name").search(text), text


def test_the_case_page_runs_the_same_queries_with_1_and_10_certificate_revisions(client, organisation, manager):
    certificate = certificate_row(organisation, manager)
    client.force_login(manager)
    url = reverse("applications:case_detail", args=[certificate.case.public_id])
    one = warm(client, url)
    for revision in range(1, 10):
        revision_row(certificate, revision)
    assert queries(client, url) == one


def test_a_search_matching_more_than_a_page_links_to_the_next_page_keeping_the_search(client, manager):
    certificates(30, manager)
    first = client.get(reverse("certificates:public_register") + "?q=批量").content.decode()
    second = client.get(reverse("certificates:public_register") + "?q=批量&page=2").content.decode()
    assert "?q=%E6%89%B9%E9%87%8F&amp;page=2" in first
    assert (first.count("批量企业"), second.count("批量企业")) == (25, 5)
