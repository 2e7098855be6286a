from decimal import Decimal

from django import template

from certify.events import state_label, verb_label
from certify.i18n import localized

register = template.Library()


@register.filter
def event_label(verb):
    return verb_label(verb)


@register.filter(name="state_label")
def state_label_filter(state):
    return state_label(state)


@register.filter(name="localized")
def localized_filter(obj, field_name):
    return localized(obj, field_name)


@register.filter
def yuan(amount):
    """An amount of money as the body's documents print it: ¥12,345.00."""
    if amount in (None, ""):
        return ""
    return f"¥{Decimal(amount):,.2f}"
