from celery import shared_task

from certificates.documents import certificate_pdf
from certificates.services import certificate_pdf_store, certificates_expire


@shared_task(name="certificates.tasks.certificate_render_pdf")
def certificate_render_pdf(certificate_id):
    certificate_pdf_store(certificate_id=certificate_id, render=certificate_pdf)


@shared_task(name="certificates.tasks.certificates_expire")
def certificates_expire_task():
    return certificates_expire()
