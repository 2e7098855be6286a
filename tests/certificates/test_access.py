"""Every certificates page for every role, and the pages' answers to
refused or bad input (a message on the page, never a 500)."""

import uuid

import pytest
from django.urls import reverse

from applications.models import Case
from certificates import services
from certificates.models import Certificate, Decision, ReasonCode
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
from tests.certificates.helpers import (
    case_row,
    certificate_row,
    decision_pending_case,
    issued_certificate,
    reason,
)
from tests.samples import MINIMAL_PDF
from tests.worlds import reloaded, shared_world

pytestmark = pytest.mark.django_db

MANAGER_POST = expect(302, 403, 403, 403, 403, 405)
# The organisation's own certificate: its members and managers; everyone
# else, the auditor included, as if it did not exist.
OWN_CERTIFICATE = expect(302, 200, 404, 404, 404, 200)

# POST-only pages for the holder's members: any signed-in GET is 405.
POST_ONLY_SIGNED_IN = signed_in(405)

PAGES = {
    # Applicants (of any organisation) see their own, managers all; the
    # other staff have no certificates to list.
    "certificates:certificate_list": expect(302, 200, 200, 200, 403, 200),
    "certificates:decision_queue": managers_only(),
    "certificates:decision": managers_only(),
    "certificates:reason_code_list": managers_only(),
    "certificates:reason_code_new": managers_only(),
    "certificates:reason_code_edit": managers_only(),
    "certificates:certificate_detail": OWN_CERTIFICATE,
    "certificates:certificate_pdf": OWN_CERTIFICATE,
    "certificates:certificate_status": MANAGER_POST,
    "certificates:certificate_revise": MANAGER_POST,
    "certificates:surveillance_outcome": MANAGER_POST,
    "certificates:surveillance_audit_create": MANAGER_POST,
    "certificates:renewal_apply": POST_ONLY_SIGNED_IN,
    "certificates:verify": everyone(200),
    "certificates:verify_certificate": everyone(200),
    "certificates:public_register": everyone(200),
}


def _certificate_and_pending_case(cast):
    """A certificate of `organisation` with its PDF stored (written directly:
    these tests are about who may see it), and a case of the organisation
    waiting for the decision, with its lead auditor."""
    certificate = certificate_row(cast.organisation, cast.manager)
    certificate = services.certificate_pdf_store(certificate_id=certificate.pk, render=lambda _certificate: MINIMAL_PDF)
    case, lead, _member = decision_pending_case(cast.applicant, cast.organisation, cast.manager)
    return certificate, case, lead


world, cast = shared_world(_certificate_and_pending_case)


@pytest.fixture
def certificate(world, cast):
    return reloaded(world.built[0])


@pytest.fixture
def page_url(certificate, organisation, manager):
    pending = case_row(organisation, manager)
    reason_code = ReasonCode.objects.order_by("id").first()
    arguments = {
        "certificates:decision": {"public_id": pending.public_id},
        "certificates:reason_code_edit": {"reason_id": reason_code.pk},
        "certificates:certificate_detail": {"public_id": certificate.public_id},
        "certificates:certificate_pdf": {"public_id": certificate.public_id},
        "certificates:certificate_status": {"public_id": certificate.public_id, "action": "suspend"},
        "certificates:certificate_revise": {"public_id": certificate.public_id},
        "certificates:renewal_apply": {"public_id": certificate.public_id},
        "certificates:surveillance_outcome": {"public_id": certificate.public_id, "surveillance_id": 1},
        "certificates:surveillance_audit_create": {"public_id": certificate.public_id, "surveillance_id": 1},
        "certificates:verify_certificate": {"token": certificate.token},
    }

    def url(name):
        return reverse(name, kwargs=arguments.get(name, {}))

    return url


def test_the_matrix_covers_every_certificates_page():
    names = url_names(urlpatterns, "certificates", views="certificates.views.certificate") | url_names(
        urlpatterns, "certificates", views="certificates.views.public"
    )
    assert names - set(PAGES) == set()


@pytest.mark.parametrize(("name", "role", "status"), matrix_params(PAGES))
def test_certificates_page_answers_each_role_as_expected(client, request, page_url, name, role, status):
    client = client_as(client, request, role)
    assert client.get(page_url(name)).status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in(client, certificate):
    url = reverse("certificates:certificate_detail", args=[certificate.public_id])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Who sees which certificates ------------------------------------------------------------


def numbers_listed(client, user):
    client.force_login(user)
    response = client.get(reverse("certificates:certificate_list"))
    assert response.status_code == 200
    return [certificate.number for certificate in response.context["page"]]


