"""Public pages, for anyone and without signing in: verify a certificate by
number, by holder or by its QR code, and the register of valid
certificates. Nothing private is shown; each client is rate-limited."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from certificates.forms.certificate import VerifyForm
from certificates.selectors import certificate as selectors
from certify.pagination import Window
from certify.ratelimit import rate_limited
from certify.transitions import state_display


@require_GET
@rate_limited("verify")
def verify(request):
    form = VerifyForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.public_lookup(**form.cleaned_data)
        today = timezone.localdate()
        for certificate in results:
            certificate.shown_status = certificate.public_status(today)
    return render(request, "certificates/public/verify.html", {"form": form, "results": results})


@require_GET
@rate_limited("verify")
def verify_certificate(request, token):
    certificate = selectors.public_certificate(token)
    today = timezone.localdate()
    status, status_label = state_display(certificate, certificate.public_status(today))
    return render(
        request,
        "certificates/public/certificate.html",
        {
            "certificate": certificate,
            "successor": getattr(certificate, "successor", None),
            "now": timezone.localtime(),
            "status": status,
            "status_label": status_label,
            "status_since": certificate.public_status_since(today),
        },
    )


@require_GET
@rate_limited("register")
def public_register(request):
    search = request.GET.get("q", "").strip()[:60]
    # No total: a prefix matching thousands would be counted on every request.
    page = Window(selectors.public_register(search), request.GET.get("page"))
    return render(request, "certificates/public/register.html", {"page": page, "search": search})
