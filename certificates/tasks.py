from celery import shared_task

from certificates.documents import certificate_pdf
from certificates.services import certificate_pdf_store, certificates_expire
from certificates.services_renewal import certificates_daily


@shared_task(name="certificates.tasks.certificate_render_pdf")
def certificate_render_pdf(certificate_id):
    certificate_pdf_store(certificate_id=certificate_id, render=certificate_pdf)


@shared_task(name="certificates.tasks.certificates_daily")
def certificates_daily_task():
    certificates_daily()


@shared_task(name="certificates.tasks.certificates_expire")
def certificates_expire_task():
    certificates_expire()
