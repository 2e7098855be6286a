"""Customer lists that would keep a web worker busy: row, column and size
limits, and large files read by a background task."""

import io
import time
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits import callbacks
from audits import services as services
from audits.models import CustomerList
from certify.exceptions import CertifyError
from certify.models import Event
from tests.audits.callbacks_helpers import csv_rows, csv_upload, planned_onsite, started, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def onsite(applicant, organisation, manager):
    audit, lead, member = planned_onsite(applicant, organisation, manager)
    return started(audit, lead), lead


@pytest.fixture
def read_in_background(monkeypatch):
    """Any file counts as large: read by the background task."""
    monkeypatch.setattr(callbacks, "INLINE_CSV_BYTES", 10)
    monkeypatch.setattr(callbacks, "INLINE_XLSX_UNPACKED", 10)


def blank_rows_workbook(blank_rows):
    """A workbook of a few kilobytes: a header, one customer and then
    `blank_rows` empty rows, which compress to almost nothing."""
    source = xlsx_bytes([["姓名", "联系方式", "产品", "服务日期"], ["张三", "13800138000", "空调", "2026-01-05"]])
    rows = "<row/>" * blank_rows
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            new.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- parsing ----------------------------------------------------------------------------


def test_blank_rows_count_towards_the_row_limit():
    data = ("姓名,联系方式,产品,服务日期\n" + "\n" * 30 + "张三,1,空调,2026-01-05\n").encode()

    with pytest.raises(callbacks.CustomerListError, match="more than 20 rows"):
        callbacks.parse_csv(data, max_rows=20)


def test_only_the_first_columns_are_read():
    header = [""] * callbacks.MAX_COLUMNS + ["姓名", "联系方式", "产品", "服务日期"]

    with pytest.raises(callbacks.CustomerListError, match="The file has no rows"):
        callbacks.parse_xlsx(xlsx_bytes([header]))


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(callbacks, "MAX_XLSX_UNPACKED", 50_000)

    with pytest.raises(callbacks.CustomerListError, match="unpacks to more than"):
        callbacks.check_size(blank_rows_workbook(20_000), "xlsx")


def test_a_few_kilobytes_of_blank_rows_are_refused_quickly_at_the_row_limit():
    data = blank_rows_workbook(300_000)
    assert len(data) < 100_000

    started_at = time.monotonic()
    with pytest.raises(callbacks.CustomerListError, match="more than 20000 rows"):
        callbacks.parse_xlsx(data)
    assert time.monotonic() - started_at < 5


# --- the setting and the background task --------------------------------------------------


def test_the_row_limit_is_a_setting(onsite, applicant, settings):
    audit, _lead = onsite
    settings.CUSTOMER_LIST_MAX_ROWS = 5

    with pytest.raises(CertifyError, match="more than 5 rows"):
        services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(6)))


def test_a_small_list_is_read_in_the_request(onsite, applicant):
    audit, _lead = onsite

    customer_list = services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(3)))

    assert customer_list.status == CustomerList.Status.READY
    assert customer_list.good_rows == 3


@pytest.mark.usefixtures("read_in_background")
def test_a_large_list_is_stored_at_once_and_read_by_the_background_task(
    onsite, applicant, django_capture_on_commit_callbacks
):
    audit, _lead = onsite

    with django_capture_on_commit_callbacks() as callbacks_run:
        customer_list = services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(12)))
    assert customer_list.status == CustomerList.Status.READING
    assert customer_list.rows.count() == 0
    for callback in callbacks_run:
        callback()

    customer_list.refresh_from_db()
    assert customer_list.status == CustomerList.Status.READY
    assert (customer_list.good_rows, customer_list.rows.count()) == (12, 12)
    assert Event.objects.filter(object_id=audit.pk, verb="callback.list_read").count() == 1


@pytest.mark.usefixtures("read_in_background")
def test_a_large_file_that_cannot_be_read_is_marked_and_its_uploader_told(
    onsite, applicant, django_capture_on_commit_callbacks
):
    audit, _lead = onsite
    applicant.language = "en"
    applicant.save(update_fields=["language"])

    with django_capture_on_commit_callbacks(execute=True):
        services.customer_list_upload(
            actor=applicant, audit=audit, upload=csv_upload("name,contact\nA,1\nB,2\n", name="bad.csv")
        )

    customer_list = CustomerList.objects.get()
    assert customer_list.status == CustomerList.Status.UNREADABLE
    assert "The first row must name the columns" in customer_list.problem
    assert Event.objects.filter(object_id=audit.pk, verb="callback.list_unreadable").count() == 1
    [email] = [m for m in mail.outbox if "cannot be read" in m.subject]
    assert email.to == [applicant.email]
    assert "bad.csv" in email.body


@pytest.mark.usefixtures("read_in_background")
def test_the_sample_waits_for_the_list_to_be_read(onsite, applicant, django_capture_on_commit_callbacks):
    audit, lead = onsite
    with django_capture_on_commit_callbacks(execute=False):
        services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(12)))

    with pytest.raises(CertifyError, match="still being read"):
        services.callback_sample_draw(actor=lead, audit=audit, size=10)


@pytest.mark.usefixtures("read_in_background")
def test_reading_a_list_replaced_since_changes_nothing(onsite, applicant, django_capture_on_commit_callbacks):
    audit, _lead = onsite
    with django_capture_on_commit_callbacks(execute=False):
        first = services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(12)))
    old_sha256 = first.sha256
    with django_capture_on_commit_callbacks(execute=False):
        services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(15)))

    services.customer_list_read(list_id=first.pk, sha256=old_sha256)

    customer_list = CustomerList.objects.get()
    assert customer_list.status == CustomerList.Status.READING
    assert customer_list.rows.count() == 0


def test_a_few_kilobytes_of_blank_rows_never_hold_the_upload_request(
    client, onsite, applicant, django_capture_on_commit_callbacks
):
    audit, _lead = onsite
    client.force_login(applicant)
    upload = SimpleUploadedFile("list.xlsx", blank_rows_workbook(300_000), content_type=XLSX)

    started_at = time.monotonic()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            reverse("audits:callback_list_upload", args=[audit.public_id]), {"file": upload}, follow=True
        )
    elapsed = time.monotonic() - started_at

    assert elapsed < 2
    assert 'data-testid="list-reading"' in response.content.decode()
    assert CustomerList.objects.get().status == CustomerList.Status.READING


def test_a_workbook_damaged_inside_its_sheet_is_refused_with_a_reason():
    source = xlsx_bytes([["姓名", "联系方式", "产品", "服务日期"], ["张三", "1", "空调", "2026-01-05"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut off mid-row
            new.writestr(item, data)

    with pytest.raises(callbacks.CustomerListError, match="cannot be read"):
        callbacks.parse_xlsx(out.getvalue())


@pytest.mark.usefixtures("read_in_background")
def test_the_same_unreadable_file_again_is_refused_with_its_reason(
    onsite, applicant, django_capture_on_commit_callbacks
):
    audit, _lead = onsite
    applicant.language = "en"
    applicant.save(update_fields=["language"])
    bad = "name,contact\nA,1\nB,2\n"
    with django_capture_on_commit_callbacks(execute=True):
        services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(bad, name="bad.csv"))

    with pytest.raises(CertifyError, match="The first row must name the columns"):
        services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(bad, name="bad.csv"))
