"""The complaint and appeal pages: the public form and its thank-you page,
the rate limit, the list and a complaint's page for managers and for
applicants, the managers' step forms, the appeal from the case's page and
the navigation."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Complaint
from certificates.services import complaint as services
from certify.models import Email, Notification
from tests.certificates.complaints_helpers import advance, cheap_appeal, file_complaint
from tests.certificates.helpers import case_row, certificate_row
from tests.factories import ManagerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NEW = reverse("certificates:complaint_new")
LIST = reverse("certificates:complaint_list")

FORM = {
    "about": "organisation",
    "organisation_name": "福州某某电器有限公司",
    "certificate_number": "",
    "description": "承诺上门维修却三周无人处理。",
    "contact_name": "Visitor Sun",
    "contact_email": "visitor@example.com",
    "contact_phone": "",
}


@pytest.fixture(autouse=True)
def _no_requests_counted():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    """The browser asks for English, so the tests can read the pages' words
    whatever the state of the Chinese catalogue."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def other_manager(db):
    return ManagerFactory(full_name="Manager Chen")


def detail_url(complaint):
    return reverse("certificates:complaint_detail", args=[complaint.public_id])


def step_url(complaint, step):
    return reverse("certificates:complaint_step", args=[complaint.public_id, step])


# --- The public form ---------------------------------------------------------------------


def test_a_visitor_files_a_complaint_and_is_sent_to_the_thank_you_page(client, manager):
    response = client.post(NEW, FORM)

    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:complaint_thanks")


def test_the_thank_you_page_shows_the_reference(client, manager):
    client.post(NEW, FORM)

    content = client.get(reverse("certificates:complaint_thanks")).content.decode()

    assert Complaint.objects.get().reference in content


def test_a_complaint_filed_without_signing_in_reaches_the_managers(client, manager, other_manager):
    client.post(NEW, FORM)

    assert set(Notification.objects.filter(kind="complaint_filed").values_list("recipient", flat=True)) == {
        manager.pk,
        other_manager.pk,
    }


def test_a_complaint_filed_without_signing_in_emails_the_filer(client, manager):
    client.post(NEW, FORM)

    email = Email.objects.get(to="visitor@example.com")
    assert Complaint.objects.get().reference in email.subject


