from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Case, ProductCategory, ServiceOutlet
from certify.bands import BandForm, band_formset
from certify.forms import KeyedMultipleChoiceField
from scoring.components import localized
from scoring.models import Level, SchemeVersion
from scoring.selectors import scheme_version_list


def _helper(label):
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


class CaseCreateForm(forms.Form):
    version = forms.ModelChoiceField(
        label=_("Scheme"), queryset=SchemeVersion.objects.none(), empty_label=None
    )
    target_level = forms.ChoiceField(label=_("Target level"))
    scope = forms.CharField(
        label=_("Scope"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("The products and services whose after-sales service is to be certified, e.g. “household air conditioners: sale, installation, repair”."),
    )

    outlets = KeyedMultipleChoiceField(
        label=_("Service outlets covered"),
        queryset=ServiceOutlet.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = KeyedMultipleChoiceField(
        label=_("Product and service categories covered"),
        queryset=ProductCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlets"].queryset = organisation.outlets.order_by("name")
        self.fields["categories"].queryset = organisation.categories.order_by("position")
        versions = scheme_version_list(published_only=True).order_by(
            "scheme__is_example", "scheme__code", "-number"
        )
        self.fields["version"].queryset = versions
        self.fields["version"].label_from_instance = lambda v: f"{localized(v.scheme, 'name')} · v{v.number}"
        choices = {}
        for level in Level.objects.filter(version__in=versions).order_by("position", "min_score"):
            choices.setdefault(level.code, localized(level, "name"))
        self.fields["target_level"].choices = list(choices.items())
        self.helper = _helper(_("Create the application"))

    def clean(self):
        cleaned = super().clean()
        version, target = cleaned.get("version"), cleaned.get("target_level")
        if version and target and not version.levels.filter(code=target).exists():
            self.add_error("target_level", _("This scheme has no such level."))
        return cleaned


class CaseUpdateForm(forms.Form):
    target_level = forms.ChoiceField(label=_("Target level"))
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    outlets = KeyedMultipleChoiceField(
        label=_("Service outlets covered"),
        queryset=ServiceOutlet.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = KeyedMultipleChoiceField(
        label=_("Product and service categories covered"),
        queryset=ProductCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outlets"].queryset = case.organisation.outlets.order_by("name")
        self.fields["categories"].queryset = case.organisation.categories.order_by("position")
        self.fields["target_level"].choices = [
            (level.code, localized(level, "name")) for level in case.version.levels.all()
        ]
        self.helper = _helper(_("Save"))


class DeclarationForm(forms.Form):
    declares_independent_legal_person = forms.BooleanField(
        required=False, label=Case._meta.get_field("declares_independent_legal_person").verbose_name
    )
    declares_no_serious_quality_accident = forms.BooleanField(
        required=False, label=Case._meta.get_field("declares_no_serious_quality_accident").verbose_name
    )
    declares_no_after_sales_penalty = forms.BooleanField(
        required=False, label=Case._meta.get_field("declares_no_after_sales_penalty").verbose_name
    )
    declares_not_on_dishonesty_list = forms.BooleanField(
        required=False, label=Case._meta.get_field("declares_not_on_dishonesty_list").verbose_name
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save the declarations"))


class MaterialUploadForm(forms.Form):
    file = forms.FileField(label=_("File"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ContractAcceptForm(forms.Form):
    typed_name = forms.CharField(label=_("Your full name"), max_length=150)
    agree = forms.BooleanField(
        label=_("I have read the contract and accept it on behalf of the organisation."),
        error_messages={"required": _("Tick the box to confirm that you accept the contract.")},
    )


class PrepaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received (yuan)"), max_digits=12, decimal_places=2, min_value=0.01)
    reference = forms.CharField(label=_("Payment reference"), max_length=100, required=False)


class FeeScheduleForm(forms.Form):
    per_additional_outlet = forms.DecimalField(
        label=_("Per additional service outlet (yuan)"), max_digits=12, decimal_places=2, min_value=0
    )
    surveillance_percent = forms.DecimalField(
        label=_("Annual surveillance fee (percent of the certification fee)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
    )
    prepayment_percent = forms.DecimalField(
        label=_("Prepayment (percent of the certification fee, 30 to 50)"),
        max_digits=5,
        decimal_places=2,
        min_value=30,
        max_value=50,
    )
    payment_terms = forms.CharField(
        label=_("Payment terms printed on the contract"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, schemes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.schemes = list(schemes)
        for scheme in self.schemes:
            self.fields[f"multiplier_{scheme.pk}"] = forms.DecimalField(
                label=_("Multiplier for %(scheme)s") % {"scheme": scheme.code},
                max_digits=5,
                decimal_places=2,
                min_value=0,
                initial=1,
            )

    def multipliers(self):
        return {scheme: self.cleaned_data[f"multiplier_{scheme.pk}"] for scheme in self.schemes}


class FeeBandForm(BandForm):
    VALUE = "base_fee"
    base_fee = forms.DecimalField(
        label=_("Base fee (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.01"}),
    )


FeeBandFormSet = band_formset(FeeBandForm)


class ReviewForm(forms.Form):
    """The manager's review of each material (accept, or ask for a new
    version with a comment) and the decision: accept or ask for a supplement."""

    # "accept"; anything else asks for a supplement.
    decision = forms.CharField(required=False, max_length=20)
    note = forms.CharField(required=False, max_length=4000)

    def __init__(self, *args, material_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.material_types = list(material_types)
        for material_type in self.material_types:
            self.fields[f"review-{material_type.pk}"] = forms.ChoiceField(
                choices=[("accepted", "accepted"), ("commented", "commented")], required=False
            )
            self.fields[f"comment-{material_type.pk}"] = forms.CharField(required=False, max_length=2000)

    def reviews(self):
        """Material type id → (accepted, comment), for the materials marked."""
        return {
            material_type.pk: (
                self.cleaned_data[f"review-{material_type.pk}"] == "accepted",
                self.cleaned_data[f"comment-{material_type.pk}"].strip(),
            )
            for material_type in self.material_types
            if self.cleaned_data[f"review-{material_type.pk}"]
        }
