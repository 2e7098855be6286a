import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from certify import services
from certify.uploads import (
    DOCUMENT_KINDS,
    IMAGE_KINDS,
    bytes_file,
    serve_upload,
    upload_path,
    validate_upload,
)
from tests.samples import (
    JPEG_HEADER,
    MINIMAL_PDF,
    WINDOWS_EXECUTABLE,
    docx_bytes,
    plain_zip_bytes,
    png_bytes,
    xlsx_bytes,
)

pytestmark = pytest.mark.usefixtures("english")


def refusal(data, name, **kwargs):
    with pytest.raises(ValidationError) as caught:
        validate_upload(bytes_file(data, name), **kwargs)
    return caught.value


def test_a_minimal_pdf_is_accepted_as_pdf():
    assert validate_upload(bytes_file(MINIMAL_PDF, "report.pdf")) == "pdf"


def test_a_renamed_windows_executable_is_refused_as_not_an_allowed_type():
    error = refusal(WINDOWS_EXECUTABLE, "licence.pdf")

    assert error.code == "bad_type"
    assert "content is not an allowed type" in error.messages[0]


def test_the_bad_type_message_lists_the_allowed_kinds():
    error = refusal(WINDOWS_EXECUTABLE, "licence.pdf", kinds=("pdf", "png"))

    assert "(PDF, PNG)" in error.messages[0]


def test_a_pdf_named_docx_is_refused_for_its_extension():
    error = refusal(MINIMAL_PDF, "contract.docx")

    assert error.code == "extension_mismatch"
    assert "named “contract.docx” but its content is PDF" in error.messages[0]


def test_an_oversized_file_is_refused_naming_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1024

    error = refusal(MINIMAL_PDF + b"%" * 2048, "big.pdf")

    assert error.code == "too_large"
    assert f"at most {filesizeformat(1024)}" in error.messages[0]


def test_a_file_at_the_limit_is_accepted(settings):
    settings.UPLOAD_MAX_BYTES = len(MINIMAL_PDF)

    assert validate_upload(bytes_file(MINIMAL_PDF, "exact.pdf")) == "pdf"