@pytest.mark.parametrize("field", ["contact_name", "contact_email", "description"])
def test_a_missing_required_field_is_shown_on_the_page(client, manager, field):
    response = client.post(NEW, {**FORM, field: ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Complaint.objects.exists()


def test_an_invalid_email_is_shown_on_the_page(client, manager):
    response = client.post(NEW, {**FORM, "contact_email": "not-an-address"})

    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()


def test_a_complaint_about_an_organisation_without_its_name_is_shown_on_the_page(client, manager):
    response = client.post(NEW, {**FORM, "organisation_name": ""})

    assert response.status_code == 200
    assert "Name the certified organisation" in response.content.decode()


def test_a_complaint_about_the_body_needs_no_organisation(client, manager):
    response = client.post(NEW, {**FORM, "about": "body", "organisation_name": ""})

    assert response.status_code == 302
    assert Complaint.objects.get().about == "body"


def test_a_phone_number_is_optional_and_kept(client, manager):
    client.post(NEW, {**FORM, "contact_phone": "0591-12345678"})

    assert Complaint.objects.get().contact_phone == "0591-12345678"


def test_the_form_is_prefilled_for_a_signed_in_user(client, applicant):
    client.force_login(applicant)

    content = client.get(NEW).content.decode()

    assert applicant.email in content


def test_a_complaint_filed_signed_in_belongs_to_the_filer(client, applicant, manager):
    client.force_login(applicant)

    client.post(NEW, {**FORM, "contact_email": applicant.email})

    assert Complaint.objects.get().filed_by == applicant


def test_the_certificate_number_can_be_given_in_the_address(client):
    content = client.get(NEW, {"certificate": "01626AS00001R0"}).content.decode()

    assert 'value="01626AS00001R0"' in content


def test_the_thank_you_page_without_a_complaint_sends_back_to_the_form(client):
    response = client.get(reverse("certificates:complaint_thanks"))

    assert response["Location"] == NEW


def test_the_rate_limit_answers_429_after_the_allowed_submissions(client, settings, manager):
    settings.COMPLAINT_RATE_LIMIT = "3/h"
    statuses = [client.post(NEW, FORM).status_code for _ in range(4)]

    assert statuses == [302, 302, 302, 429]


def test_refused_submissions_count_towards_the_rate_limit_too(client, settings, manager):
    settings.COMPLAINT_RATE_LIMIT = "2/h"
    statuses = [client.post(NEW, {**FORM, "description": ""}).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_opening_the_form_does_not_count_towards_the_rate_limit(client, settings, manager):
    settings.COMPLAINT_RATE_LIMIT = "1/h"
    for _ in range(5):
        client.get(NEW)

    assert client.post(NEW, FORM).status_code == 302
    assert client.get(NEW).status_code == 200


def test_the_rate_limit_page_says_when_to_try_again(client, settings, manager):
    settings.COMPLAINT_RATE_LIMIT = "1/h"
    client.post(NEW, FORM)

    response = client.post(NEW, FORM)

    assert response["Retry-After"] == "3600"


# --- The list ----------------------------------------------------------------------------


def test_managers_see_every_complaint_and_appeal(client, manager, applicant, organisation):
    complaint = file_complaint()
    appeal = cheap_appeal(applicant, organisation, manager)
    client.force_login(manager)

    content = client.get(LIST).content.decode()

    assert complaint.reference in content
    assert appeal.reference in content


def test_an_applicant_sees_only_what_they_filed(client, manager, applicant, organisation):
    others = file_complaint()
    own_complaint = file_complaint(actor=applicant)
    own_appeal = cheap_appeal(applicant, organisation, manager)
    client.force_login(applicant)

    content = client.get(LIST).content.decode()

    assert own_complaint.reference in content
    assert own_appeal.reference in content
    assert others.reference not in content


def test_the_list_filters_by_kind(client, manager, applicant, organisation):
    complaint = file_complaint()
    appeal = cheap_appeal(applicant, organisation, manager)
    client.force_login(manager)

    content = client.get(LIST, {"kind": "appeal"}).content.decode()

    assert appeal.reference in content
    assert complaint.reference not in content


def test_the_list_filters_by_status(client, manager, other_manager):
    waiting = file_complaint()
    closed = advance(file_complaint(), other_manager, until="closed")
    client.force_login(manager)

    content = client.get(LIST, {"status": "closed"}).content.decode()

    assert closed.reference in content
    assert waiting.reference not in content


def test_the_list_ignores_an_unknown_filter(client, manager):
    complaint = file_complaint()
    client.force_login(manager)

    content = client.get(LIST, {"status": "bogus", "kind": "bogus"}).content.decode()

    assert complaint.reference in content


def test_the_list_is_paginated_keeping_the_filters(client, manager):
    for _ in range(26):
        file_complaint()
    client.force_login(manager)

    content = client.get(LIST, {"kind": "complaint"}).content.decode()

    assert "?kind=complaint&amp;page=2" in content


def _rows(count, applicant, organisation, manager):
    """Half complaints (about the body, about a certificate), half appeals."""
    for index in range(count):
        if index % 2:
            cheap_appeal(applicant, organisation, manager)
        else:
            certificate = certificate_row(organisation, manager)
            file_complaint(
                about="organisation", organisation_name=organisation.legal_name, certificate_number=certificate.number
            )


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(queries)


def test_the_list_makes_as_many_queries_for_2_complaints_as_for_12(client, manager, applicant, organisation):
    client.force_login(manager)
    _list_queries(client)  # the first page of a session creates the body's profile and the like
    _rows(2, applicant, organisation, manager)
    few = _list_queries(client)
    _rows(10, applicant, organisation, manager)
    assert Complaint.objects.count() == 12

    many = _list_queries(client)

    assert few == many


# --- A complaint's page ------------------------------------------------------------------


def test_a_manager_sees_the_acknowledge_form_on_a_new_complaint(client, manager):
    complaint = file_complaint()
    client.force_login(manager)

    content = client.get(detail_url(complaint)).content.decode()

    assert 'data-testid="step-acknowledge"' in content


def test_the_filer_sees_the_progress_without_the_managers_forms_or_notes(client, manager, applicant):
    complaint = file_complaint(actor=applicant)
    services.complaint_acknowledge(actor=manager, complaint=complaint, note="INTERNAL-ONLY")
    client.force_login(applicant)

    content = client.get(detail_url(complaint)).content.decode()

    assert 'data-testid="progress"' in content
    assert "data-testid=\"step-" not in content
    assert "INTERNAL-ONLY" not in content


def test_the_manager_sees_the_history_with_the_notes(client, manager):
    complaint = file_complaint()
    services.complaint_acknowledge(actor=manager, complaint=complaint, note="INTERNAL-ONLY")
    client.force_login(manager)

    content = client.get(detail_url(complaint)).content.decode()

    assert "Complaint acknowledged" in content
    assert "INTERNAL-ONLY" in content


def test_the_decider_sees_why_they_may_not_handle_the_appeal(client, manager, applicant, organisation):
    appeal = cheap_appeal(applicant, organisation, manager)
    client.force_login(manager)

    content = client.get(detail_url(appeal)).content.decode()

    assert 'data-testid="involved"' in content
    assert "data-testid=\"step-" not in content


def test_the_handler_sees_the_decision_form(client, manager):
    complaint = advance(file_complaint(), manager, until="investigating")
    client.force_login(manager)

    content = client.get(detail_url(complaint)).content.decode()

    assert 'data-testid="step-decide"' in content


def test_another_manager_sees_who_is_investigating(client, manager, other_manager):
    complaint = advance(file_complaint(), manager, until="investigating")
    client.force_login(other_manager)

    content = client.get(detail_url(complaint)).content.decode()

    assert 'data-testid="handled-by-other"' in content
    assert "Manager Wang" in content


def test_the_decision_is_shown_to_the_filer(client, manager, applicant):
    complaint = advance(file_complaint(actor=applicant), manager, until="decided")
    client.force_login(applicant)

    content = client.get(detail_url(complaint)).content.decode()

    assert "Partly upheld" in content
    assert complaint.decision_text in content


def test_a_linked_certificate_is_a_link_for_managers(client, manager, organisation):
    certificate = certificate_row(organisation, manager)
    complaint = file_complaint(
        about="organisation", organisation_name=organisation.legal_name, certificate_number=certificate.number
    )
    client.force_login(manager)

    content = client.get(detail_url(complaint)).content.decode()

    assert reverse("certificates:certificate_detail", args=[certificate.public_id]) in content


# --- The step forms ----------------------------------------------------------------------


def test_a_manager_acknowledges_from_the_page(client, manager):
    complaint = file_complaint()
    client.force_login(manager)

    response = client.post(step_url(complaint, "acknowledge"), {"acknowledge-note": "已登记"})

    complaint.refresh_from_db()
    assert response["Location"] == detail_url(complaint)
    assert complaint.status == "acknowledged"


def test_the_handler_decides_from_the_page(client, manager):
    complaint = advance(file_complaint(), manager, until="investigating")
    client.force_login(manager)

    client.post(step_url(complaint, "decide"), {"decide-outcome": "upheld", "decide-decision_text": "投诉成立。"})

    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome) == ("decided", "upheld")


def test_a_decision_without_its_text_is_refused_with_a_message(client, manager):
    complaint = advance(file_complaint(), manager, until="investigating")
    client.force_login(manager)

    response = client.post(step_url(complaint, "decide"), {"decide-outcome": "upheld"}, follow=True)

    complaint.refresh_from_db()
    assert complaint.status == "investigating"
    assert "Choose the outcome and write the decision" in response.content.decode()


def test_a_refused_step_shows_the_reason(client, manager, applicant, organisation):
    appeal = cheap_appeal(applicant, organisation, manager)
    client.force_login(manager)

    response = client.post(step_url(appeal, "acknowledge"), {}, follow=True)

    assert "You made the decision under appeal" in response.content.decode()


def test_an_unknown_step_is_404(client, manager):
    complaint = file_complaint()
    client.force_login(manager)

    assert client.post(step_url(complaint, "approve"), {}).status_code == 404


# --- Appealing from the case's page ------------------------------------------------------


def test_a_member_sees_the_appeal_button_on_a_decided_case(client, manager, applicant, organisation):
    certificate = certificate_row(organisation, manager)
    client.force_login(applicant)

    content = client.get(reverse("applications:case_detail", args=[certificate.case.public_id])).content.decode()

    assert reverse("certificates:appeal_new", args=[certificate.case.public_id]) in content


def test_a_manager_sees_no_appeal_button(client, manager, organisation):
    certificate = certificate_row(organisation, manager)
    client.force_login(manager)

    content = client.get(reverse("applications:case_detail", args=[certificate.case.public_id])).content.decode()

    assert 'data-testid="appeal-decision"' not in content


def test_a_member_files_an_appeal_and_lands_on_it(client, manager, applicant, organisation):
    certificate = certificate_row(organisation, manager)
    client.force_login(applicant)

    response = client.post(
        reverse("certificates:appeal_new", args=[certificate.case.public_id]), {"description": "评分有误"}
    )

    appeal = Complaint.objects.get()
    assert response["Location"] == detail_url(appeal)
    assert (appeal.kind, appeal.case) == ("appeal", certificate.case)


def test_an_appeal_without_grounds_is_shown_on_the_page(client, manager, applicant, organisation):
    certificate = certificate_row(organisation, manager)
    client.force_login(applicant)

    response = client.post(reverse("certificates:appeal_new", args=[certificate.case.public_id]), {"description": ""})

    assert response.status_code == 200
    assert not Complaint.objects.exists()


def test_the_appeal_page_of_a_case_with_an_open_appeal_leads_to_it(client, manager, applicant, organisation):
    appeal = cheap_appeal(applicant, organisation, manager)
    client.force_login(applicant)

    response = client.get(reverse("certificates:appeal_new", args=[appeal.case.public_id]))

    assert response["Location"] == detail_url(appeal)


def test_a_case_without_a_decision_has_nothing_to_appeal(client, manager, applicant, organisation):
    case = case_row(organisation, manager)
    client.force_login(applicant)

    response = client.get(reverse("certificates:appeal_new", args=[case.public_id]))

    assert response["Location"] == reverse("applications:case_detail", args=[case.public_id])


# --- Navigation --------------------------------------------------------------------------


def test_managers_have_a_complaints_item_in_the_navigation(client, manager):
    client.force_login(manager)

    content = client.get(LIST).content.decode()

    assert f'href="{LIST}"' in content


def test_applicants_reach_their_list_from_the_navigation(client, applicant):
    client.force_login(applicant)

    content = client.get(reverse("applications:applicant_home")).content.decode()

    assert f'href="{LIST}"' in content


def test_visitors_find_the_complaint_form_in_the_navigation(client):
    content = client.get(reverse("certificates:verify")).content.decode()

    assert f'href="{NEW}"' in content
