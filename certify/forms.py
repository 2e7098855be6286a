import re
import string

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certify.models import ApiToken, BodyProfile, User
from certify.notifications import email_queue, render_email
from certify.services import API_TOKEN_DEFAULT_DAYS, API_TOKEN_MAX_DAYS
from certify.uploads import IMAGE_KINDS, validate_upload
from certify.webhooks import webhook_event_choices

# The keys a database integer column holds (SQLite and PostgreSQL alike).
INTEGER_KEYS = range(-(2**63), 2**63)


class KeyedMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing a number no integer key can be as an invalid
    choice: Django reads the choices with an IN query, and SQLite raises on
    such a number (a 500) where an exact lookup would find nothing."""

    def _check_values(self, value):
        for key in value if isinstance(value, list | tuple) else ():
            if str(key).lstrip("-").isdigit() and int(key) not in INTEGER_KEYS:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": key}
                )
        return super()._check_values(value)


def _helper(submit_label, form_tag=True):
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.add_input(Submit("submit", submit_label))
    return helper


class RegistrationForm(forms.Form):
    """Name and address only: the password is chosen through the link the
    e-mail brings, so whether the address has an account never shows here."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Create account"))

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class ChoosePasswordForm(SetPasswordForm):
    """The password of a new account, chosen on the page the verification
    link opens (the validators compare it with the person's name and address)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Set password"))


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True})
    )

    error_messages = {
        "invalid_login": _("The e-mail address or the password is wrong."),
        "inactive": _("This account has been deactivated."),
        "unverified": _(
            "Please verify your e-mail address first: open the link we sent you. "
            "You can ask for a new link below."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Sign in"))

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.email_verified_at is None:
            raise ValidationError(self.error_messages["unverified"], code="unverified")


class ResendVerificationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send the link again"))


class OutboxPasswordResetForm(PasswordResetForm):
    """Password reset e-mails go through the outbox like every other e-mail."""

    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Send reset link"))

    def get_users(self, email):
        # Unlike Django's, accounts that never chose a password are included:
        # a reset link is also how they finish setting up.
        return User.objects.filter(email__iexact=email.strip(), is_active=True)

    def save(self, *, request=None, **kwargs):
        """Send the reset link, or, when no account uses the address, an
        e-mail saying so: one e-mail either way, so the page and the work
        done are the same and nobody learns who has an account."""
        email = self.cleaned_data["email"].strip().lower()
        if self.get_users(email).exists():
            return super().save(request=request, **kwargs)
        subject, body = render_email(
            "password_reset_unknown",
            {"register_url": settings.SITE_URL + reverse("register"), "site_url": settings.SITE_URL},
            translation.get_language() or settings.LANGUAGE_CODE,
        )
        email_queue(to=email, template="password_reset_unknown", subject=subject, body_text=body)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        email_queue(to=to_email, template="password_reset", subject=subject, body_text=body)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Browser default"))] + list(settings.LANGUAGES)
        self.helper = _helper(_("Save"))


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("api token", "Name"), max_length=100, help_text=_("What the token is for, e.g. “ERP”.")
    )
    scope = forms.ChoiceField(label=pgettext_lazy("api token", "Scope"), choices=ApiToken.Scope.choices)
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=API_TOKEN_MAX_DAYS, initial=API_TOKEN_DEFAULT_DAYS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Create token"))
        self.helper.form_action = reverse("api_token_create")


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(
        label=_("Receiver's address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address of the body's other system, e.g. its ERP or website."),
    )
    description = forms.CharField(label=pgettext_lazy("webhook", "Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events to send"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [
            (event, f"{event} · {label}") for event, label in webhook_event_choices()
        ]
        self.helper = _helper(_("Register the webhook"))


class StaffCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    is_auditor = forms.BooleanField(label=_("Auditor"), required=False)
    is_manager = forms.BooleanField(label=_("Manager"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Create account"))

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise ValidationError(_("An account with this e-mail address already exists."))
        return email

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("is_auditor") or cleaned.get("is_manager")):
            raise ValidationError(_("Choose at least one role: auditor or manager."))
        return cleaned


class RolesForm(forms.Form):
    is_applicant = forms.BooleanField(label=_("Applicant"), required=False)
    is_auditor = forms.BooleanField(label=_("Auditor"), required=False)
    is_manager = forms.BooleanField(label=_("Manager"), required=False)
    is_active = forms.BooleanField(label=_("Account active"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))


CERTIFICATE_NUMBER_FIELDS = {"cb_code", "yy", "yyyy", "scheme_code", "serial", "cycle"}


def certificate_number_sample(template, **values):
    """Fill the template with sample values; raise ValidationError when it uses
    an unknown placeholder or lacks the serial that makes numbers unique."""
    names = set()
    try:
        for _text, field, _spec, _conversion in string.Formatter().parse(template):
            if field is not None:
                names.add(field)
    except ValueError as exc:
        raise ValidationError(_("The template has an unmatched brace.")) from exc
    unknown = names - CERTIFICATE_NUMBER_FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown placeholder(s): %(names)s. Allowed: %(allowed)s.")
            % {
                "names": ", ".join(sorted(unknown)),
                "allowed": ", ".join(f"{{{name}}}" for name in sorted(CERTIFICATE_NUMBER_FIELDS)),
            }
        )
    if "serial" not in names:
        raise ValidationError(_("The template must contain {serial}, which makes numbers unique."))
    sample = {"cb_code": "001", "yy": "26", "yyyy": "2026", "scheme_code": "SC", "serial": 1, "cycle": 0}
    sample.update(values)
    try:
        return template.format(**sample)
    except (ValueError, KeyError, IndexError) as exc:
        raise ValidationError(_("The template cannot be filled in: %(error)s") % {"error": exc}) from exc


class BodyProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = BodyProfile
        fields = [
            "name_zh",
            "name_en",
            "address_zh",
            "address_en",
            "approval_number",
            "body_code",
            "certificate_number_template",
            "signatory_name",
            "signatory_title",
            "phone",
            "email",
            "website",
            "logo",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))

    def clean_approval_number(self):
        value = self.cleaned_data["approval_number"].strip().upper()
        if value and not re.fullmatch(r"CNCA-R(F)?-\d{4}-\d{2,3}", value):
            raise ValidationError(
                _("Enter the number as CNCA-R-YYYY-NNN (or CNCA-RF-YYYY-NN for a foreign-invested body).")
            )
        return value

    def clean_body_code(self):
        value = self.cleaned_data["body_code"].strip()
        if value and not (len(value) == 3 and value.isdigit()):
            raise ValidationError(_("The body code is three digits, for example 001."))
        return value

    def clean_certificate_number_template(self):
        template = self.cleaned_data["certificate_number_template"].strip()
        certificate_number_sample(template)
        return template

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):
            validate_upload(logo, kinds=IMAGE_KINDS, max_bytes=2 * 1024 * 1024)
        return logo


class WorkingDayOverrideForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_working_day = forms.TypedChoiceField(
        label=_("This day is"),
        choices=[("1", _("a working day")), ("0", _("a day off"))],
        coerce=lambda value: value == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))


class SecondFactorForm(forms.Form):
    """A code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}
        ),
    )
