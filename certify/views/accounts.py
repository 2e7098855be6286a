from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certify import second_factor, services
from certify.exceptions import CertifyError
from certify.forms import (
    ApiTokenForm,
    ChoosePasswordForm,
    LoginForm,
    OutboxPasswordResetForm,
    ProfileForm,
    RegistrationForm,
    ResendVerificationForm,
)
from certify.throttle import post_limited
from certify.views.actions import form_errors_as_messages, run_action, run_form_action


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


@post_limited(
    "register",
    ip_rate_setting="ACCOUNT_RATE_LIMIT_PER_IP",
    email_rate_setting="ACCOUNT_RATE_LIMIT_PER_ADDRESS",
)
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
        services.user_register(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            language=getattr(request, "LANGUAGE_CODE", ""),
        )
        return render(
            request, "registration/register_done.html", {"email": form.cleaned_data["email"]}
        )
    return render(request, "registration/register.html", {"form": form, "next": next_url})


def _to_sign_in(request, message):
    messages.success(request, message)
    return _sign_in_redirect(request)


def _sign_in_redirect(request):
    next_url = request.session.pop(AFTER_SIGN_IN_SESSION_KEY, "")
    if next_url:
        return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
    return redirect("login")


def email_verify(request, token):
    """The link of the verification e-mail: a new account chooses its
    password here; an account that has one is verified at once."""
    try:
        user = services.user_verification_check(token=token)
        if user.has_usable_password():
            services.user_verify_email(token=token)
            return _to_sign_in(request, _("Your e-mail address is verified. You can sign in now."))
    except CertifyError as exc:
        return render(
            request, "registration/email_verify_failed.html", {"error": exc.message}, status=400
        )
    form = ChoosePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_form_action(
            request,
            form,
            lambda: services.user_verify_email(token=token, password=form.cleaned_data["new_password1"]),
            success=_("Your password is set and your e-mail address verified. You can sign in now."),
        )
        if done:
            return _sign_in_redirect(request)
    return render(request, "registration/choose_password.html", {"form": form, "person": user})


@post_limited(
    "verification_resend",
    ip_rate_setting="ACCOUNT_RATE_LIMIT_PER_IP",
    email_rate_setting="ACCOUNT_RATE_LIMIT_PER_ADDRESS",
)
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


@method_decorator(
    post_limited(
        "password_reset",
        ip_rate_setting="ACCOUNT_RATE_LIMIT_PER_IP",
        email_rate_setting="ACCOUNT_RATE_LIMIT_PER_ADDRESS",
    ),
    name="dispatch",
)
class PasswordResetView(auth_views.PasswordResetView):
    form_class = OutboxPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_password_reset_done(user=form.user)
        return response


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    context = {
        "form": form,
        "api_tokens": request.user.api_tokens.all(),
        "api_token_form": ApiTokenForm(),
        # Shown on this one page view after it was made, never again.
        "new_api_token": request.session.pop(NEW_API_TOKEN, None),
        "now": timezone.now(),
    }
    if request.user.is_staff_member:
        context.update(
            has_second_factor=second_factor.has_second_factor(request.user),
            recovery_codes_left=second_factor.recovery_codes_left(request.user),
        )
    return render(request, "certify/profile.html", context)


NEW_API_TOKEN = "certify.new_api_token"


@login_required
@require_POST
def api_token_create(request):
    """A personal API token; staff reach this only from a session that
    passed the second factor when it is required (SecondFactorMiddleware)."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return redirect("profile")

    def make():
        _row, token = services.api_token_create(actor=request.user, user=request.user, **form.cleaned_data)
        request.session[NEW_API_TOKEN] = token

    return run_action(
        request,
        make,
        success=_("The token is made. Copy it now: it is not shown again."),
        back=reverse("profile"),
    )


@login_required
@require_POST
def api_token_revoke(request, token_id):
    return run_action(
        request,
        lambda: services.api_token_revoke(actor=request.user, token_id=token_id),
        success=_("The token is revoked: it no longer opens the API."),
        back=reverse("profile"),
    )


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
