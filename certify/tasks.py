from celery import shared_task

from certify import outbox
from certify.notifications import email_deliver


@shared_task(name="certify.tasks.email_send")
def email_send(email_id):
    email_deliver(email_id)


@shared_task(name="certify.tasks.outbox_sweep")
def outbox_sweep():
    return outbox.outbox_sweep()
