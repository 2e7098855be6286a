import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import SelfAssessment
from applications.services import self_assessment_create, self_assessment_mark_set
from certify.exceptions import NotAllowed
from certify.models import Event
from scoring.catalogue import GBT27922
from scoring.models import Item, ScoreSheet
from scoring.selectors import scheme_version_latest_published
from scoring.services import mark_set
from tests.samples import WINDOWS_EXECUTABLE
from tests.scoring.builders import published_version
from tests.tools import needs

pytestmark = pytest.mark.django_db


def item(assessment, code):
    return Item.objects.get(indicator__category__version=assessment.sheet.version, code=code)


def mark_url(assessment, code):
    return reverse("applications:self_assessment_mark", args=[assessment.public_id, item(assessment, code).pk])


def mark_everything(assessment, actor, result="conforming"):
    for each in Item.objects.filter(indicator__category__version=assessment.sheet.version):
        mark_set(actor=actor, sheet=assessment.sheet, item_id=each.pk, result=result)


def test_an_applicant_starts_a_self_assessment_through_the_form(client, applicant):
    client.force_login(applicant)
    version = scheme_version_latest_published(GBT27922)

    response = client.post(
        reverse("applications:self_assessment_create"),
        {"title": "年度自评", "version": version.pk, "target_level": "star4"},
    )

    assessment = SelfAssessment.objects.get()
    assert response["Location"] == reverse("applications:self_assessment_detail", args=[assessment.public_id])
    assert Event.objects.filter(verb="self_assessment.created", object_id=assessment.pk).exists()


