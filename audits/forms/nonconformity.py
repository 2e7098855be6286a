from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import Nonconformity


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks each one's bytes."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _textarea(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class NonconformityRaiseForm(forms.Form):
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Nonconformity.Severity.choices, widget=forms.RadioSelect
    )
    target = forms.ChoiceField(label=_("Item or indicator"), required=False)
    finding = forms.ChoiceField(label=_("From finding"), required=False)
    clause = forms.CharField(
        label=_("Clause"), required=False, max_length=60,
        help_text=_("Left empty, the clause of the item or indicator is used."),
    )
    description = forms.CharField(label=_("Nonconformity"), widget=_textarea(4))
    files = MultipleFileField(label=_("Evidence (photos, files)"))

    def __init__(self, *args, targets=(), findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("— none —")), *targets]
        self.fields["finding"].choices = [("", _("— none —")), *findings]


class NonconformityAnswerForm(forms.Form):
    correction = forms.CharField(
        label=_("Correction"), widget=_textarea(),
        help_text=_("What was done to put this case right."),
    )
    root_cause = forms.CharField(
        label=_("Root cause"), widget=_textarea(), help_text=_("Why it happened.")
    )
    corrective_action = forms.CharField(
        label=_("Corrective action"), widget=_textarea(),
        help_text=_("What changes so that it does not happen again."),
    )
    files = MultipleFileField(label=_("Evidence (photos, files)"))


class NonconformityVerifyForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[("accept", _("Accept the answer")), ("reject", _("Reject the answer"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=_textarea(),
        help_text=_("Required when rejecting: say what is missing."),
    )


class NonconformityEscalateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=_textarea(2))
