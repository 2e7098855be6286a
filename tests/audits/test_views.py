import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits import services
from audits.models import Audit
from audits.urls import urlpatterns
from scoring.models import Indicator
from tests.access import client_as, expect, managers_only, matrix_params, url_names
from tests.audits.helpers import declared_auditor, running_document_review, signed_case
from tests.factories import ManagerFactory, MembershipFactory
from tests.worlds import reloaded, shared_world

AUDITOR_POST = expect(302, 403, 403, 403, 405, 403)
MANAGER_POST = expect(302, 403, 403, 403, 403, 405)

PAGES = {
    "audits:my_audits": expect(302, 403, 403, 403, 200, 200),
    "audits:audit_plan": managers_only(),
    # `auditor` was not asked to declare about this organisation.
    "audits:declaration": expect(302, 403, 403, 403, 404, 403),
    # `auditor` is not on this audit's team: like a stranger, 404.
    "audits:audit_detail": expect(302, 404, 404, 404, 404, 200),
    "audits:audit_team": MANAGER_POST,
    "audits:declaration_request": MANAGER_POST,
    "audits:audit_start": AUDITOR_POST,
    "audits:document_comment": AUDITOR_POST,
    "audits:document_review_pass": AUDITOR_POST,
    "audits:document_revisions_request": AUDITOR_POST,
    # The audit in this fixture is a document review: it has no sheet yet,
    # so its scoring page sends the team back to the overview.
    "audits:audit_scoring": expect(302, 404, 404, 404, 404, 302),
    "audits:audit_mark": AUDITOR_POST,
    "audits:audit_mark_evidence": AUDITOR_POST,
    "audits:audit_mark_evidence_file": expect(302, 404, 404, 404, 404, 404),
    "audits:audit_deduction_add": AUDITOR_POST,
    "audits:audit_bonus": AUDITOR_POST,
    "audits:audit_findings": expect(302, 404, 404, 404, 404, 200),
    "audits:finding_evidence_file": expect(302, 404, 404, 404, 404, 404),
    "audits:audit_report": expect(302, 404, 404, 404, 404, 200),
    "audits:audit_report_submit": AUDITOR_POST,
    "audits:audit_rescore_start": AUDITOR_POST,
    "audits:audit_final_submit": AUDITOR_POST,
    # No report PDF exists for a document review.
    "audits:audit_report_pdf": expect(302, 404, 404, 404, 404, 404),
    "audits:audit_follow_up_close": AUDITOR_POST,
    # The organisation's view of its case's audits; other staff need access to the case.
    "audits:case_audits": expect(302, 200, 404, 404, 404, 200),
    "audits:audit_days_table": managers_only(),
}


def _reviews(cast):
    case = signed_case(cast.applicant, cast.organisation, cast.manager)
    audit, lead = running_document_review(case, cast.manager)
    # A signed case of another organisation, for the planning page.
    member = MembershipFactory().user
    second_case = signed_case(member, member.memberships.get().organisation, ManagerFactory())
    return audit, lead, second_case


world, cast = shared_world(_reviews)


@pytest.fixture
def review(world, cast):
    audit, lead, _second_case = world.built
    return reloaded(audit), reloaded(lead)


@pytest.fixture
def second_case(world, cast):
    return reloaded(world.built[2])


@pytest.fixture
def page_url(review, second_case, auditor):
    audit, _lead = review
    indicator = Indicator.objects.filter(category__version=audit.case.version).first()
    arguments = {
        "audits:audit_plan": {"case_public_id": second_case.public_id, "kind": "document_review"},
        "audits:declaration": {"organisation_public_id": audit.case.organisation.public_id},
        "audits:declaration_request": {"public_id": audit.public_id, "auditor_public_id": auditor.public_id},
        "audits:document_comment": {"public_id": audit.public_id, "indicator_id": indicator.pk},
        "audits:audit_mark": {"public_id": audit.public_id, "item_id": 1},
        "audits:audit_mark_evidence": {"public_id": audit.public_id, "item_id": 1},
        "audits:audit_mark_evidence_file": {"public_id": audit.public_id, "evidence_id": 1},
        "audits:finding_evidence_file": {"public_id": audit.public_id, "evidence_id": 1},
        "audits:case_audits": {"case_public_id": audit.case.public_id},
    }
    own = {
        "audits:audit_detail",
        "audits:audit_team",
        "audits:audit_start",
        "audits:document_review_pass",
        "audits:document_revisions_request",
        "audits:audit_scoring",
        "audits:audit_deduction_add",
        "audits:audit_bonus",
        "audits:audit_findings",
        "audits:audit_report",
        "audits:audit_report_submit",
        "audits:audit_rescore_start",
        "audits:audit_final_submit",
        "audits:audit_report_pdf",
        "audits:audit_follow_up_close",
    }

    def url(name):
        if name in arguments:
            return reverse(name, kwargs=arguments[name])
        if name in own:
            return reverse(name, kwargs={"public_id": audit.public_id})
        return reverse(name)

    return url


def test_the_matrix_covers_every_audit_page():
    # Call-backs and nonconformities have matrices of their own.
    own = url_names(urlpatterns, "audits", views="audits.views.audit") | url_names(
        urlpatterns, "audits", views="audits.views.onsite"
    )
    assert own - set(PAGES) == set()


