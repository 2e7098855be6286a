"""The lead's forms on the report page."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RecommendationForm(forms.Form):
    """The lead's recommendation with the report or the final score; the
    service checks it against the sheet's level."""

    recommendation = forms.CharField(label=_("Recommendation"), required=False, max_length=20)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=4000)


class FollowUpCloseForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=4000)