def test_a_target_level_of_another_scheme_is_refused_on_the_form(client, applicant):
    client.force_login(applicant)
    version = scheme_version_latest_published(GBT27922)

    response = client.post(
        reverse("applications:self_assessment_create"),
        {"title": "年度自评", "version": version.pk, "target_level": "star10"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "This scheme has no such level." in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_marking_an_item_inline_returns_the_row_and_the_new_totals(client, applicant, self_assessment):
    client.force_login(applicant)

    response = client.post(
        mark_url(self_assessment, "A1.1"), {"result": "nonconforming"}, HTTP_HX_REQUEST="true"
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="item-' in content
    assert 'id="sheet-summary-slot" hx-swap-oob="true"' in content
    assert 'id="ind-total-A1" hx-swap-oob="true">0.00 / 3.00' in content


def test_a_sampled_mark_still_being_typed_is_not_saved(client, applicant, self_assessment):
    client.force_login(applicant)

    response = client.post(
        mark_url(self_assessment, "A2.1"), {"result": "sampled", "samples": "10"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 204
    assert not self_assessment.sheet.marks.exists()


def test_impossible_sample_counts_come_back_with_an_error_in_the_row(client, applicant, self_assessment):
    client.force_login(applicant)

    response = client.post(
        mark_url(self_assessment, "A2.1"),
        {"result": "sampled", "samples": "10", "conforming": "12"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    content = response.content.decode()
    assert "Conforming samples must be between 0 and the number of samples." in content
    assert 'value="12"' in content  # what was typed is kept
    assert not self_assessment.sheet.marks.exists()


def test_another_organisations_applicant_cannot_mark_the_sheet(client, outsider, self_assessment):
    client.force_login(outsider)

    response = client.post(mark_url(self_assessment, "A1.1"), {"result": "conforming"})

    assert response.status_code == 404
    assert not self_assessment.sheet.marks.exists()


def test_the_applications_service_refuses_a_mark_from_another_organisation(english, outsider, self_assessment):
    with pytest.raises(NotAllowed, match="Only members of the organisation may do this."):
        self_assessment_mark_set(
            actor=outsider, assessment=self_assessment, item_id=item(self_assessment, "A1.1").pk, result="conforming"
        )
    assert not self_assessment.sheet.marks.exists()


def test_finishing_with_unmarked_items_is_refused_with_a_message(client, applicant, self_assessment):
    client.force_login(applicant)

    response = client.post(
        reverse("applications:self_assessment_finish", args=[self_assessment.public_id]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "21 item(s) are not marked yet" in response.content.decode()
    self_assessment.sheet.refresh_from_db()
    assert self_assessment.sheet.status == ScoreSheet.Status.DRAFT


def test_finishing_freezes_the_result_and_a_revision_keeps_it_readable(client, applicant, self_assessment):
    mark_everything(self_assessment, applicant)
    client.force_login(applicant)
    client.post(reverse("applications:self_assessment_finish", args=[self_assessment.public_id]))
    finished = ScoreSheet.objects.get(pk=self_assessment.sheet.pk)

    client.post(reverse("applications:self_assessment_revise", args=[self_assessment.public_id]))

    self_assessment.refresh_from_db()
    assert finished.status == ScoreSheet.Status.SUBMITTED
    assert str(finished.score) == "100.00"
    assert self_assessment.sheet.supersedes_id == finished.pk
    assert self_assessment.sheet.status == ScoreSheet.Status.DRAFT


def test_a_renamed_executable_is_refused_as_evidence(client, applicant, self_assessment):
    mark_set(actor=applicant, sheet=self_assessment.sheet, item_id=item(self_assessment, "A1.1").pk, result="conforming")
    client.force_login(applicant)

    response = client.post(
        reverse("applications:self_assessment_evidence", args=[self_assessment.public_id, item(self_assessment, "A1.1").pk]),
        {"file": SimpleUploadedFile("组织机构图.pdf", WINDOWS_EXECUTABLE)},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert "not an allowed type" in response.content.decode()
    assert not self_assessment.sheet.marks.get().evidence.exists()


def test_the_evidence_file_is_served_to_the_organisation_only(client, applicant, outsider, self_assessment_with_evidence):
    assessment, evidence = self_assessment_with_evidence
    url = reverse("applications:self_assessment_evidence_file", args=[assessment.public_id, evidence.pk])
    client.force_login(applicant)
    assert client.get(url)["Content-Type"] == "application/pdf"
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_comparison_shows_two_self_assessments_side_by_side(client, applicant, organisation, self_assessment):
    second = self_assessment_create(
        actor=applicant, organisation=organisation, version=self_assessment.sheet.version, title="第二次"
    )
    mark_set(actor=applicant, sheet=second.sheet, item_id=item(second, "A1.1").pk, result="conforming")
    client.force_login(applicant)

    response = client.get(
        reverse("applications:self_assessment_list"),
        {"compare": [self_assessment.public_id, second.public_id]},
    )

    assert len(response.context["comparison"]["rows"]) == 15


@needs("pdftotext", "poppler-utils")
def test_the_pdf_holds_the_organisation_the_score_and_the_level_in_chinese(client, applicant, organisation, self_assessment, tmp_path):
    mark_everything(self_assessment, applicant)
    client.force_login(applicant)

    response = client.get(
        reverse("applications:self_assessment_pdf", args=[self_assessment.public_id]),
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )

    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert response["Content-Type"] == "application/pdf"
    assert organisation.legal_name in text
    assert "100.00" in text
    assert "五星级" in text


def _detail_queries(client, assessment):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("applications:self_assessment_detail", args=[assessment.public_id]))
    assert response.status_code == 200
    return len(queries)


def test_the_scoring_page_runs_the_same_queries_for_15_and_60_items(client, applicant, organisation):
    small = self_assessment_create(
        actor=applicant, organisation=organisation, version=published_version(items=15, code="S15"), title="15"
    )
    large = self_assessment_create(
        actor=applicant, organisation=organisation, version=published_version(items=60, code="S60"), title="60"
    )
    for assessment in (small, large):
        for each in Item.objects.filter(indicator__category__version=assessment.sheet.version)[:10]:
            mark_set(actor=applicant, sheet=assessment.sheet, item_id=each.pk, result="conforming")
    client.force_login(applicant)
    # Warm the session, content-type and published scheme structure caches.
    _detail_queries(client, small)
    _detail_queries(client, large)

    assert _detail_queries(client, small) == _detail_queries(client, large)


def test_the_list_names_a_finished_self_assessments_level(client, applicant, self_assessment):
    mark_everything(self_assessment, applicant)
    client.force_login(applicant)
    client.post(reverse("applications:self_assessment_finish", args=[self_assessment.public_id]))
    content = client.get(reverse("applications:self_assessment_list"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "<td>五星级</td>" in content


def test_an_english_page_names_the_scheme_in_english(client, applicant, self_assessment):
    scheme = self_assessment.sheet.version.scheme
    client.force_login(applicant)
    url = reverse("applications:self_assessment_detail", args=[self_assessment.public_id])
    content = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert scheme.name_en and scheme.name_en in content and scheme.name_zh not in content


def _pdf(client, assessment):
    return client.get(reverse("applications:self_assessment_pdf", args=[assessment.public_id])).content


def test_the_pdf_is_rendered_once_while_the_sheet_is_unchanged(client, applicant, self_assessment, monkeypatch):
    from scoring import components

    renders = []
    render = components.html_to_pdf
    monkeypatch.setattr(components, "html_to_pdf", lambda *a, **k: renders.append(1) or render(*a, **k))
    client.force_login(applicant)

    first, second = _pdf(client, self_assessment), _pdf(client, self_assessment)

    assert first == second
    assert len(renders) == 1
    self_assessment.refresh_from_db()
    assert self_assessment.pdf.read() == first


def test_a_changed_mark_renders_the_pdf_again_and_replaces_the_stored_one(
    client, applicant, self_assessment, settings, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    _pdf(client, self_assessment)
    self_assessment.refresh_from_db()
    old = self_assessment.pdf.path

    item = Item.objects.get(indicator__category__version=self_assessment.sheet.version, code="A1.1")
    mark_set(actor=applicant, sheet=self_assessment.sheet, item_id=item.pk, result="conforming")
    with django_capture_on_commit_callbacks(execute=True):
        _pdf(client, self_assessment)

    self_assessment.refresh_from_db()
    assert self_assessment.pdf.path != old
    stored = list((settings.MEDIA_ROOT / "applications" / "self_assessments").iterdir())
    assert [path.name for path in stored] == [self_assessment.pdf.path.rsplit("/", 1)[1]]
