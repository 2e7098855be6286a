import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Case
from applications.selectors.case import deadline_condition, overdue_condition
from certify.widgets import PlainSelect
from scoring.models import Scheme


class CaseFilter(django_filters.FilterSet):
    """The managers' case list: by state, scheme, organisation and deadline."""

    status = django_filters.ChoiceFilter(
        label=_("State"), choices=Case.Status.choices, empty_label=_("All states"), widget=PlainSelect
    )
    scheme = django_filters.ModelChoiceFilter(
        label=_("Scheme"),
        field_name="version__scheme",
        queryset=Scheme.objects.order_by("code"),
        empty_label=_("All schemes"),
        widget=PlainSelect,
    )
    q = django_filters.CharFilter(label=_("Organisation or reference"), method="filter_text")
    due_by = django_filters.DateFilter(
        label=_("Due by"),
        method="filter_due_by",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"),
        method="filter_overdue",
        widget=django_filters.widgets.forms.CheckboxInput,
    )

    class Meta:
        model = Case
        fields = ["status", "scheme", "q", "due_by", "overdue"]

    WIDGET_CLASSES = {
        "status": "form-select",
        "scheme": "form-select",
        "q": "form-control",
        "due_by": "form-control",
        "overdue": "form-check-input",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, css in self.WIDGET_CLASSES.items():
            self.form.fields[name].widget.attrs["class"] = css

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(organisation__legal_name__icontains=value)
            | Q(organisation__uscc__istartswith=value)
            | Q(reference__iexact=value)
        )

    def filter_due_by(self, queryset, name, value):
        return queryset.filter(deadline_condition(value, "lte"))

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(overdue_condition(timezone.localdate()))
