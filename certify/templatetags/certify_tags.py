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
