from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.uscc import validate_uscc


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
