from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.models import Complaint, PublicPage


class ComplaintForm(forms.Form):
    about = forms.ChoiceField(
        label=_("The complaint is about"),
        choices=[
            (Complaint.About.ORGANISATION, _("A certified organisation")),
            (Complaint.About.BODY, _("The certification body itself")),
        ],
        initial=Complaint.About.ORGANISATION,
        widget=forms.RadioSelect,
    )
    organisation_name = forms.CharField(
        label=_("Certified organisation"),
        required=False,
        max_length=200,
        help_text=_("Required for a complaint about a certified organisation."),
    )
    certificate_number = forms.CharField(
        label=_("Certificate number"),
        required=False,
        max_length=60,
        help_text=_("If you know it, as printed on the certificate."),
    )
    description = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Describe the matter: what, when and where, and what you expect the body to do."),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=150)
    contact_email = forms.EmailField(
        label=_("Your e-mail address"), help_text=_("The reference and every step are sent here.")
    )
    contact_phone = forms.CharField(label=_("Your phone (optional)"), required=False, max_length=40)

    def clean(self):
        data = super().clean()
        if data.get("about") == Complaint.About.ORGANISATION and not (data.get("organisation_name") or "").strip():
            self.add_error("organisation_name", _("Name the certified organisation the complaint is about."))
        return data


class AppealForm(forms.Form):
    description = forms.CharField(
        label=_("Grounds of the appeal"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say what you disagree with in the decision and why, and what you ask the body to do."),
    )
    contact_phone = forms.CharField(label=_("Phone (optional)"), required=False, max_length=40)


class CertificateLinkForm(forms.Form):
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=60,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm font-monospace", "autocomplete": "off"}),
    )


class StepNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the history; the filer does not see it."),
    )


class ComplaintDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Complaint.Outcome.choices, widget=forms.RadioSelect)
    decision_text = forms.CharField(
        label=_("Decision and reasons"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent to the filer as written."),
    )


class PublicPageForm(forms.ModelForm):
    class Meta:
        model = PublicPage
        fields = ["title_zh", "body_zh", "title_en", "body_en"]
        widgets = {
            "body_zh": forms.Textarea(attrs={"rows": 16}),
            "body_en": forms.Textarea(attrs={"rows": 16}),
        }
