"""Tables by number of employees — the fee schedule's base fees, the audit
days: each band covers organisations up to its `max_employees`; exactly one,
the last, is open-ended (no upper limit). The fee schedule and the audit
days table share these; each names its value field."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certify.exceptions import CertifyError


def band_for(bands, employees):
    """The band covering `employees`, or None."""
    ordered = sorted(bands, key=lambda band: (band.max_employees is None, band.max_employees or 0))
    return next((band for band in ordered if band.max_employees is None or employees <= band.max_employees), None)


def bands_check(limits):
    """Refuse upper limits that leave an organisation in no band or in two."""
    if list(limits).count(None) != 1:
        raise CertifyError(_("Exactly one band must be open-ended (no upper limit)."))
    if len(set(limits)) != len(limits):
        raise CertifyError(_("Two bands have the same upper limit."))


def bands_replace(old, new, *, actor):
    """Replace the bands `old` (a queryset) with `new` (unsaved rows); the
    field history records who did it."""
    for band in old:
        band._history_user = actor
        band.delete()
    for band in new:
        band._history_user = actor
        band.save()


class BandForm(forms.Form):
    """One band's row; a subclass adds the value field named VALUE."""

    VALUE = ""
    max_employees = forms.IntegerField(
        label=gettext_lazy("Up to employees"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )


def band_formset(form_class):
    return forms.formset_factory(form_class, extra=1, can_delete=True)


def band_rows(formset):
    """The filled, kept rows of a valid band formset: (max_employees, value)."""
    value = formset.form.VALUE
    return [
        (row["max_employees"], row[value])
        for row in formset.cleaned_data
        if row and not row.get("DELETE") and row.get(value) is not None
    ]


def band_initial(bands, value):
    return [{"max_employees": band.max_employees, value: getattr(band, value)} for band in bands]
