from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import Audit, ConflictDeclaration
from certify.bands import BandForm, band_formset
from certify.models import User
from scoring.models import Item, SpecialDeduction


class AuditPlanForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=Audit.Mode.choices)
    planned_start = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))
    planned_end = forms.DateField(label=_("End"), widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.DecimalField(
        label=_("Audit days"),
        max_digits=5,
        decimal_places=1,
        min_value=0.5,
        help_text=_("Computed from the days table; change it only with a reason."),
    )
    days_change_reason = forms.CharField(
        label=_("Reason for changing the days"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(label=_("Plan notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Plan the audit")))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The audit cannot end before it starts."))
        return cleaned


class DeclarationForm(forms.Form):
    no_consultancy = forms.BooleanField(
        required=False, label=ConflictDeclaration._meta.get_field("no_consultancy").verbose_name
    )
    no_employment = forms.BooleanField(
        required=False, label=ConflictDeclaration._meta.get_field("no_employment").verbose_name
    )
    no_other_interest = forms.BooleanField(
        required=False, label=ConflictDeclaration._meta.get_field("no_other_interest").verbose_name
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Declare")))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several photos at once: an auditor on site takes a few per finding."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class FindingForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Item"), queryset=Item.objects.none(), required=False, empty_label=_("(the audit as a whole)")
    )
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 3}))
    internal_note = forms.CharField(
        label=_("Internal note (the applicant never sees it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = MultipleFileField(label=_("Photos or files"), required=False)

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Item.objects.filter(indicator__category__version=version).order_by(
            "indicator__category__position", "indicator__position", "position"
        )
        self.fields["item"].label_from_instance = lambda item: f"{item.code} {item.name_zh[:40]}"


class AuditDaysTableForm(forms.Form):
    per_additional_outlet = forms.DecimalField(
        label=_("Days per additional service outlet (at least 0.5)"), max_digits=5, decimal_places=1, min_value=0.5
    )
    per_additional_category = forms.DecimalField(
        label=_("Days per additional product category"), max_digits=5, decimal_places=1, min_value=0
    )
    document_review_share = forms.DecimalField(
        label=_("Document review: share of the on-site days"), max_digits=4, decimal_places=2, min_value=0.01, max_value=1
    )
    surveillance_share = forms.DecimalField(
        label=_("Surveillance: share of the on-site days (about one third)"),
        max_digits=4,
        decimal_places=2,
        min_value=0.01,
        max_value=1,
    )


class AuditDaysBandForm(BandForm):
    VALUE = "days"
    days = forms.DecimalField(
        label=_("On-site days"),
        max_digits=5,
        decimal_places=1,
        min_value=0.5,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.5"}),
    )


AuditDaysBandFormSet = band_formset(AuditDaysBandForm)


class SpecialDeductionForm(forms.Form):
    """A special deduction on the audit's sheet; `item` is optional and must
    belong to the audit's scheme version."""

    rule = forms.ChoiceField(label=_("Rule broken"), choices=SpecialDeduction.Rule.choices)
    reason = forms.CharField(label=_("What was found"), max_length=2000)
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none(), required=False)

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = Item.objects.filter(indicator__category__version=version)


class SpecialBonusForm(forms.Form):
    bonus = forms.IntegerField(label=_("Special bonus"), min_value=0)
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


def _active_auditors():
    return User.objects.filter(is_auditor=True, is_active=True)


class TeamForm(forms.Form):
    """The audit team as the manager picks it: auditors by their public id."""

    lead = forms.ModelChoiceField(
        label=_("Lead auditor"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        error_messages={
            "required": _("Choose the lead auditor."),
            "invalid_choice": _("The lead auditor chosen is not an active auditor."),
        },
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
        error_messages={"invalid_choice": _("An auditor chosen is not an active auditor.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = _active_auditors()
        self.fields["members"].queryset = _active_auditors()


class DocumentCommentForm(forms.Form):
    """One indicator's outcome in a document-review round; the service knows
    which outcomes need a comment."""

    outcome = forms.CharField(max_length=20, required=False)
    comment = forms.CharField(required=False, max_length=4000)


class RevisionsRequestForm(forms.Form):
    note = forms.CharField(label=_("What to revise"), required=False, max_length=4000)
