from datetime import date, datetime
from decimal import Decimal

from django import template
from django.utils.html import format_html

from certify import transitions
from certify.events import state_label, verb_label
from certify.i18n import localized
from certify.notifications import secret

register = template.Library()


@register.filter
def event_label(verb):
    return verb_label(verb)


@register.filter(name="state_label")
def state_label_filter(state):
    return state_label(state)


@register.filter(name="secret", is_safe=True)
def secret_filter(link):
    """Mark a secret link in an e-mail: it is sent, never kept."""
    return secret(link)


@register.filter(name="localized")
def localized_filter(obj, field_name):
    return localized(obj, field_name)


# The date formats the lists and timelines print, as |date:"Y-m-d",
# |date:"Y-m-d H:i" and |date:"c" print them (in the current time zone),
# without Django's general formatter, which costs 15 to 25 µs a value: a
# millisecond on twenty call-back cards or a case's timeline.
@register.filter(expects_localtime=True)
def day(value):
    return value.strftime("%Y-%m-%d") if isinstance(value, date) else ""


@register.filter(expects_localtime=True)
def minute(value):
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else ""


@register.filter(expects_localtime=True)
def iso(value):
    return value.isoformat() if isinstance(value, date) else ""


@register.simple_tag(takes_context=True)
def query_without_page(context):
    """The request's query string without its page number, for the
    pagination links to keep the list's filters."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    return query.urlencode()


@register.filter
def yuan(amount):
    """An amount of money as the body's documents print it: ¥12,345.00."""
    if amount in (None, ""):
        return ""
    return f"¥{Decimal(amount):,.2f}"


@register.filter
def tone_colour(tone):
    """The badge colour classes of a tone (a model's STATUS_TONES value)."""
    if not tone:
        return "bg-body-secondary text-body-emphasis"
    return f"bg-{tone}-subtle text-{tone}-emphasis border-{tone}-subtle"


@register.simple_tag
def status_badge(obj, state=None):
    """The one status badge of every state machine: its label, coloured by
    the model's STATUS_TONES (neutral where it names none). `state` shows
    another state than the stored one (a certificate past its end shows as
    expired to the public before the nightly job ran)."""
    state, label = transitions.state_display(obj, state)
    return format_html(
        '<span class="badge border status-badge {}" data-status="{}" data-testid="{}-status">{}</span>',
        tone_colour(getattr(obj, "STATUS_TONES", {}).get(state)),
        state,
        obj._meta.model_name,
        label,
    )


@register.filter
def bound_field(form, name):
    """The form's field called `name`, where the name is a variable."""
    return form[name]
