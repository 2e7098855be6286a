"""The one way an object changes state (DESIGN.md "How a transition is
written").

Every state machine — case, audit, nonconformity, scheme version, score
sheet, certificate, surveillance, complaint — declares its moves in the
model's `ALLOWED_TRANSITIONS`, and its services move it with `apply`, which
locks the row, reads the table, sets the state and writes the event.

Two managers deciding the same case, a double click: the second submission
finds the object where it meant to take it. `apply` then writes nothing and
notes, with `already_moved`, who made the move and when; the page (through
`certify.views.actions.run_action`, or `not_recorded_take`) tells the person
that their own submission was not recorded.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from certify.events import event_record
from certify.exceptions import InvalidTransition
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


def state_field(model):
    """The field that holds the state: `status`, unless the model names
    another in STATE_FIELD (a surveillance's state is its outcome)."""
    return getattr(model, "STATE_FIELD", "status")


def state_display(obj, state=None):
    """The state to show and its label: the stored one in the model's own
    words (a certificate replaced by a revision says so), or `state`, one of
    the field's choices, when another is shown (a certificate past its end
    shows as expired to the public before the nightly job ran)."""
    field = state_field(type(obj))
    stored = getattr(obj, field)
    if state is None or state == stored:
        return state or stored, getattr(obj, f"get_{field}_display")()
    return state, state.label


def refusal(obj, to_state):
    """The model's own words for a move its table does not allow."""
    if hasattr(obj, "transition_refused"):
        return obj.transition_refused(to_state)
    field = state_field(type(obj))
    return _("This is not possible while the %(object)s is “%(state)s”.") % {
        "object": type(obj)._meta.verbose_name,
        "state": getattr(obj, f"get_{field}_display")(),
    }


def allowed(obj, to_state):
    """Whether the table allows moving `obj`, as it is now, to `to_state`."""
    return to_state in type(obj).ALLOWED_TRANSITIONS[getattr(obj, state_field(type(obj)))]


def require_allowed(obj, to_state):
    """Refuse early, before a service checks its input, a move the table
    does not allow; a repeat of the move passes (apply makes it a no-op)."""
    if getattr(obj, state_field(type(obj))) != to_state and not allowed(obj, to_state):
        raise InvalidTransition(refusal(obj, to_state))


def apply(obj, to_state, *, actor, verb, note="", data=None, changes=None, told_in=None):
    """Move `obj` to `to_state` inside the caller's transaction.

    Locks the row and reads its state afresh, so a move decided on a stale
    copy is judged on what is stored. Returns False, writing nothing, when
    the object already is in `to_state`; raises InvalidTransition when the
    model's table does not allow the move. `changes` are the fields that go
    with the new state (when, why, until when); they are saved with it.
    `told_in` is the object whose history tells of the move when that is not
    `obj` itself (a surveillance's outcome belongs to its certificate's).
    """
    model = type(obj)
    field = state_field(model)
    current = model.objects.select_for_update().values_list(field, flat=True).get(pk=obj.pk)
    setattr(obj, field, current)
    if current == to_state:
        already_moved(obj, to_state)
        return False
    if not allowed(obj, to_state):
        raise InvalidTransition(refusal(obj, to_state))
    setattr(obj, field, to_state)
    changes = changes or {}
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save(update_fields=[field, *changes])
    if told_in is None:
        event_record(
            actor=actor, obj=obj, verb=verb, from_state=current, to_state=to_state, note=note, data=data or {}
        )
    else:
        event_record(actor=actor, obj=told_in, verb=verb, note=note, data=data or {})
    return True


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
