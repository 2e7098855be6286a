"""The call-backs page and its actions: who sees what, and the forms."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services as case_services
from audits import services as services
from audits.models import CallBack, CustomerList
from audits.selectors.callbacks import callback_calls
from audits.urls import urlpatterns
from scoring.models import Metric
from tests.access import client_as, expect, matrix_params, url_names
from tests.audits.callbacks_helpers import csv_rows, csv_upload, planned_onsite, sampled, started
from tests.worlds import reloaded, shared_world

# Names in the included urlconf carry the audits namespace.
APPLICANT_POST = expect(302, 405, 405, 405, 403, 403)
AUDITOR_POST = expect(302, 403, 403, 403, 405, 403)

PAGES = {
    # `auditor` is not on this audit's team: like a stranger, 404.
    "audits:callbacks": expect(302, 200, 404, 404, 404, 200),
    "audits:callback_list_download": expect(302, 200, 404, 404, 404, 200),
    "audits:callback_list_upload": APPLICANT_POST,
    "audits:callback_sample_draw": AUDITOR_POST,
    "audits:callback_record": AUDITOR_POST,
    "audits:callback_rates_confirm": AUDITOR_POST,
    "audits:callback_survey_confirm": AUDITOR_POST,
    "audits:callback_complaints_record": AUDITOR_POST,
    "audits:callback_months_confirm": AUDITOR_POST,
}


def _onsite(cast):
    audit, lead, member = planned_onsite(cast.applicant, cast.organisation, cast.manager)
    return started(audit, lead), lead, member


def _audits(cast):
    """Two started on-site audits of the organisation: one with its sample
    of call-backs drawn, one without a customer list yet."""
    audit, lead, member = _onsite(cast)
    rows = sampled(audit, cast.applicant, lead, customers=30, size=20)
    return _onsite(cast), (audit, lead, member, rows)


world, cast = shared_world(_audits)


@pytest.fixture
def onsite(world, cast):
    return tuple(reloaded(instance) for instance in world.built[0])


@pytest.fixture
def with_sample(world, cast):
    audit, lead, member, rows = world.built[1]
    return reloaded(audit), reloaded(lead), reloaded(member), [reloaded(row) for row in rows]


@pytest.fixture
def page_url(with_sample):
    audit, _lead, _member, rows = with_sample

    def url(name):
        if name == "audits:callback_record":
            return reverse(name, kwargs={"public_id": audit.public_id, "row_id": rows[0].pk})
        return reverse(name, kwargs={"public_id": audit.public_id})

    return url


def test_the_matrix_covers_every_call_back_page():
    assert url_names(urlpatterns, "audits", views="audits.views.callbacks") == set(PAGES)


@pytest.mark.parametrize(("name", "role", "status"), matrix_params(PAGES))
def test_call_back_page_answers_each_role_as_expected(client, request, page_url, name, role, status):
    client = client_as(client, request, role)
    assert client.get(page_url(name)).status_code == status


@pytest.mark.django_db
def test_the_team_sees_everything_and_an_auditor_with_case_access_but_not_on_the_team_gets_404(
    client, with_sample, auditor, manager
):
    audit, lead, member, _rows = with_sample
    url = reverse("audits:callbacks", args=[audit.public_id])
    for person in (lead, member):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="call-card"') == 20
    case_services.case_access_grant(actor=manager, case=audit.case, user=auditor, reason="test")
    client.force_login(auditor)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_document_review_has_no_call_backs_page(client, applicant, organisation, manager):
    from tests.audits.helpers import running_document_review, signed_case

    case = signed_case(applicant, organisation, manager)
    review, lead = running_document_review(case, manager)
    client.force_login(lead)
    assert client.get(reverse("audits:callbacks", args=[review.public_id])).status_code == 404


@pytest.mark.django_db
def test_the_applicant_uploads_through_the_page_and_sees_bad_rows_but_not_the_calls(
    english_client, onsite, applicant
):
    audit, lead, member = onsite
    english_client.force_login(applicant)
    url = reverse("audits:callbacks", args=[audit.public_id])
    page = english_client.get(url).content.decode()
    assert 'data-testid="upload-form"' in page
    text = csv_rows(12) + "无电话,,空调,2026-01-03\n"
    response = english_client.post(
        reverse("audits:callback_list_upload", args=[audit.public_id]),
        {"file": csv_upload(text, "gb18030")},
        follow=True,
    )
    page = response.content.decode()
    assert "12 usable rows, 1 with problems" in page
    assert 'data-row="14"' in page and "the contact is missing" in page
    services.callback_sample_draw(actor=lead, audit=audit, size=10)
    row = callback_calls(audit)[0]
    services.callback_record(
        actor=member, audit=audit, row_id=row.pk, reached=True, satisfaction=2, resolved_first_contact=False,
        remarks="INTERNAL-REMARK",
    )
    page = english_client.get(url).content.decode()
    assert "INTERNAL-REMARK" not in page
    assert 'data-testid="call-card"' not in page and "seed" not in page
    assert 'data-testid="upload-form"' not in page
    assert "it can no longer be replaced" in page


@pytest.mark.django_db
def test_a_bad_upload_shows_the_reason_on_the_page(english_client, onsite, applicant):
    audit, _lead, _member = onsite
    english_client.force_login(applicant)
    response = english_client.post(
        reverse("audits:callback_list_upload", args=[audit.public_id]),
        {"file": csv_upload("张三,1,空调,2026-01-01\n")},
    )
    assert response.status_code == 200
    assert "The first row must name the columns" in response.content.decode()
    assert not CustomerList.objects.filter(audit=audit).exists()


@pytest.mark.django_db
def test_the_list_file_downloads_for_the_applicant(client, with_sample, applicant):
    audit, *_ = with_sample
    client.force_login(applicant)
    response = client.get(reverse("audits:callback_list_download", args=[audit.public_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode().startswith("姓名,联系方式")


@pytest.mark.django_db
def test_the_lead_draws_and_a_member_records_a_call_through_the_page(english_client, onsite, applicant):
    audit, lead, member = onsite
    services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(25)))
    english_client.force_login(lead)
    response = english_client.post(
        reverse("audits:callback_sample_draw", args=[audit.public_id]), {"size": "15"}, follow=True
    )
    assert response.content.decode().count('data-testid="call-card"') == 15
    row = callback_calls(audit)[0]
    english_client.force_login(member)
    url = reverse("audits:callback_record", args=[audit.public_id, row.pk])
    response = english_client.post(url, {"reached": "yes", "resolved_first_contact": "yes"}, follow=True)
    assert "Give the customer&#x27;s satisfaction from 1 to 5." in response.content.decode()
    response = english_client.post(
        url, {"reached": "yes", "satisfaction": "5", "resolved_first_contact": "no", "remarks": "好"}
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#customer-{row.pk}")
    call = CallBack.objects.get(row=row)
    assert (call.reached, call.satisfaction, call.resolved_first_contact, call.remarks) == (True, 5, False, "好")


@pytest.mark.django_db
def test_a_sample_size_out_of_range_is_refused_on_the_page(english_client, onsite, applicant):
    audit, lead, _member = onsite
    services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(25)))
    english_client.force_login(lead)
    response = english_client.post(
        reverse("audits:callback_sample_draw", args=[audit.public_id]), {"size": "25"}, follow=True
    )
    assert "less than or equal to 20" in response.content.decode()
    assert not CustomerList.objects.get(audit=audit).is_sampled


@pytest.mark.django_db
def test_the_lead_confirms_metrics_through_the_page(english_client, with_sample, organisation):
    audit, lead, member, rows = with_sample
    for row in rows:
        services.callback_record(actor=member, audit=audit, row_id=row.pk, reached=True, satisfaction=5, resolved_first_contact=True)
    english_client.force_login(lead)
    english_client.post(reverse("audits:callback_rates_confirm", args=[audit.public_id]))
    response = english_client.post(
        reverse("audits:callback_complaints_record", args=[audit.public_id]),
        {"received": "4", "closed": "3", "period_start": "2026-01-01", "period_end": "2026-06-30"},
        follow=True,
    )
    assert "Complaint closure is in the score sheet." in response.content.decode()
    response = english_client.post(
        reverse("audits:callback_survey_confirm", args=[audit.public_id]),
        {"metric": "first_time_resolution", "value": "91", "sample_size": "200",
         "period_start": "2026-06-30", "period_end": "2026-01-01"},
    )
    assert response.status_code == 200
    assert "The period ends before it starts." in response.content.decode()
    values = dict(Metric.objects.filter(sheet=audit.sheet).values_list("metric", "source"))
    assert values == {
        "customer_satisfaction": "call_backs",
        "first_time_resolution": "call_backs",
        "complaint_closure": "complaint_records",
    }


@pytest.mark.django_db
def test_the_lead_is_told_to_start_the_on_site_audit_first(english_client, applicant, organisation, manager):
    audit, lead, _member = planned_onsite(applicant, organisation, manager)
    english_client.force_login(lead)
    response = english_client.post(reverse("audits:callback_months_confirm", args=[audit.public_id]), follow=True)
    assert "Start the on-site audit first" in response.content.decode()


def _page_queries(client, audit):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("audits:callbacks", args=[audit.public_id])).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_page_runs_the_same_queries_with_10_and_with_20_call_backs(client, with_sample, applicant):
    audit, lead, member, rows = with_sample
    for row in rows[:10]:
        services.callback_record(actor=member, audit=audit, row_id=row.pk, reached=True, satisfaction=4, resolved_first_contact=True)
    client.force_login(lead)
    _page_queries(client, audit)
    ten = _page_queries(client, audit)
    client.force_login(applicant)
    applicant_ten = _page_queries(client, audit)
    for row in rows[10:]:
        services.callback_record(actor=lead, audit=audit, row_id=row.pk, reached=False)
    assert CallBack.objects.count() == 20
    client.force_login(lead)
    assert _page_queries(client, audit) == ten
    client.force_login(applicant)
    assert _page_queries(client, audit) == applicant_ten
