"""Every case page for every role: the case's organisation, another
organisation's applicant, staff with and without access."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.lifecycle import all_accepted
from applications.models import Material
from applications.selectors.case import case_get_for_user
from applications.urls import urlpatterns
from scoring.models import SchemeVersion
from tests.access import client_as, expect, managers_only, matrix_params, url_names
from tests.applications.case_helpers import complete, draft_case, submitted_case
from tests.worlds import reloaded, shared_world

POST_ONLY_FOR_MEMBERS = expect(302, 405, 405, 405, 403, 403)
POST_ONLY_FOR_MANAGERS = expect(302, 403, 403, 403, 403, 405)

CASE_PAGES = {
    # Staff without a grant (the auditor) see an empty list, not an error.
    "applications:case_list": expect(302, 200, 200, 200, 200, 200),
    "applications:case_create": expect(302, 200, 200, 302, 403, 403),
    "applications:review_queue": managers_only(),
    # The auditor has no access grant to this case: 404 like a stranger.
    "applications:case_detail": expect(302, 200, 404, 404, 404, 200),
    "applications:material_download": expect(302, 200, 404, 404, 404, 200),
    "applications:supplement_notice_pdf": expect(302, 200, 404, 404, 404, 200),
    "applications:case_update": POST_ONLY_FOR_MEMBERS,
    "applications:case_declare": POST_ONLY_FOR_MEMBERS,
    "applications:material_upload": POST_ONLY_FOR_MEMBERS,
    "applications:material_remove": POST_ONLY_FOR_MEMBERS,
    "applications:case_submit": POST_ONLY_FOR_MEMBERS,
    "applications:case_withdraw": POST_ONLY_FOR_MEMBERS,
    "applications:case_review_start": POST_ONLY_FOR_MANAGERS,
    "applications:case_review_decide": POST_ONLY_FOR_MANAGERS,
    "applications:case_reject": POST_ONLY_FOR_MANAGERS,
    "applications:case_documents_revised": POST_ONLY_FOR_MEMBERS,
    "applications:case_contract_send": POST_ONLY_FOR_MANAGERS,
    "applications:case_contract_accept": POST_ONLY_FOR_MEMBERS,
    "applications:case_prepayment_record": POST_ONLY_FOR_MANAGERS,
    # This case has no contract yet (its own tests cover one that has).
    "applications:contract_pdf": expect(302, 404, 404, 404, 404, 404),
    "applications:fee_schedule": managers_only(),
}


def _case_with_supplement(cast):
    case = submitted_case(cast.applicant, cast.organisation)
    services.case_review_start(actor=cast.manager, case=case)
    material = case.materials.first()
    return services.case_request_supplement(
        actor=cast.manager, case=case, reviews={material.material_type_id: (False, "请更新")}
    )


# Built once for the module, with its supplement notice PDF stored.
world, cast = shared_world(_case_with_supplement)


@pytest.fixture
def case_with_supplement(world, cast):
    return reloaded(world.built)


@pytest.fixture
def page_url(case_with_supplement):
    case = case_with_supplement
    material = case.materials.first()
    supplement = case.supplement_requests.get()
    by_name = {
        "applications:material_download": {"material_id": material.pk},
        "applications:material_remove": {"material_id": material.pk},
        "applications:material_upload": {"type_id": material.material_type_id},
        "applications:supplement_notice_pdf": {"request_id": supplement.pk},
    }
    plain = {
        "applications:case_list",
        "applications:case_create",
        "applications:review_queue",
        "applications:fee_schedule",
    }

    def url(name):
        if name in plain:
            return reverse(name)
        return reverse(name, kwargs={"public_id": case.public_id, **by_name.get(name, {})})

    return url


def test_the_matrix_covers_every_case_page():
    missing = url_names(urlpatterns, "applications", views="applications.views.case") - set(CASE_PAGES)
    assert missing == set(), f"case pages missing from the access matrix: {sorted(missing)}"


@pytest.mark.parametrize(("name", "role", "status"), matrix_params(CASE_PAGES))
def test_case_page_answers_each_role_as_expected(client, request, page_url, name, role, status):
    client = client_as(client, request, role)
    assert client.get(page_url(name)).status_code == status


def test_an_auditor_granted_access_sees_the_case(client, auditor, manager, case_with_supplement):
    services.case_access_grant(actor=manager, case=case_with_supplement, user=auditor, reason="审核组")
    client.force_login(auditor)
    assert client.get(reverse("applications:case_detail", args=[case_with_supplement.public_id])).status_code == 200


def test_another_organisations_applicant_cannot_download_a_material(client, outsider, case_with_supplement):
    material = Material.objects.filter(case=case_with_supplement).first()
    client.force_login(outsider)
    url = reverse("applications:material_download", args=[case_with_supplement.public_id, material.pk])
    assert client.get(url).status_code == 404


def test_another_organisations_applicant_cannot_submit_the_case(client, outsider, applicant, organisation):
    case = complete(draft_case(applicant, organisation), applicant)
    client.force_login(outsider)
    response = client.post(reverse("applications:case_submit", args=[case.public_id]))
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == "draft"


def test_the_contract_pdf_is_served_to_the_organisation_and_managers_only(
    client, applicant, organisation, manager, outsider, auditor, django_capture_on_commit_callbacks
):
    from applications.models import ServiceOutlet
    from applications.services import contract as contract_services
    from tests.applications.case_helpers import under_review_case

    organisation.employee_count = 30
    organisation.save(update_fields=["employee_count"])
    ServiceOutlet.objects.create(organisation=organisation, name="总部", address="福州", headcount=3)
    case = under_review_case(applicant, organisation, manager)
    services.case_accept(actor=manager, case=case, reviews=all_accepted(case))
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.case_contract_send(actor=manager, case=case)
    url = reverse("applications:contract_pdf", args=[case.public_id])
    expected = {applicant: 200, manager: 200, outsider: 404, auditor: 404}
    for person, status in expected.items():
        client.force_login(person)
        assert client.get(url).status_code == status, person


def _second_view(client, case):
    url = reverse("applications:case_detail", args=[case.public_id])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries]


def test_a_second_view_of_a_case_reads_its_published_version_no_more(client, applicant, organisation):
    # The version and scheme come from the per-process copy of settled
    # versions (scoring.version_with_scheme) after the first read.
    client.force_login(applicant)
    sql = _second_view(client, draft_case(applicant, organisation))
    assert not [query for query in sql if '"scoring_scheme"."code"' in query]


def test_a_second_view_of_a_case_reads_its_schemes_material_types_no_more(client, applicant, organisation):
    client.force_login(applicant)
    sql = _second_view(client, draft_case(applicant, organisation))
    assert not [query for query in sql if 'FROM "applications_materialtype"' in query]


def test_a_case_is_read_with_its_version_as_it_is_now_after_the_version_changed(client, applicant, organisation):
    client.force_login(applicant)
    case = draft_case(applicant, organisation)
    client.get(reverse("applications:case_detail", args=[case.public_id]))
    SchemeVersion.objects.filter(pk=case.version_id).update(normative=True)
    assert case_get_for_user(applicant, case.public_id).version.normative is True
