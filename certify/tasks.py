from celery import shared_task

from certify import outbox, webhooks
from certify.housekeeping import housekeeping
from certify.jobs import DAY, periodic_run
from certify.notifications import email_deliver


@shared_task(name="certify.tasks.outbox_run")
def outbox_run(message_id):
    outbox.outbox_run(message_id)


@shared_task(name="certify.tasks.email_send")
def email_send(email_id):
    email_deliver(email_id)


@shared_task(name="certify.tasks.webhook_deliver")
def webhook_deliver(delivery_id):
    webhooks.webhook_deliver(delivery_id)


@shared_task(name="certify.tasks.outbox_sweep", bind=True)
def outbox_sweep(self, period=None):
    return periodic_run(self.name, outbox.outbox_sweep, every=60, period=period)


@shared_task(name="certify.tasks.housekeeping", bind=True)
def housekeeping_task(self, period=None):
    return periodic_run(self.name, housekeeping, every=DAY, period=period)
