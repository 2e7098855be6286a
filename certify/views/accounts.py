from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certify import services
from certify.exceptions import CertifyError
from certify.forms import (
    LoginForm,
    OutboxPasswordResetForm,
    ProfileForm,
    RegistrationForm,
    ResendVerificationForm,
)


def home(request):
    """Send each person to the home of their role."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if user.is_manager:
        return redirect("applications:manager_home")
    if user.is_auditor:
        return redirect("audits:my_audits")
    return redirect("applications:applicant_home")


AFTER_SIGN_IN_SESSION_KEY = "after_sign_in"


def _safe_next(request):
    """The `next` path of the request if it stays on this site, else ""."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


def register(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request) or "home")
    next_url = _safe_next(request)
    if next_url:
        # Where to go after the e-mail is verified and the person signs in
        # (an invitation link, for instance), when done in this browser.
        request.session[AFTER_SIGN_IN_SESSION_KEY] = next_url
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_register(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                language=getattr(request, "LANGUAGE_CODE", ""),
            )
        except CertifyError as exc:
            form.add_error("email", exc.message)
        else:
            return render(
                request, "registration/register_done.html", {"email": form.cleaned_data["email"]}
            )
    return render(request, "registration/register.html", {"form": form, "next": next_url})


def email_verify(request, token):
    try:
        services.user_verify_email(token=token)
    except CertifyError as exc:
        return render(
            request, "registration/email_verify_failed.html", {"error": exc.message}, status=400
        )
    messages.success(request, _("Your e-mail address is verified. You can sign in now."))
    next_url = request.session.pop(AFTER_SIGN_IN_SESSION_KEY, "")
    if next_url:
        return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
    return redirect("login")


def verification_resend(request):
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_resend_verification(email=form.cleaned_data["email"])
        messages.info(
            request,
            _("If an unverified account uses this address, a new link is on its way."),
        )
        return redirect("login")
    return render(request, "registration/verification_resend.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    return render(request, "certify/profile.html", {"form": form})


@require_POST
def language_set(request):
    """Switch the interface language; a signed-in user's choice is stored."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    try:
        services.user_language_set(user=request.user, language=language)
    except CertifyError as exc:
        messages.error(request, exc.message)
        return redirect(next_url)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response
