from celery import shared_task

from certificates.documents import certificate_pdf
from certificates.services import certificate_pdf_store, certificates_expire
from certificates.services.renewal import certificates_daily
from certify.jobs import DAY, periodic_run


@shared_task(name="certificates.tasks.certificate_render_pdf")
def certificate_render_pdf(certificate_id):
    certificate_pdf_store(certificate_id=certificate_id, render=certificate_pdf)


@shared_task(name="certificates.tasks.certificates_daily", bind=True)
def certificates_daily_task(self, period=None):
    return periodic_run(self.name, certificates_daily, every=DAY, period=period)


@shared_task(name="certificates.tasks.certificates_expire", bind=True)
def certificates_expire_task(self, period=None):
    return periodic_run(self.name, certificates_expire, every=DAY, period=period)
