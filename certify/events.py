"""The append-only event log: the only writer and the reads of it."""

from django.contrib.contenttypes.models import ContentType

from certify.models import Event
from certify.webhooks import webhooks_queue


def event_record(*, actor, obj, verb, from_state="", to_state="", note="", data=None):
    """Write one event about `obj`. Call it inside the transition's transaction.

    `verb` is a member of the writing app's `verbs.Verb`, which declares it
    once with the label the history shows."""
    event = Event.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        verb=verb,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or {},
    )
    # Other systems subscribed to the verb hear of it once this commits.
    webhooks_queue(event, obj)
    return event


# What a history shows of each event: the actor's name, not their account.
LISTED_FIELDS = ("created_at", "verb", "from_state", "to_state", "note", "data", "actor__full_name")


def event_list_for_object(obj):
    """One object's events, oldest first, with their actors in the same query."""
    return (
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .select_related("actor")
        .only(*LISTED_FIELDS)
        .order_by("created_at", "id")
    )


_VERB_LABELS = {}


def verb_register(labels):
    """Each app registers its Verb.choices (AppConfig.ready) so the history
    shows labels, not codes."""
    _VERB_LABELS.update(labels)


def verb_label(verb):
    return _VERB_LABELS.get(verb, verb)


_STATE_LABELS = {}


def state_register(choices):
    """Apps register their states' labels so the history shows words, not codes.

    Codes shared by several models (draft, closed) carry the same meaning.
    """
    _STATE_LABELS.update(dict(choices))


def state_label(state):
    return _STATE_LABELS.get(state, state)