def test_an_applicant_lists_their_organisations_certificates(client, applicant, certificate):
    assert numbers_listed(client, applicant) == [certificate.number]


def test_an_applicant_does_not_list_another_organisations_certificates(client, outsider, certificate):
    assert numbers_listed(client, outsider) == []


def test_an_auditor_is_refused_the_certificate_list(client, auditor, certificate):
    client.force_login(auditor)
    assert client.get(reverse("certificates:certificate_list")).status_code == 403


def test_a_manager_lists_every_certificate(client, manager, certificate, outsider):
    other = certificate_row(outsider.memberships.get().organisation, manager)
    assert set(numbers_listed(client, manager)) == {certificate.number, other.number}


def test_the_certificate_list_filters_by_status(client, manager, organisation, certificate):
    suspended = certificate_row(organisation, manager, status="suspended")
    client.force_login(manager)
    response = client.get(reverse("certificates:certificate_list"), {"status": "suspended"})
    assert [c.number for c in response.context["page"]] == [suspended.number]


def test_the_applicant_downloads_the_certificate_pdf(client, applicant, certificate):
    client.force_login(applicant)
    response = client.get(reverse("certificates:certificate_pdf", args=[certificate.public_id]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == MINIMAL_PDF


def test_the_pdf_page_is_404_while_the_pdf_is_being_prepared(client, applicant, organisation, manager):
    certificate = certificate_row(organisation, manager)
    client.force_login(applicant)
    assert client.get(reverse("certificates:certificate_pdf", args=[certificate.public_id])).status_code == 404


def test_the_applicant_sees_no_status_actions(client, applicant, certificate):
    client.force_login(applicant)
    response = client.get(reverse("certificates:certificate_detail", args=[certificate.public_id]))
    assert response.context["actions"] == []


def test_the_manager_sees_the_actions_the_status_allows(client, manager, certificate):
    client.force_login(manager)
    response = client.get(reverse("certificates:certificate_detail", args=[certificate.public_id]))
    assert [item["action"] for item in response.context["actions"]] == ["suspend", "withdraw", "cancel"]


# --- Status actions by POST --------------------------------------------------------------------


def post_status(client, certificate, action, reason_code, note="", **kwargs):
    return client.post(
        reverse("certificates:certificate_status", args=[certificate.public_id, action]),
        {f"{action}-reason_code": reason_code, f"{action}-note": note},
        **kwargs,
    )


def status_of(certificate):
    return Certificate.objects.get(pk=certificate.pk).status


def test_a_manager_suspends_a_certificate_on_its_page(client, manager, certificate):
    client.force_login(manager)
    response = post_status(client, certificate, "suspend", reason("suspend"), note="复查")
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:certificate_detail", args=[certificate.public_id])
    assert status_of(certificate) == "suspended"


@pytest.mark.parametrize("role", ["applicant", "outsider", "auditor"])
def test_someone_who_is_not_a_manager_cannot_post_a_status_action(client, request, certificate, role):
    client.force_login(request.getfixturevalue(role))
    assert post_status(client, certificate, "suspend", reason("suspend")).status_code == 403
    assert status_of(certificate) == "active"


def test_an_anonymous_status_post_is_sent_to_sign_in(client, certificate):
    assert post_status(client, certificate, "withdraw", reason("withdraw")).status_code == 302
    assert status_of(certificate) == "active"


@pytest.mark.usefixtures("english")
def test_a_status_post_without_a_reason_says_so_on_the_page(english_client, manager, certificate):
    english_client.force_login(manager)
    response = post_status(english_client, certificate, "suspend", "", follow=True)
    assert response.status_code == 200
    assert "Choose a reason from the list." in response.content.decode()
    assert status_of(certificate) == "active"


@pytest.mark.usefixtures("english")
def test_a_status_post_with_another_actions_reason_says_so_on_the_page(english_client, manager, certificate):
    english_client.force_login(manager)
    response = post_status(english_client, certificate, "suspend", reason("withdraw"), follow=True)
    assert response.status_code == 200
    assert "Choose a reason from the list." in response.content.decode()
    assert status_of(certificate) == "active"


@pytest.mark.usefixtures("english")
def test_a_status_post_the_state_does_not_allow_says_so_on_the_page(english_client, manager, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(status="withdrawn")
    english_client.force_login(manager)
    response = post_status(english_client, certificate, "suspend", reason("suspend"), follow=True)
    assert response.status_code == 200
    assert "This is not possible while the certificate is" in response.content.decode()
    assert status_of(certificate) == "withdrawn"


def test_an_unknown_status_action_changes_nothing(client, manager, certificate):
    client.force_login(manager)
    response = post_status(client, certificate, "destroy", reason("suspend"))
    assert response.status_code == 302
    assert status_of(certificate) == "active"


def test_a_status_post_for_an_unknown_certificate_is_404(client, manager, certificate):
    client.force_login(manager)
    response = client.post(
        reverse("certificates:certificate_status", args=[uuid.uuid4(), "suspend"]),
        {"suspend-reason_code": reason("suspend")},
    )
    assert response.status_code == 404


# --- The decision page -------------------------------------------------------------------------


@pytest.fixture
def pending(world, cast):
    _certificate, case, lead = world.built
    return reloaded(case), reloaded(lead)


def decision_url(case):
    return reverse("certificates:decision", args=[case.public_id])


@pytest.fixture
def recused_manager(pending):
    _case, lead = pending
    lead.is_manager = True
    lead.save(update_fields=["is_manager"])
    return lead


@pytest.mark.usefixtures("english")
def test_a_manager_who_audited_the_case_sees_that_another_manager_must_decide(english_client, pending, recused_manager):
    case, _lead = pending
    english_client.force_login(recused_manager)
    response = english_client.get(decision_url(case))
    assert response.status_code == 200
    assert 'data-testid="recused"' in response.content.decode()
    assert 'data-testid="decision-form"' not in response.content.decode()


@pytest.mark.usefixtures("english")
def test_a_decision_posted_by_a_manager_who_audited_the_case_is_refused_on_the_page(
    english_client, pending, recused_manager
):
    case, _lead = pending
    english_client.force_login(recused_manager)
    response = english_client.post(decision_url(case), {"outcome": "certified", "level_code": "star3"})
    assert response.status_code == 200
    assert "another manager must decide" in response.content.decode()
    assert not Decision.objects.filter(case=case).exists()


def test_the_decision_queue_marks_a_case_the_manager_audited(client, pending, recused_manager):
    case, _lead = pending
    client.force_login(recused_manager)
    response = client.get(reverse("certificates:decision_queue"))
    assert response.context["cases"] == [(case, True)]


def test_the_decision_queue_offers_the_case_to_an_impartial_manager(client, manager, pending):
    case, _lead = pending
    client.force_login(manager)
    response = client.get(reverse("certificates:decision_queue"))
    assert response.context["cases"] == [(case, False)]
    assert decision_url(case) in response.content.decode()


def test_a_manager_certifies_on_the_decision_page(client, manager, pending):
    case, _lead = pending
    client.force_login(manager)
    response = client.post(decision_url(case), {"outcome": "certified", "level_code": "star3"})
    certificate = Certificate.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:certificate_detail", args=[certificate.public_id])


def test_a_manager_decides_not_to_certify_on_the_decision_page(client, manager, pending):
    case, _lead = pending
    client.force_login(manager)
    response = client.post(decision_url(case), {"outcome": "not_certified", "reason": "重大不符合"})
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:case_detail", args=[case.public_id])
    assert Case.objects.get(pk=case.pk).status == Case.Status.NOT_CERTIFIED


def test_the_decision_page_offers_only_the_levels_allowed(client, manager, pending):
    case, _lead = pending
    client.force_login(manager)
    form = client.get(decision_url(case)).context["form"]
    assert [code for code, _label in form.fields["level_code"].choices] == ["", "compliant", "star3"]


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"level_code": "star3"}, "This field is required.", id="no-outcome"),
        pytest.param(
            {"outcome": "certified", "level_code": "star4"}, "Select a valid choice.", id="level-not-allowed"
        ),
        pytest.param(
            {"outcome": "certified", "level_code": "compliant"},
            "Give the reason for granting a lower level",
            id="lower-level-without-reason",
        ),
        pytest.param({"outcome": "not_certified"}, "Give the reason for not certifying.", id="no-reason"),
        pytest.param({"outcome": "certified", "level_code": ""}, "Choose one of the levels", id="no-level"),
        pytest.param({"outcome": "perhaps"}, "Select a valid choice.", id="unknown-outcome"),
    ],
)
def test_bad_input_on_the_decision_form_shows_an_error_on_the_page(english_client, manager, pending, data, message):
    case, _lead = pending
    english_client.force_login(manager)
    response = english_client.post(decision_url(case), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Case.Status.DECISION_PENDING


@pytest.mark.usefixtures("english")
def test_a_decision_posted_for_a_case_not_waiting_for_it_is_refused_on_the_page(
    english_client, manager, organisation
):
    case = case_row(organisation, manager, status=Case.Status.CONTRACT_SIGNED)
    english_client.force_login(manager)
    response = english_client.post(decision_url(case), {"outcome": "not_certified", "reason": "理由"})
    assert response.status_code == 200
    assert "The decision is made once the audit is complete" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Case.Status.CONTRACT_SIGNED


def test_the_decision_page_of_a_decided_case_shows_the_decision(client, manager, applicant, organisation):
    certificate = issued_certificate(applicant, organisation, manager)
    client.force_login(manager)
    response = client.get(decision_url(certificate.case))
    assert response.status_code == 200
    assert 'data-testid="decision-made"' in response.content.decode()
    assert certificate.number in response.content.decode()


def test_a_second_decision_posted_for_a_decided_case_is_refused_on_the_page(client, manager, applicant, organisation):
    certificate = issued_certificate(applicant, organisation, manager)
    client.force_login(manager)
    response = client.post(
        decision_url(certificate.case), {"outcome": "not_certified", "reason": "改变"}, follow=True
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="decision-made"' in content
    assert manager.full_name in [str(m) for m in response.context["messages"]][0]
    assert Case.objects.get(pk=certificate.case_id).status == Case.Status.CERTIFIED


# --- Reason codes --------------------------------------------------------------------------------


def test_a_manager_adds_a_reason_code(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("certificates:reason_code_new"),
        {"action": "suspend", "code": "S99", "label_zh": "其他原因", "label_en": "Other", "position": 9, "active": "on"},
    )
    assert response.status_code == 302
    assert ReasonCode.objects.filter(action="suspend", code="S99", active=True).exists()


@pytest.mark.usefixtures("english")
def test_a_reason_code_used_already_is_refused_on_the_page(english_client, manager):
    english_client.force_login(manager)
    response = english_client.post(
        reverse("certificates:reason_code_new"),
        {"action": "suspend", "code": "S01", "label_zh": "重复", "position": 0, "active": "on"},
    )
    assert response.status_code == 200
    assert ReasonCode.objects.filter(action="suspend", code="S01").count() == 1


def test_a_manager_retires_a_reason_code_without_changing_its_code(client, manager):
    reason_code = ReasonCode.objects.get(action="suspend", code="S01")
    client.force_login(manager)
    response = client.post(
        reverse("certificates:reason_code_edit", args=[reason_code.pk]),
        {"action": "cancel", "code": "X", "label_zh": reason_code.label_zh, "position": 0},
    )
    assert response.status_code == 302
    reason_code.refresh_from_db()
    assert (reason_code.action, reason_code.code, reason_code.active) == ("suspend", "S01", False)


@pytest.mark.parametrize(("role", "status"), [("outsider", 404), ("auditor", 404), ("manager", 403)])
def test_only_the_holders_members_may_apply_for_renewal(client, request, certificate, role, status):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("certificates:renewal_apply", args=[certificate.public_id]))
    assert response.status_code == status
    assert not Case.objects.filter(kind=Case.Kind.RENEWAL).exists()


def test_the_case_page_links_its_certificate_for_the_holder(client, applicant, pending, manager):
    case, _lead = pending
    certificate = services.decision_record(actor=manager, case=case, outcome="certified", level_code="star3").certificates.get()
    client.force_login(applicant)

    content = client.get(reverse("applications:case_detail", args=[case.public_id])).content.decode()

    assert reverse("certificates:certificate_detail", args=[certificate.public_id]) in content


def test_the_case_page_shows_its_auditor_no_link_to_a_certificate_they_may_not_open(client, pending, manager):
    case, lead = pending
    certificate = services.decision_record(actor=manager, case=case, outcome="certified", level_code="star3").certificates.get()
    client.force_login(lead)

    response = client.get(reverse("applications:case_detail", args=[case.public_id]))

    assert response.status_code == 200
    assert reverse("certificates:certificate_detail", args=[certificate.public_id]) not in response.content.decode()


def test_the_decision_page_shows_the_leads_recommendation_against_certifying(
    english_client, applicant, organisation, manager
):
    case, _lead, _member = decision_pending_case(applicant, organisation, manager, recommendation="not_certified")
    english_client.force_login(manager)

    content = english_client.get(decision_url(case)).content.decode()

    assert 'data-testid="recommendation">Do not certify</div>' in content
