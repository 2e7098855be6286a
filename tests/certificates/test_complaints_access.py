"""Every page of certificates/views/complaint.py for every role, including
another organisation's applicant (tests/access.py)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from certificates.urls import urlpatterns
from tests.access import (
    client_as,
    everyone,
    expect,
    managers_only,
    matrix_params,
    signed_in,
    url_names,
)
from tests.certificates.complaints_helpers import cheap_appeal, file_complaint
from tests.certificates.helpers import certificate_row

pytestmark = pytest.mark.django_db

PAGES = {
    # Public: anyone files a complaint; the thank-you page without a complaint
    # filed from this browser sends back to the form.
    "certificates:complaint_new": everyone(200),
    "certificates:complaint_thanks": everyone(302),
    "certificates:public_page": everyone(200),
    "certificates:public_page_edit": managers_only(),
    # Signed in: managers see every complaint, others only what they filed.
    "certificates:complaint_list": signed_in(200),
    # `applicant` filed the appeal shown; the outsider and the newcomer never see it.
    "certificates:complaint_detail": expect(302, 200, 404, 404, 404, 200),
    # POST only, for managers.
    "certificates:complaint_step": expect(302, 403, 403, 403, 403, 405),
    "certificates:complaint_certificate_link": expect(302, 403, 403, 403, 403, 405),
    # Only a member of the case's organisation appeals its decision.
    "certificates:appeal_new": expect(302, 200, 404, 404, 403, 403),
}


@pytest.fixture(autouse=True)
def _no_requests_counted():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def page_url(applicant, organisation, manager):
    appeal = cheap_appeal(applicant, organisation, manager)
    # Another decided case, with no appeal open yet.
    decided = certificate_row(organisation, manager)
    arguments = {
        "certificates:public_page": {"slug": "process"},
        "certificates:public_page_edit": {"slug": "process"},
        "certificates:complaint_detail": {"public_id": appeal.public_id},
        "certificates:complaint_step": {"public_id": appeal.public_id, "step": "acknowledge"},
        "certificates:complaint_certificate_link": {"public_id": appeal.public_id},
        "certificates:appeal_new": {"public_id": decided.case.public_id},
    }
    return lambda name: reverse(name, kwargs=arguments.get(name))


def test_the_matrix_covers_every_page_of_complaints():
    # A new page fails here until its row of expected statuses is added.
    missing = url_names(urlpatterns, "certificates", views="certificates.views.complaint") - set(PAGES)

    assert missing == set(), f"pages missing from the access matrix: {sorted(missing)}"


@pytest.mark.parametrize(("name", "role", "status"), matrix_params(PAGES))
def test_page_answers_each_role_as_expected(client, request, page_url, name, role, status):
    client = client_as(client, request, role)

    response = client.get(page_url(name))

    assert response.status_code == status


@pytest.mark.parametrize("slug", ["process", "fees", "complaints"])
def test_each_shipped_page_answers_everyone(client, slug):
    assert client.get(reverse("certificates:public_page", args=[slug])).status_code == 200


def test_a_complaint_filed_signed_in_is_seen_by_its_filer_only(client, manager, auditor, outsider):
    complaint = file_complaint(actor=auditor)
    url = reverse("certificates:complaint_detail", args=[complaint.public_id])

    client.force_login(auditor)
    own = client.get(url).status_code
    client.force_login(outsider)
    other = client.get(url).status_code

    assert (own, other) == (200, 404)


def test_a_complaint_filed_without_an_account_is_seen_by_managers_only(client, manager, applicant):
    complaint = file_complaint()
    url = reverse("certificates:complaint_detail", args=[complaint.public_id])

    client.force_login(applicant)
    applicant_sees = client.get(url).status_code
    client.force_login(manager)
    manager_sees = client.get(url).status_code

    assert (applicant_sees, manager_sees) == (404, 200)


def test_the_step_page_refuses_a_get_for_managers(client, manager):
    complaint = file_complaint()
    client.force_login(manager)

    response = client.get(reverse("certificates:complaint_step", args=[complaint.public_id, "acknowledge"]))

    assert response.status_code == 405