def test_a_per_field_limit_wins_over_the_setting(settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024

    error = refusal(MINIMAL_PDF, "small.pdf", max_bytes=100)

    assert error.code == "too_large"


def test_an_empty_file_is_refused():
    error = refusal(b"", "empty.pdf")

    assert error.code == "empty"


def test_a_docx_is_recognised_by_the_parts_inside_the_archive():
    assert validate_upload(bytes_file(docx_bytes(), "plan.docx")) == "docx"


def test_an_xlsx_is_recognised_by_the_parts_inside_the_archive():
    assert validate_upload(bytes_file(xlsx_bytes(), "fees.xlsx")) == "xlsx"


def test_an_xlsx_named_docx_is_refused_for_its_extension():
    error = refusal(xlsx_bytes(), "fees.docx")

    assert error.code == "extension_mismatch"


def test_a_zip_without_office_parts_is_refused():
    error = refusal(plain_zip_bytes(), "archive.docx")

    assert error.code == "bad_type"


def test_a_png_is_recognised_by_its_signature():
    assert validate_upload(bytes_file(png_bytes(), "logo.png"), kinds=IMAGE_KINDS) == "png"


def test_a_jpeg_is_recognised_by_its_signature():
    assert validate_upload(bytes_file(JPEG_HEADER, "photo.jpg"), kinds=IMAGE_KINDS) == "jpeg"


def test_a_jpeg_with_the_jpeg_extension_is_accepted():
    assert validate_upload(bytes_file(JPEG_HEADER, "photo.jpeg"), kinds=IMAGE_KINDS) == "jpeg"


def test_a_pdf_is_refused_where_only_images_are_allowed():
    error = refusal(MINIMAL_PDF, "logo.pdf", kinds=IMAGE_KINDS)

    assert error.code == "bad_type"


def test_csv_text_is_accepted_where_csv_is_allowed():
    data = "名称,代码\n示例企业,91350100M000100Y43\n".encode()

    assert validate_upload(bytes_file(data, "list.csv"), kinds=("csv",)) == "csv"


def test_csv_is_not_a_document_kind():
    error = refusal(b"a,b\n1,2\n", "list.csv", kinds=DOCUMENT_KINDS)

    assert error.code == "bad_type"


def test_a_shell_script_is_refused_even_where_csv_is_allowed():
    error = refusal(b"#!/bin/sh\nrm -rf /\n", "list.csv", kinds=("csv",))

    assert error.code == "bad_type"


def test_a_file_without_an_extension_is_judged_by_its_bytes():
    assert validate_upload(bytes_file(MINIMAL_PDF, "scan")) == "pdf"


def test_the_stored_name_is_random_and_keeps_only_the_extension(manager):
    path = upload_path(manager, "../../etc/营业执照.PDF")

    assert path.startswith("certify/user/")
    assert path.endswith(".pdf")
    assert "营业执照" not in path
    assert ".." not in path


def test_serve_upload_answers_404_when_the_access_check_raises_http404(rf, applicant):
    request = rf.get("/file")
    request.user = applicant

    def forbidden(user):
        raise Http404

    with pytest.raises(Http404):
        serve_upload(request, forbidden)


def test_serve_upload_answers_404_when_there_is_no_file(rf, applicant):
    request = rf.get("/file")
    request.user = applicant

    with pytest.raises(Http404):
        serve_upload(request, lambda user: None)


@pytest.fixture
def logo(manager):
    profile = services.body_profile_update(
        actor=manager,
        logo=SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
    )
    return profile.logo


def test_serve_upload_returns_the_file_with_nosniff_when_allowed(rf, applicant, logo):
    request = rf.get("/file")
    request.user = applicant

    response = serve_upload(request, lambda user: logo, as_attachment=False)

    assert isinstance(response, FileResponse)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == png_bytes()


def test_serve_upload_passes_the_requesting_user_to_the_access_check(rf, applicant, logo):
    request = rf.get("/file")
    request.user = applicant
    seen = []

    def check(user):
        seen.append(user)
        return logo

    serve_upload(request, check)

    assert seen == [applicant]


def test_serve_upload_offers_a_download_by_default(rf, applicant, logo):
    request = rf.get("/file")
    request.user = applicant

    response = serve_upload(request, lambda user: logo, download_name="logo.png")

    assert response["Content-Disposition"].startswith("attachment")
    assert "logo.png" in response["Content-Disposition"]


def test_uploads_are_stored_under_media_root_not_the_static_folder(settings, logo):
    assert logo.path.startswith(str(settings.MEDIA_ROOT))


def test_the_body_logo_a_manager_uploads_is_served_to_a_signed_in_user(client, manager, applicant):
    client.force_login(manager)
    response = client.post(
        reverse("body_profile"),
        {
            "name_zh": "示例认证有限公司",
            "certificate_number_template": "{cb_code}{yy}{scheme_code}{serial:05}R{cycle}",
            "logo": SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    client.force_login(applicant)

    response = client.get(reverse("body_logo"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png_bytes()


def test_the_body_profile_form_refuses_an_executable_named_png(english_client, manager):
    english_client.force_login(manager)

    response = english_client.post(
        reverse("body_profile"),
        {
            "name_zh": "示例认证有限公司",
            "certificate_number_template": "{cb_code}{yy}{scheme_code}{serial:05}R{cycle}",
            "logo": SimpleUploadedFile("logo.png", WINDOWS_EXECUTABLE, content_type="image/png"),
        },
    )

    assert response.status_code == 200
    assert "content is not an allowed type" in response.content.decode()


def test_the_body_logo_is_404_before_one_is_uploaded(client, applicant):
    client.force_login(applicant)

    response = client.get(reverse("body_logo"))

    assert response.status_code == 404
