"""The certificate PDF: one bilingual A4 page with a QR code to its public page."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from certify.pdf import html_to_pdf


def verify_url(certificate):
    return f"{settings.SITE_URL}{reverse('certificates:verify_certificate', args=[certificate.token])}"


def certificate_pdf(certificate):

    url = verify_url(certificate)
    context = {
        "certificate": certificate,
        "body": certificate.body,
        "verify_url": url,
        "qr_data_uri": segno.make(url, error="m").svg_data_uri(scale=4, border=1),
        "normative": certificate.case.version.normative,
    }
    with translation.override("zh-hans"):
        html = render_to_string("certificates/pdf/certificate.html", context)
    return html_to_pdf(html)
