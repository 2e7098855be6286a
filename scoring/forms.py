"""Forms of the managers' scheme editor. They check the shape of the input
(numbers, ranges, codes free within the version); publishing checks the sums."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from scoring.models import Category, Gate, Indicator, Item, Level, SchemeVersion
from scoring.selectors import PROCESS_SETTINGS

PERCENTAGE_METRICS = {
    Gate.Metric.CUSTOMER_SATISFACTION,
    Gate.Metric.FIRST_TIME_RESOLUTION,
    Gate.Metric.COMPLAINT_CLOSURE,
}


class EditorForm(forms.ModelForm):
    """A node or settings form; the template supplies the <form> tag so the
    same form posts by htmx inline or as a plain page. `grid` lays the
    fields out in rows (a column each, stacked on a phone)."""

    grid = ()

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        if self.grid:
            self.helper.layout = Layout(
                *(
                    Row(*(Column(name, css_class="col-12 col-md") for name in row))
                    for row in self.grid
                )
            )


class PointsMixin:
    """Points must be a positive number: the engine refuses an item of 0."""

    def clean_max_points(self):
        points = self.cleaned_data["max_points"]
        if points is not None and points <= 0:
            raise ValidationError(_("Points must be more than 0."))
        return points


class CodeFreeInVersionMixin:
    """Codes are unique within a version: the database says so for categories
    and levels, publishing for indicators and items. Say so at once, before
    the database refuses."""

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if self.version is None:
            return code
        taken = self._meta.model.objects.filter(**{self.version_lookup: self.version, "code": code})
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(
                _("The code %(code)s is already used in this version.") % {"code": code}
            )
        return code


class CategoryForm(PointsMixin, CodeFreeInVersionMixin, EditorForm):
    version_lookup = "version"
    grid = (("code", "max_points", "position"), ("name_zh", "name_en"))

    class Meta:
        model = Category
        fields = ["code", "name_zh", "name_en", "max_points", "position"]


class IndicatorForm(PointsMixin, CodeFreeInVersionMixin, EditorForm):
    version_lookup = "category__version"
    grid = (
        ("code", "clause", "max_points", "position"),
        ("name_zh", "name_en"),
        ("aliases",),
    )

    class Meta:
        model = Indicator
        fields = ["code", "clause", "name_zh", "name_en", "aliases", "max_points", "position"]


class ItemForm(PointsMixin, CodeFreeInVersionMixin, EditorForm):
    version_lookup = "indicator__category__version"
    grid = (
        ("code", "clause", "max_points", "kind", "position"),
        ("name_zh", "name_en"),
        ("evidence_zh", "evidence_en"),
    )

    class Meta:
        model = Item
        fields = [
            "code",
            "clause",
            "name_zh",
            "name_en",
            "max_points",
            "kind",
            "evidence_zh",
            "evidence_en",
            "position",
        ]
        widgets = {
            "name_zh": forms.Textarea(attrs={"rows": 2}),
            "name_en": forms.Textarea(attrs={"rows": 2}),
            "evidence_zh": forms.Textarea(attrs={"rows": 2}),
            "evidence_en": forms.Textarea(attrs={"rows": 2}),
        }


class LevelForm(CodeFreeInVersionMixin, EditorForm):
    version_lookup = "version"
    grid = (("code", "min_score", "position"), ("name_zh", "name_en"))

    class Meta:
        model = Level
        fields = ["code", "name_zh", "name_en", "min_score", "position"]

    def clean_min_score(self):
        score = self.cleaned_data["min_score"]
        if score is not None and not Decimal(0) <= score <= Decimal(100):
            raise ValidationError(_("The minimum score must be between 0 and 100."))
        return score


class GateForm(EditorForm):
    grid = (("metric", "minimum"),)

    class Meta:
        model = Gate
        fields = ["metric", "minimum"]

    def clean(self):
        cleaned = super().clean()
        metric, minimum = cleaned.get("metric"), cleaned.get("minimum")
        level_id = self.instance.level_id
        if metric and level_id:
            taken = Gate.objects.filter(level_id=level_id, metric=metric)
            if self.instance.pk:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("metric", _("This level already has a gate on this metric."))
        if minimum is not None:
            if minimum < 0:
                self.add_error("minimum", _("The minimum must not be negative."))
            elif metric in PERCENTAGE_METRICS and minimum > 100:
                self.add_error("minimum", _("A percentage must be between 0 and 100."))
        return cleaned


class SettingsForm(EditorForm):
    """The rating rules and the process settings of a draft version."""

    grid = (
        ("fail_below", "special_deductions_fail_at", "special_bonus_max"),
        *(PROCESS_SETTINGS[start : start + 3] for start in range(0, len(PROCESS_SETTINGS), 3)),
        ("notes",),
    )

    class Meta:
        model = SchemeVersion
        fields = [
            "fail_below",
            "special_deductions_fail_at",
            "special_bonus_max",
            *PROCESS_SETTINGS,
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean_fail_below(self):
        value = self.cleaned_data["fail_below"]
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            raise ValidationError(_("The pass mark must be between 0 and 100."))
        return value

    def clean_special_deductions_fail_at(self):
        value = self.cleaned_data["special_deductions_fail_at"]
        if value is not None and value < 1:
            raise ValidationError(_("At least one special deduction must be allowed to fail."))
        return value


# --- A score sheet's marks, for whichever app owns the sheet ----------------------


class MarkForm(forms.Form):
    """Reads a mark's fields; the service says what is wrong with their
    values (a missing result, impossible sample counts)."""

    result = forms.CharField(required=False, max_length=15)
    samples = forms.IntegerField(required=False)
    conforming = forms.IntegerField(required=False)
    deletion_reason = forms.CharField(required=False, max_length=2000)
    note = forms.CharField(required=False, max_length=4000)

    def refusal(self):
        """The message for a form that is not valid."""
        if "samples" in self.errors or "conforming" in self.errors:
            return _("Check the numbers: samples at least 1, conforming between 0 and samples.")
        return " ".join(str(error) for errors in self.errors.values() for error in errors)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence file"))


class NormativeForm(forms.Form):
    normative = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1")
