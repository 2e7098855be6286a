"""The second-factor page: set up an authenticator, or enter its code (or a
recovery code) to finish signing in; and a manager's reset of another staff
member's second factor."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from certify import second_factor as factor
from certify.exceptions import CertifyError
from certify.forms import SecondFactorForm
from certify.models import User
from certify.views.access import manager_required
from certify.views.actions import run_action


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@never_cache
@login_required
def second_factor(request):
    user = request.user
    if not user.is_staff_member:
        raise Http404
    next_url = _next_url(request)
    enrolling = not factor.has_second_factor(user)
    if not enrolling and user.is_verified():
        return redirect(next_url)
    form = SecondFactorForm(request.POST or None)
    if enrolling:
        device = factor.enrolment_device(request)
        if request.method == "POST" and form.is_valid():
            try:
                codes = factor.second_factor_enrol(request=request, device=device, token=form.cleaned_data["code"])
            except CertifyError as exc:
                form.add_error("code", exc.message)
            else:
                return render(request, "registration/recovery_codes.html", {"codes": codes, "next": next_url})
        context = {"qr": factor.qr_svg(device), "key": factor.key_text(device)}
    else:
        if request.method == "POST" and form.is_valid():
            try:
                device = factor.second_factor_verify(request=request, token=form.cleaned_data["code"])
            except CertifyError as exc:
                form.add_error("code", exc.message)
            else:
                if isinstance(device, StaticDevice):
                    left = factor.recovery_codes_left(user)
                    messages.warning(
                        request,
                        _("You signed in with a recovery code; %(left)s are left. Ask a manager to reset your second factor if your phone is lost.")
                        % {"left": left},
                    )
                return redirect(next_url)
        context = {}
    return render(
        request,
        "registration/second_factor.html",
        {**context, "form": form, "enrolling": enrolling, "next": next_url, "required": settings.STAFF_OTP_REQUIRED},
    )


@manager_required
@require_POST
def second_factor_reset(request, public_id):
    person = get_object_or_404(User, public_id=public_id)
    return run_action(
        request,
        lambda: factor.second_factor_reset(actor=request.user, user=person),
        success=_("%(name)s's second factor is reset: they set up a new authenticator when they next sign in.")
        % {"name": person.full_name},
        back=reverse("user_roles", args=[public_id]),
    )
