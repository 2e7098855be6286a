from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.models import Membership
from applications.uscc import validate_uscc
from scoring.components import localized
from scoring.models import Gate, Level, SchemeVersion, SpecialDeduction
from scoring.selectors import scheme_version_list


class OrganisationCreateForm(forms.Form):
    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=200,
        help_text=_("As on the business licence."),
    )
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("The 18 characters on the business licence, e.g. 91350100M000100Y43."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Create organisation")))

    def clean_uscc(self):
        try:
            return validate_uscc(self.cleaned_data["uscc"])
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc


class SelfAssessmentCreateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    version = forms.ModelChoiceField(
        label=_("Scheme"), queryset=SchemeVersion.objects.none(), empty_label=None
    )
    target_level = forms.ChoiceField(label=_("Target level"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The national standard first; the body's example schemes after it.
        versions = scheme_version_list(published_only=True).order_by(
            "scheme__is_example", "scheme__code", "-number"
        )
        self.fields["version"].queryset = versions
        self.fields["version"].label_from_instance = lambda v: f"{localized(v.scheme, 'name')} · v{v.number}"
        choices = {}
        for level in Level.objects.filter(version__in=versions).order_by("position", "min_score"):
            choices.setdefault(level.code, localized(level, "name"))
        self.fields["target_level"].choices = [("", _("No target")), *choices.items()]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Start the self-assessment")))

    def clean(self):
        cleaned = super().clean()
        version, target = cleaned.get("version"), cleaned.get("target_level")
        if version and target and not version.levels.filter(code=target).exists():
            self.add_error("target_level", _("This scheme has no such level."))
        return cleaned


class SpecialBonusForm(forms.Form):
    bonus = forms.IntegerField(label=_("Special bonus"), min_value=0, max_value=1)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class SpecialDeductionForm(forms.Form):
    rule = forms.ChoiceField(label=_("Rule broken"), choices=SpecialDeduction.Rule.choices)
    reason = forms.CharField(label=_("What was found"), max_length=2000)


class MetricForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), choices=Gate.Metric.choices)
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=7, decimal_places=2)
    sample_size = forms.IntegerField(label=_("Sample size"), required=False, min_value=1)
    note = forms.CharField(label=_("Source and period"), required=False, max_length=500)


# --- The organisation's profile, outlets and people -----------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class OrganisationProfileForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    registration_date = forms.DateField(
        label=_("Date of registration"),
        required=False,
        widget=DateInput(),
        help_text=_("The date on the business licence."),
    )
    legal_representative = forms.CharField(
        label=_("Legal representative"), max_length=100, required=False
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    business_scope = forms.CharField(
        label=_("Business scope"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("As on the business licence."),
    )
    employee_count = forms.IntegerField(
        label=_("Number of employees"), required=False, min_value=0, max_value=10_000_000
    )
    service_started_on = forms.DateField(
        label=_("After-sales service system in operation since"),
        required=False,
        widget=DateInput(),
        help_text=_("Eligibility counts whole months from this date."),
    )
    categories = forms.CharField(
        label=_("Product and service categories"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, e.g. “household refrigerators” or “installation service”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save the profile")))

    @classmethod
    def initial_for(cls, organisation):
        initial = {name: getattr(organisation, name) for name in cls.base_fields if name != "categories"}
        initial["categories"] = "\n".join(c.name for c in organisation.categories.all())
        return initial

    def clean_categories(self):
        return [line for line in self.cleaned_data["categories"].splitlines() if line.strip()]


class ServiceOutletForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300)
    headcount = forms.IntegerField(
        label=_("Headcount"), min_value=0, max_value=10_000_000, initial=0
    )

    def __init__(self, *args, submit_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label or _("Save the outlet")))


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Colleague's e-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial="member")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Send the invitation")))


class UsccOverrideForm(forms.Form):
    uscc = forms.CharField(
        label=_("Legacy unified social credit code"),
        max_length=40,
        help_text=_("A code that fails only the check character (the 18th)."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the code is accepted, e.g. the licence seen and checked; kept in the record."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Accept this code")))


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