@pytest.mark.parametrize(("name", "role", "status"), matrix_params(PAGES))
def test_audit_page_answers_each_role_as_expected(client, request, page_url, name, role, status):
    client = client_as(client, request, role)
    assert client.get(page_url(name)).status_code == status


@pytest.mark.django_db
def test_the_lead_sees_the_workspace_and_an_outsider_auditor_gets_404(client, review, auditor):
    audit, lead = review
    url = reverse("audits:audit_detail", args=[audit.public_id])
    client.force_login(lead)
    assert client.get(url).status_code == 200
    client.force_login(auditor)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_lead_sees_the_audit_on_my_audits(client, review):
    audit, lead = review
    client.force_login(lead)
    response = client.get(reverse("audits:my_audits"))
    assert [a.pk for a in response.context["audits"]] == [audit.pk]


@pytest.mark.django_db
def test_a_team_assignment_without_declaration_is_refused_on_the_page(english_client, applicant, organisation, manager):
    from tests.audits.helpers import planned_document_review
    from tests.factories import AuditorFactory

    case = signed_case(applicant, organisation, manager)
    audit = planned_document_review(case, manager)
    lead = AuditorFactory(full_name="Undeclared Wu")
    english_client.force_login(manager)
    response = english_client.post(
        reverse("audits:audit_team", args=[audit.public_id]), {"lead": str(lead.public_id)}, follow=True
    )
    assert "No current no-conflict declaration from: Undeclared Wu" in response.content.decode()
    assert not audit.team.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("posted", "refusal"),
    [
        ({}, "Choose the lead auditor."),
        ({"lead": "00000000-0000-0000-0000-000000000000"}, "The lead auditor chosen is not an active auditor."),
    ],
)
def test_a_team_without_an_active_lead_is_refused_on_the_page(
    english_client, applicant, organisation, manager, posted, refusal
):
    from tests.audits.helpers import planned_document_review

    audit = planned_document_review(signed_case(applicant, organisation, manager), manager)
    english_client.force_login(manager)
    response = english_client.post(reverse("audits:audit_team", args=[audit.public_id]), posted, follow=True)
    assert refusal in response.content.decode()
    assert not audit.team.exists()


@pytest.mark.django_db
def test_the_plan_form_refuses_an_end_before_the_start(english_client, manager, second_case):
    english_client.force_login(manager)
    response = english_client.post(
        reverse("audits:audit_plan", args=[second_case.public_id, "document_review"]),
        {"mode": "remote", "planned_start": "2026-12-10", "planned_end": "2026-12-09", "days": "1.0"},
    )
    assert "The audit cannot end before it starts." in response.content.decode()
    assert not Audit.objects.filter(case=second_case).exists()


@pytest.mark.django_db
def test_an_unknown_kind_of_audit_is_404(client, manager, second_case):
    client.force_login(manager)
    assert client.get(reverse("audits:audit_plan", args=[second_case.public_id, "party"])).status_code == 404


def _workspace_queries(client, audit):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("audits:audit_detail", args=[audit.public_id])).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_workspace_runs_the_same_queries_with_few_and_many_comments(client, review):
    audit, lead = review
    client.force_login(lead)
    indicators = list(Indicator.objects.filter(category__version=audit.case.version))
    for indicator in indicators[:3]:
        services.document_comment_set(actor=lead, audit=audit, indicator_id=indicator.pk, outcome="conforming")
    _workspace_queries(client, audit)
    few = _workspace_queries(client, audit)
    for indicator in indicators[3:]:
        services.document_comment_set(actor=lead, audit=audit, indicator_id=indicator.pk, outcome="revise", comment="修订")
    declared_auditor(audit.case.organisation)
    assert _workspace_queries(client, audit) == few


@pytest.mark.django_db
def test_the_days_table_page_refuses_two_open_ended_bands(english_client, manager):
    english_client.force_login(manager)
    response = english_client.post(
        reverse("audits:audit_days_table"),
        {
            "per_additional_outlet": "0.5",
            "per_additional_category": "0.5",
            "document_review_share": "0.5",
            "surveillance_share": "0.33",
            "bands-TOTAL_FORMS": "2",
            "bands-INITIAL_FORMS": "0",
            "bands-0-max_employees": "",
            "bands-0-days": "1.0",
            "bands-1-max_employees": "",
            "bands-1-days": "2.0",
        },
    )
    assert "Exactly one band must be open-ended" in response.content.decode()


@pytest.mark.django_db
def test_the_team_form_shows_the_current_team(client, applicant, organisation, manager):
    from tests.audits.helpers import staffed_document_review

    case = signed_case(applicant, organisation, manager)
    audit, lead = staffed_document_review(case, manager)
    client.force_login(manager)
    content = client.get(reverse("audits:audit_detail", args=[audit.public_id])).content.decode()
    assert f'name="lead" value="{lead.public_id}" aria-label' in content
    lead_input = content.split(f'name="lead" value="{lead.public_id}"')[1].split(">")[0]
    assert "checked" in lead_input
