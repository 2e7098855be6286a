from celery import shared_task

from audits.documents import audit_report_pdf
from audits.services import audit_report_pdf_store, audits_cancel_for_withdrawn_cases
from audits.services_nc import nonconformity_reminders as nonconformity_reminders_sweep


@shared_task(name="audits.tasks.audits_cancel_withdrawn")
def audits_cancel_withdrawn():
    return audits_cancel_for_withdrawn_cases()


@shared_task(name="audits.tasks.audit_report_render")
def audit_report_render(audit_id):
    audit_report_pdf_store(audit_id=audit_id, render=audit_report_pdf)


@shared_task(name="audits.tasks.nonconformity_reminders")
def nonconformity_reminders():
    return nonconformity_reminders_sweep()
