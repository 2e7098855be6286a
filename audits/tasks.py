from celery import shared_task

from audits.documents import audit_report_pdf
from audits.services import audit_report_pdf_store, audits_cancel_for_withdrawn_cases
from audits.services.customer_lists import customer_list_read as customer_list_read_service
from audits.services.nonconformity import nonconformity_reminders as nonconformity_reminders_sweep
from certify.jobs import DAY, periodic_run


@shared_task(name="audits.tasks.audits_cancel_withdrawn", bind=True)
def audits_cancel_withdrawn(self, period=None):
    return periodic_run(self.name, audits_cancel_for_withdrawn_cases, every=300, period=period)


@shared_task(name="audits.tasks.audit_report_render")
def audit_report_render(audit_id):
    audit_report_pdf_store(audit_id=audit_id, render=audit_report_pdf)


@shared_task(name="audits.tasks.customer_list_read")
def customer_list_read(list_id, sha256):
    customer_list_read_service(list_id=list_id, sha256=sha256)


@shared_task(name="audits.tasks.nonconformity_reminders", bind=True)
def nonconformity_reminders(self, period=None):
    return periodic_run(self.name, nonconformity_reminders_sweep, every=DAY, period=period)
