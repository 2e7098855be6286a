from django import template

from scoring.models import Gate

register = template.Library()


@register.filter
def metric_label(code):
    return dict(Gate.Metric.choices).get(code, code)
