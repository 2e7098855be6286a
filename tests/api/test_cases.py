"""Organisations and cases through the API: made, given materials and
declarations, submitted and reviewed through the same forms and services
as the pages; read tokens read only; lists page by cursor and filter like
the managers' list, at a constant number of queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Case, MaterialType
from certify.api import pagination
from certify.services import api_token_create
from scoring.catalogue import GBT27922
from scoring.selectors import scheme_version_latest_published
from tests.applications.case_helpers import ALL_DECLARED, case_at, complete, draft_case, eligible
from tests.certificates.helpers import case_row

pytestmark = pytest.mark.django_db


def caller(client, user, scope="write"):
    """`client` calling as `user` with a token of `scope`, in English."""
    _row, token = api_token_create(actor=user, user=user, name="test", scope=scope, days=1)
    client.defaults.update(HTTP_AUTHORIZATION=f"Token {token}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def case_url(case, action=None):
    return reverse(f"api:case_{action}" if action else "api:case", args=[case.public_id])


def test_an_applicant_creates_their_organisation(client, applicant_without_organisation):
    response = post(
        caller(client, applicant_without_organisation),
        reverse("api:organisations"),
        {"legal_name": "福州示例电器服务有限公司", "uscc": "91350100M000100Y43"},
    )
    assert (response.status_code, response.json()["uscc"]) == (201, "91350100M000100Y43")


def test_an_invalid_code_is_a_400_naming_the_field(client, applicant_without_organisation):
    response = post(
        caller(client, applicant_without_organisation),
        reverse("api:organisations"),
        {"legal_name": "福州示例电器服务有限公司", "uscc": "91350100M000100Y44"},
    )
    assert (response.status_code, list(response.json()["errors"])) == (400, ["uscc"])


def test_the_scheme_versions_name_their_levels_and_materials(client, applicant):
    versions = caller(client, applicant).get(reverse("api:scheme_versions")).json()
    standard = next(version for version in versions if version["scheme_code"] == GBT27922)
    assert "star5" in [level["code"] for level in standard["levels"]]
    assert standard["material_types"]


def test_an_applicant_creates_a_draft_case(client, applicant, organisation):
    eligible(applicant, organisation)
    version = scheme_version_latest_published(GBT27922)
    response = post(
        caller(client, applicant),
        reverse("api:cases"),
        {"version": version.pk, "target_level": "star4", "scope": "家用空调的销售、安装和维修"},
    )
    body = response.json()
    assert (response.status_code, body["status"], "submit" in body["actions"]) == (201, "draft", True)


def test_a_level_the_scheme_lacks_is_a_400(client, applicant, organisation):
    version = scheme_version_latest_published(GBT27922)
    response = post(
        caller(client, applicant), reverse("api:cases"), {"version": version.pk, "target_level": "star99", "scope": "x"}
    )
    assert (response.status_code, list(response.json()["errors"])) == (400, ["target_level"])


def test_a_material_is_uploaded_as_multipart(client, applicant, organisation):
    case = draft_case(applicant, organisation)
    material_type = MaterialType.objects.filter(scheme=case.version.scheme).first()
    upload = SimpleUploadedFile("营业执照.pdf", b"%PDF-1.4 licence", content_type="application/pdf")
    response = caller(client, applicant).post(
        case_url(case, "materials"), {"material_type": material_type.pk, "file": upload}
    )
    row = next(row for row in response.json()["checklist"] if row["material_type"]["id"] == material_type.pk)
    assert (response.status_code, row["latest"]["file_name"]) == (201, "营业执照.pdf")


def test_a_material_type_of_another_scheme_is_a_400(client, applicant, organisation):
    case = draft_case(applicant, organisation)
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = caller(client, applicant).post(case_url(case, "materials"), {"material_type": 0, "file": upload})
    assert (response.status_code, list(response.json()["errors"])) == (400, ["material_type"])


def test_submitting_an_incomplete_case_is_a_409_listing_what_is_missing(client, applicant, organisation):
    case = draft_case(applicant, organisation)
    response = post(caller(client, applicant), case_url(case, "submit"))
    assert (response.status_code, response.json()["code"]) == (409, "refused")
    assert "declaration" in response.json()["detail"].lower()


def test_a_complete_case_is_declared_and_submitted(client, applicant, organisation):
    case = complete(draft_case(applicant, organisation), applicant, skip=())
    api = caller(client, applicant)
    assert post(api, case_url(case, "declarations"), ALL_DECLARED).status_code == 200
    assert post(api, case_url(case, "submit")).json()["status"] == "submitted"


def test_a_read_token_may_not_write(client, applicant, organisation):
    case = draft_case(applicant, organisation)
    response = post(caller(client, applicant, scope="read"), case_url(case, "submit"))
    assert (response.status_code, response.json()["code"]) == (403, "not_allowed")
    assert Case.objects.get(pk=case.pk).status == Case.Status.DRAFT


def test_a_manager_accepts_with_the_materials_marked(client, applicant, organisation, manager):
    case = case_at("under_review", applicant, organisation, manager)
    reviews = [
        {"material_type": material_type.pk, "accepted": True}
        for material_type in MaterialType.objects.filter(scheme=case.version.scheme, required=True)
    ]
    response = post(caller(client, manager), case_url(case, "accept"), {"reviews": reviews})
    assert (response.status_code, response.json()["status"]) == (200, "accepted")


def test_accepting_again_is_a_409_saying_who_did_it_and_when(client, applicant, organisation, manager):
    case = case_at("accepted", applicant, organisation, manager)
    body = post(caller(client, manager), case_url(case, "accept")).json()
    assert (body["status"], body["code"], body["by"]) == (409, "already_done", manager.full_name)
    assert body["at"]


def test_a_session_call_needs_the_csrf_token(client, applicant, organisation):
    case = draft_case(applicant, organisation)
    client.handler.enforce_csrf_checks = True
    client.force_login(applicant)
    assert post(client, case_url(case, "withdraw")).status_code == 403


# --- The list -----------------------------------------------------------------------------


def test_the_managers_list_filters_by_state(client, manager, organisation):
    submitted = case_row(organisation, manager, status=Case.Status.SUBMITTED)
    case_row(organisation, manager, status=Case.Status.DECISION_PENDING)
    listed = caller(client, manager).get(reverse("api:cases"), {"status": "submitted"}).json()["results"]
    assert [row["id"] for row in listed] == [str(submitted.public_id)]


def test_an_unknown_state_is_a_400_naming_the_filter(client, manager):
    response = caller(client, manager).get(reverse("api:cases"), {"status": "lost"})
    assert (response.status_code, list(response.json()["errors"])) == (400, ["status"])


def test_the_list_pages_by_cursor_newest_first_each_case_once(client, manager, organisation, monkeypatch):
    monkeypatch.setattr(pagination, "PAGE_SIZE", 2)
    made = [case_row(organisation, manager) for _ in range(5)]
    seen, url = [], reverse("api:cases")
    api = caller(client, manager)
    while url:
        page = api.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == [str(case.public_id) for case in reversed(made)]


def test_an_applicant_lists_only_their_organisations_cases(client, applicant, organisation, outsider, manager):
    own = case_row(organisation, manager)
    case_row(outsider.memberships.get().organisation, manager)
    listed = caller(client, applicant).get(reverse("api:cases")).json()["results"]
    assert [row["id"] for row in listed] == [str(own.public_id)]


def test_the_list_reads_as_many_queries_for_3_cases_as_for_30(client, manager, organisation, django_assert_num_queries):
    api = caller(client, manager)
    for _ in range(3):
        case_row(organisation, manager)
    api.get(reverse("api:cases"))
    with CaptureQueriesContext(connection) as small:
        api.get(reverse("api:cases"))
    for _ in range(27):
        case_row(organisation, manager)
    with django_assert_num_queries(len(small)):
        api.get(reverse("api:cases"))


def test_an_administrator_invites_a_colleague(client, applicant, organisation):
    response = post(
        caller(client, applicant),
        reverse("api:organisation_invitations", args=[organisation.public_id]),
        {"email": "colleague@example.com", "role": "member"},
    )
    assert (response.status_code, response.json()["email"]) == (201, "colleague@example.com")


def test_a_member_starts_a_self_assessment(client, applicant, organisation):
    version = scheme_version_latest_published(GBT27922)
    response = post(
        caller(client, applicant), reverse("api:self_assessments"), {"title": "年度自评", "version": version.pk}
    )
    assert (response.status_code, response.json()["scheme_code"]) == (201, GBT27922)
