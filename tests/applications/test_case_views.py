import hashlib
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Case, MaterialType
from scoring.catalogue import GBT27922
from scoring.selectors import scheme_version_latest_published
from tests.applications.case_helpers import complete, draft_case, under_review_case
from tests.audits.helpers import quotable
from tests.samples import MINIMAL_PDF, WINDOWS_EXECUTABLE
from tests.tools import needs

pytestmark = pytest.mark.django_db


def test_an_applicant_creates_an_application_through_the_form(client, applicant):
    client.force_login(applicant)
    version = scheme_version_latest_published(GBT27922)
    response = client.post(
        reverse("applications:case_create"),
        {"version": version.pk, "target_level": "star3", "scope": "电梯的安装和维保"},
    )
    case = Case.objects.get()
    assert response["Location"] == reverse("applications:case_detail", args=[case.public_id])


def test_an_empty_scope_is_refused_on_the_form(english_client, applicant):
    english_client.force_login(applicant)
    version = scheme_version_latest_published(GBT27922)
    response = english_client.post(
        reverse("applications:case_create"), {"version": version.pk, "target_level": "star3", "scope": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Case.objects.exists()


def test_an_outlet_number_no_key_can_be_is_refused_on_the_form(english_client, applicant, organisation):
    quotable(organisation)
    english_client.force_login(applicant)
    version = scheme_version_latest_published(GBT27922)
    response = english_client.post(
        reverse("applications:case_create"),
        {"version": version.pk, "target_level": "star3", "scope": "电梯", "outlets": ["9" * 30]},
    )
    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()


def test_a_disguised_executable_is_refused_with_a_clear_message(english_client, applicant, organisation):
    case = draft_case(applicant, organisation)
    licence = MaterialType.objects.get(scheme=case.version.scheme, code="business_licence")
    english_client.force_login(applicant)
    response = english_client.post(
        reverse("applications:material_upload", args=[case.public_id, licence.pk]),
        {"file": SimpleUploadedFile("营业执照.pdf", WINDOWS_EXECUTABLE)},
        follow=True,
    )
    assert "Renaming a file does not change what it is." in response.content.decode()
    assert not case.materials.exists()


def test_a_pdf_named_docx_is_refused(english_client, applicant, organisation):
    case = draft_case(applicant, organisation)
    licence = MaterialType.objects.get(scheme=case.version.scheme, code="business_licence")
    english_client.force_login(applicant)
    response = english_client.post(
        reverse("applications:material_upload", args=[case.public_id, licence.pk]),
        {"file": SimpleUploadedFile("营业执照.docx", MINIMAL_PDF)},
        follow=True,
    )
    assert "but its content is PDF" in response.content.decode()


def test_submitting_with_a_missing_material_lists_it_on_the_page(english_client, applicant, organisation):
    case = complete(draft_case(applicant, organisation), applicant, skip={"service_manual"})
    english_client.force_login(applicant)
    response = english_client.post(reverse("applications:case_submit", args=[case.public_id]), follow=True)
    content = response.content.decode()
    assert "The application cannot be submitted yet:" in content
    assert "After-sales service manual and procedures" in content
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT


def test_a_supplement_without_a_comment_is_refused_on_the_page(english_client, applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    material = case.materials.first()
    english_client.force_login(manager)
    response = english_client.post(
        reverse("applications:case_review_decide", args=[case.public_id]),
        {"decision": "supplement", f"review-{material.material_type_id}": "commented"},
        follow=True,
    )
    assert "Say what is wrong with each material" in response.content.decode()


def test_a_rejection_without_a_reason_is_refused_on_the_page(english_client, applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    english_client.force_login(manager)
    response = english_client.post(reverse("applications:case_reject", args=[case.public_id]), {"reason": ""}, follow=True)
    assert "Give the reason for rejecting the application." in response.content.decode()


def test_the_review_form_accepts_the_application(client, applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    data = {"decision": "accept"}
    for material_type in MaterialType.objects.filter(scheme=case.version.scheme):
        data[f"review-{material_type.pk}"] = "accepted"
    client.force_login(manager)
    client.post(reverse("applications:case_review_decide", args=[case.public_id]), data)
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED


@needs("pdftotext", "poppler-utils")
def test_the_supplement_notice_pdf_names_the_material_and_the_due_date(
    client, applicant, organisation, manager, tmp_path, django_capture_on_commit_callbacks
):
    from applications import services

    case = under_review_case(applicant, organisation, manager)
    manual = MaterialType.objects.get(scheme=case.version.scheme, code="service_manual")
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_request_supplement(
            actor=manager, case=case, reviews={manual.pk: (False, "缺少投诉处理程序")}
        )
    supplement = case.supplement_requests.get()
    client.force_login(applicant)
    response = client.get(reverse("applications:supplement_notice_pdf", args=[case.public_id, supplement.pk]))
    path = tmp_path / "notice.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "补充材料通知" in text
    assert "缺少投诉处理程序" in text
    assert supplement.due_date.strftime("%Y-%m-%d") in text


def _supplement_requested(applicant, organisation, manager):
    from applications import services

    case = under_review_case(applicant, organisation, manager)
    manual = MaterialType.objects.get(scheme=case.version.scheme, code="service_manual")
    return services.case_request_supplement(actor=manager, case=case, reviews={manual.pk: (False, "缺少投诉处理程序")})


def test_the_supplement_notice_is_stored_with_its_sha256_after_the_request_commits(
    applicant, organisation, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _supplement_requested(applicant, organisation, manager)
    supplement = case.supplement_requests.get()
    with supplement.notice_pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF") and supplement.notice_sha256 == hashlib.sha256(data).hexdigest()


def test_the_supplement_notice_is_not_rendered_before_the_request_commits(applicant, organisation, manager):
    case = _supplement_requested(applicant, organisation, manager)
    assert not case.supplement_requests.get().notice_pdf


def test_a_notice_still_being_prepared_sends_the_reader_back_to_the_case_saying_so(
    client, applicant, organisation, manager
):
    case = _supplement_requested(applicant, organisation, manager)
    supplement = case.supplement_requests.get()
    client.force_login(applicant)
    response = client.get(
        reverse("applications:supplement_notice_pdf", args=[case.public_id, supplement.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("applications:case_detail", args=[case.public_id])
    assert [str(message) for message in response.context["messages"]] == ["通知书正在生成，请稍后再打开。"]


def test_a_stored_notice_is_served_without_rendering_it_again(
    client, applicant, organisation, manager, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _supplement_requested(applicant, organisation, manager)
    supplement = case.supplement_requests.get()
    monkeypatch.setattr("applications.documents.html_to_pdf", lambda html: pytest.fail("rendered again"))
    client.force_login(applicant)
    response = client.get(reverse("applications:supplement_notice_pdf", args=[case.public_id, supplement.pk]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")


def test_a_case_shows_its_open_supplement_request_apart_from_the_answered_ones(applicant, organisation, manager):
    import datetime

    from applications.models import SupplementRequest
    from applications.selectors.case import case_supplements

    case = under_review_case(applicant, organisation, manager)
    due = datetime.date(2026, 12, 31)
    first = SupplementRequest.objects.create(
        case=case, due_date=due, requested_by=manager, answered_at=datetime.datetime(2026, 11, 2, tzinfo=datetime.UTC)
    )
    second = SupplementRequest.objects.create(
        case=case, due_date=due, requested_by=manager, answered_at=datetime.datetime(2026, 11, 9, tzinfo=datetime.UTC)
    )
    open_request = SupplementRequest.objects.create(case=case, due_date=due, requested_by=manager)

    assert case_supplements(case) == (open_request, [second, first])


def test_a_withdrawal_with_a_reason_too_long_is_refused_on_the_page_and_nothing_is_withdrawn(
    english_client, applicant, organisation
):
    case = draft_case(applicant, organisation)
    english_client.force_login(applicant)

    response = english_client.post(
        reverse("applications:case_withdraw", args=[case.public_id]), {"reason": "x" * 2001}, follow=True
    )

    assert "at most 2000 characters" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT


def test_a_withdrawal_keeps_its_reason(english_client, applicant, organisation):
    from certify.models import Event

    case = draft_case(applicant, organisation)
    english_client.force_login(applicant)

    english_client.post(reverse("applications:case_withdraw", args=[case.public_id]), {"reason": "暂缓申请"})

    case.refresh_from_db()
    assert case.status == Case.Status.WITHDRAWN
    assert Event.objects.get(object_id=case.pk, verb="case.withdrawn").note == "暂缓申请"
