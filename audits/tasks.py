from celery import shared_task

from audits.services import audits_cancel_for_withdrawn_cases


@shared_task(name="audits.tasks.audits_cancel_withdrawn")
def audits_cancel_withdrawn():
    return audits_cancel_for_withdrawn_cases()
