from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.models import Decision, ReasonCode, Surveillance


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    level_code = forms.ChoiceField(label=_("Level granted"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when not certifying or when granting a lower level than allowed."),
    )

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level_code"].choices = [("", "—")] + list(levels)
        if levels:
            self.fields["level_code"].initial = levels[-1][0]


class StatusChangeForm(forms.Form):
    reason_code = forms.TypedChoiceField(label=_("Reason"), coerce=int)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = [("", "—")] + list(reasons)


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), required=False, max_length=60)
    name = forms.CharField(label=_("Organisation name"), required=False, max_length=200)
    code = forms.CharField(label=_("Unified social credit code"), required=False, max_length=18)

    def clean(self):
        data = super().clean()
        if any(self.has_error(name) for name in ("number", "name", "code")):
            # The field's own error (a number too long, say) says what is wrong.
            return data
        if not data.get("number") and not (data.get("name") and data.get("code")):
            raise forms.ValidationError(
                _("Enter the certificate number, or the organisation's full name together with its code.")
            )
        return data


class ReasonCodeForm(forms.ModelForm):
    class Meta:
        model = ReasonCode
        fields = ["action", "code", "label_zh", "label_en", "position", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Events and certificates name the code: it stays as it is.
            self.fields["action"].disabled = True
            self.fields["code"].disabled = True



class RevisionForm(forms.Form):
    level_code = forms.ChoiceField(label=_("Level"))
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea(attrs={"rows": 3}))
    holder_name = forms.CharField(label=_("Holder's name"), max_length=200)
    holder_address = forms.CharField(label=_("Holder's address"), max_length=300, required=False)
    reason_code = forms.TypedChoiceField(label=_("Reason"), coerce=int)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, levels=(), reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level_code"].choices = list(levels)
        self.fields["reason_code"].choices = [("", "—")] + list(reasons)


class SurveillanceOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Surveillance.Outcome.choices)
    level_code = forms.ChoiceField(
        label=_("Lowered to"), required=False, help_text=_("Only when the level is lowered.")
    )
    reason_code = forms.TypedChoiceField(
        label=_("Reason"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Needed when the level is lowered, or the certificate suspended or withdrawn."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, levels=(), reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level_code"].choices = [("", "—")] + list(levels)
        self.fields["reason_code"].choices = [("", "—")] + list(reasons)
