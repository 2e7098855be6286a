from celery import shared_task

from applications.documents import contract_pdf, supplement_notice_pdf
from applications.services.contract import contract_pdf_store
from applications.services.deadlines import case_deadlines_notify
from applications.services.review import supplement_notice_store
from certify.jobs import DAY, periodic_run


@shared_task(name="applications.tasks.contract_render_pdf")
def contract_render_pdf(contract_id):
    contract_pdf_store(contract_id=contract_id, render=contract_pdf)


@shared_task(name="applications.tasks.supplement_notice_render")
def supplement_notice_render(request_id):
    supplement_notice_store(request_id=request_id, render=supplement_notice_pdf)


@shared_task(name="applications.tasks.case_deadlines", bind=True)
def case_deadlines(self, period=None):
    return periodic_run(self.name, case_deadlines_notify, every=DAY, period=period)
