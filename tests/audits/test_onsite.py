import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Case
from audits import services
from audits.models import Audit, Finding
from certify.exceptions import CertifyError, NotAllowed
from scoring.models import Item
from scoring.services import mark_set
from tests.audits.helpers import running_onsite, signed_case
from tests.samples import WINDOWS_EXECUTABLE, png_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def onsite(applicant, organisation, manager):
    case = signed_case(applicant, organisation, manager)
    return running_onsite(case, manager)


def test_starting_the_onsite_audit_opens_its_sheet_and_moves_the_case(onsite):
    audit, _lead, _member = onsite
    assert audit.sheet is not None and audit.sheet.version == audit.case.version
    assert Case.objects.get(pk=audit.case.pk).status == Case.Status.ONSITE_IN_PROGRESS


def test_a_team_member_records_a_finding_with_a_photo(onsite):
    audit, _lead, member = onsite
    item = Item.objects.get(indicator__category__version=audit.case.version, code="B4.1")
    finding = services.finding_add(
        actor=member,
        audit=audit,
        description="维修记录缺少客户签字",
        internal_note="门店经理态度回避",
        item=item,
        files=[SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")],
    )
    assert finding.indicator == item.indicator
    assert finding.evidence.count() == 1


def test_a_finding_with_a_disguised_executable_is_refused(onsite):
    audit, _lead, member = onsite
    with pytest.raises(CertifyError, match="not an allowed type"):
        services.finding_add(
            actor=member, audit=audit, description="照片", files=[SimpleUploadedFile("photo.jpg", WINDOWS_EXECUTABLE)]
        )
    assert not Finding.objects.exists()


def test_an_auditor_off_the_team_cannot_record_a_finding(onsite, auditor):
    audit, _lead, _member = onsite
    with pytest.raises(NotAllowed, match="Only the audit's team may do this"):
        services.finding_add(actor=auditor, audit=audit, description="x")


def test_an_auditor_off_the_team_cannot_mark_the_audits_sheet(onsite, auditor):
    audit, _lead, _member = onsite
    item = Item.objects.get(indicator__category__version=audit.case.version, code="A1.1")
    with pytest.raises(NotAllowed, match="Only the audit's team may do this."):
        services.audit_mark_set(actor=auditor, audit=audit, item_id=item.pk, result="conforming")
    assert not audit.sheet.marks.exists()


def test_a_team_member_marks_the_audits_sheet_through_the_audits_service(onsite):
    audit, _lead, member = onsite
    item = Item.objects.get(indicator__category__version=audit.case.version, code="A1.1")
    services.audit_mark_set(actor=member, audit=audit, item_id=item.pk, result="conforming")
    assert audit.sheet.marks.get().result == "conforming"


def test_marking_through_the_audit_scoring_page(client, onsite):
    audit, lead, _member = onsite
    item = Item.objects.get(indicator__category__version=audit.case.version, code="A1.1")
    client.force_login(lead)
    response = client.post(
        reverse("audits:audit_mark", args=[audit.public_id, item.pk]), {"result": "conforming"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert audit.sheet.marks.get().result == "conforming"


def test_the_applicant_never_reaches_the_findings_or_the_scoring(client, onsite, applicant):
    audit, _lead, member = onsite
    services.finding_add(actor=member, audit=audit, description="问题", internal_note="内部备注")
    client.force_login(applicant)
    assert client.get(reverse("audits:audit_findings", args=[audit.public_id])).status_code == 404
    assert client.get(reverse("audits:audit_scoring", args=[audit.public_id])).status_code == 404


def test_the_findings_page_shows_the_team_the_internal_note(client, onsite):
    audit, lead, member = onsite
    services.finding_add(actor=member, audit=audit, description="问题", internal_note="内部备注")
    client.force_login(lead)
    assert "内部备注" in client.get(reverse("audits:audit_findings", args=[audit.public_id])).content.decode()


def test_a_finding_posted_through_the_page_with_an_empty_description_is_refused(english_client, onsite):
    audit, lead, _member = onsite
    english_client.force_login(lead)
    response = english_client.post(reverse("audits:audit_findings", args=[audit.public_id]), {"description": ""})
    assert "This field is required." in response.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["audits:audit_scoring", "audits:audit_findings"])
def test_onsite_pages_run_the_same_queries_with_5_and_50_findings_and_marks(client, onsite, page):
    audit, lead, member = onsite
    items = list(Item.objects.filter(indicator__category__version=audit.case.version))
    client.force_login(lead)
    url = reverse(page, args=[audit.public_id])
    for item in items[:5]:
        mark_set(actor=lead, sheet=audit.sheet, item_id=item.pk, result="conforming")
        services.finding_add(actor=member, audit=audit, description=f"发现 {item.code}", item=item)
    _queries(client, url)
    few = _queries(client, url)
    for item in items[5:]:
        mark_set(actor=lead, sheet=audit.sheet, item_id=item.pk, result="nonconforming")
    for number in range(45):
        services.finding_add(
            actor=member,
            audit=audit,
            description=f"发现 {number}",
            files=[SimpleUploadedFile(f"{number}.png", png_bytes(), content_type="image/png")],
        )
    assert Audit.objects.get(pk=audit.pk).findings.count() == 50
    assert _queries(client, url) == few


def test_a_finding_takes_several_photos_at_once(client, onsite):
    audit, lead, _member = onsite
    client.force_login(lead)
    photos = [SimpleUploadedFile(f"{n}.png", png_bytes(), content_type="image/png") for n in range(3)]
    client.post(reverse("audits:audit_findings", args=[audit.public_id]), {"description": "门店现场", "files": photos})
    assert Finding.objects.get().evidence.count() == 3


def test_a_special_deduction_posted_with_an_unknown_item_is_refused_with_a_message(
    english_client, onsite
):
    audit, lead, _member = onsite
    english_client.force_login(lead)

    response = english_client.post(
        reverse("audits:audit_deduction_add", args=[audit.public_id]),
        {"rule": "law", "reason": "投诉未处理", "item": "abc"},
        follow=True,
    )

    assert response.status_code == 200
    assert "Item: Select a valid choice" in response.content.decode()
    assert not audit.sheet.special_deductions.exists()


def test_a_special_bonus_that_is_not_a_number_is_refused_with_a_message(english_client, onsite):
    audit, lead, _member = onsite
    english_client.force_login(lead)

    response = english_client.post(
        reverse("audits:audit_bonus", args=[audit.public_id]), {"bonus": "many"}, follow=True
    )

    assert response.status_code == 200
    assert "Special bonus: Enter a whole number." in response.content.decode()
