"""A move that finds its object already moved (DESIGN.md "How a transition is
written").

Two managers deciding the same case, a double click: the second submission
finds the object where it meant to take it. The service writes nothing and
notes, with `already_moved`, who made the move and when; the page (through
`certify.views.actions.run_action`, or `not_recorded_take`) then tells the
person that their own submission was not recorded.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from certify.models import Event

_not_recorded = ContextVar("not_recorded", default=None)


@dataclass(frozen=True)
class NotRecorded:
    by: str
    at: datetime | None

    @property
    def message(self):
        when = timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M") if self.at else ""
        if self.by and when:
            return _("%(name)s already did this at %(time)s; your submission was not recorded.") % {
                "name": self.by,
                "time": when,
            }
        if when:
            return _("This was already done at %(time)s; your submission was not recorded.") % {"time": when}
        return _("This was already done; your submission was not recorded.")


def already_moved(obj, to_state=""):
    """Note that `obj` already is in `to_state`: the latest event that took it
    there says who and when."""
    events = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("actor")
    if to_state:
        events = events.filter(to_state=to_state)
    event = events.order_by("-created_at", "-id").first()
    outcome = NotRecorded(
        by=event.actor.full_name if event and event.actor else "",
        at=event.created_at if event else None,
    )
    _not_recorded.set(outcome)
    return outcome


def not_recorded_take():
    """The move the last service call found already made, if any; cleared."""
    outcome = _not_recorded.get()
    _not_recorded.set(None)
    return outcome
