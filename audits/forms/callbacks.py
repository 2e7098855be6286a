"""Forms of the call-backs page: shape only; the services hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.callbacks import SAMPLE_MAX, SAMPLE_MIN
from scoring.models import Gate

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class CustomerListUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Customer list (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class SampleForm(forms.Form):
    size = forms.IntegerField(
        label=_("Sample size"), min_value=SAMPLE_MIN, max_value=SAMPLE_MAX, initial=SAMPLE_MIN
    )
    redraw = forms.BooleanField(required=False)


class CallForm(forms.Form):
    reached = forms.TypedChoiceField(label=_("Reached"), choices=YES_NO, coerce=_yes_no, widget=forms.RadioSelect)
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    resolved_first_contact = forms.TypedChoiceField(
        label=_("Resolved at first contact"), choices=YES_NO, coerce=_yes_no, required=False, empty_value=None
    )
    remarks = forms.CharField(label=_("Remarks"), required=False, max_length=2000)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reached"):
            if cleaned.get("satisfaction") is None:
                self.add_error("satisfaction", _("Give the customer's satisfaction from 1 to 5."))
            if cleaned.get("resolved_first_contact") is None:
                self.add_error("resolved_first_contact", _("Say whether the matter was resolved at first contact."))
        return cleaned


class _PeriodForm(forms.Form):
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        return cleaned


class SurveyForm(_PeriodForm):
    field_order = ["metric", "value", "sample_size", "period_start", "period_end", "note"]

    metric = forms.ChoiceField(
        label=_("Figure"),
        choices=[
            (Gate.Metric.CUSTOMER_SATISFACTION, Gate.Metric.CUSTOMER_SATISFACTION.label),
            (Gate.Metric.FIRST_TIME_RESOLUTION, Gate.Metric.FIRST_TIME_RESOLUTION.label),
        ],
    )
    value = forms.DecimalField(label=_("Value (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2)
    sample_size = forms.IntegerField(label=_("Survey sample size"), min_value=1)
    note = forms.CharField(label=_("Survey (who ran it, how)"), required=False, max_length=2000)


class ComplaintsForm(_PeriodForm):
    field_order = ["received", "closed", "period_start", "period_end", "note"]

    received = forms.IntegerField(label=_("Complaints received"), min_value=1)
    closed = forms.IntegerField(label=_("Complaints closed"), min_value=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def clean(self):
        cleaned = super().clean()
        received, closed = cleaned.get("received"), cleaned.get("closed")
        if received is not None and closed is not None and closed > received:
            self.add_error("closed", _("Closed complaints are between 0 and the number received."))
        return cleaned
