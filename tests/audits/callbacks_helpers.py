"""Call-back lists and audits, through the services."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from audits import services
from audits import services as callbacks
from audits.lifecycle import onsite_planned
from tests.audits.helpers import START, declared_auditor, passed_document_review, signed_case

HEADER_ZH = "姓名,联系方式,产品,服务日期"


def csv_rows(count, start=1, header=HEADER_ZH):
    """A CSV list of `count` good customers, one per day from 2026-01-01."""
    lines = [header]
    for n in range(start, start + count):
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=n - 1)
        lines.append(f"客户{n},1380000{n:04d},空调,{day.isoformat()}")
    return "\n".join(lines) + "\n"


def csv_upload(text, encoding="utf-8", name="customers.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_bytes(rows):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows, name="customers.xlsx"):
    return SimpleUploadedFile(
        name,
        xlsx_bytes(rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def planned_onsite(applicant, organisation, manager):
    """An on-site audit, planned with its team (lead and one member), not started."""
    case = signed_case(applicant, organisation, manager)
    lead = passed_document_review(case, manager)
    member = declared_auditor(case.organisation, full_name="Member Zhao")
    audit = onsite_planned(case, manager, lead, [member], start=START)
    audit.refresh_from_db()
    return audit, lead, member


def started(audit, lead):
    services.audit_start(actor=lead, audit=audit)
    audit.refresh_from_db()
    return audit


def sampled(audit, applicant, lead, customers=30, size=10):
    """The list uploaded and a sample of `size` drawn; returns the sample's rows."""
    callbacks.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(customers)))
    callbacks.callback_sample_draw(actor=lead, audit=audit, size=size)
    from audits.selectors.callbacks import callback_calls

    return callback_calls(audit)
