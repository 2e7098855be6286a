"""Writing and reading the event log."""

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from certify.events import event_list_for_object, event_record, verb_label, verb_register


def test_an_event_records_who_what_from_to_note_and_data(manager, organisation):
    event = event_record(
        actor=manager,
        obj=organisation,
        verb="organisation.checked",
        from_state="draft",
        to_state="checked",
        note="looks right",
        data={"points": 3},
    )

    event.refresh_from_db()
    assert event.actor == manager
    assert event.content_type.model_class() is type(organisation)
    assert event.object_id == organisation.pk
    assert (event.verb, event.from_state, event.to_state) == (
        "organisation.checked",
        "draft",
        "checked",
    )
    assert event.note == "looks right"
    assert event.data == {"points": 3}


def test_an_event_without_a_person_has_no_actor(organisation):
    event = event_record(actor=None, obj=organisation, verb="job.swept")

    assert event.actor is None


def test_an_anonymous_visitor_is_recorded_as_no_actor(organisation):
    event = event_record(actor=AnonymousUser(), obj=organisation, verb="complaint.filed")

    assert event.actor is None


def test_an_events_time_is_set_in_python_so_the_clock_can_be_moved(organisation):
    with time_machine.travel("2026-02-16 09:30 +0800", tick=False):
        event = event_record(actor=None, obj=organisation, verb="job.swept")

    event.refresh_from_db()
    assert event.created_at.isoformat() == "2026-02-16T01:30:00+00:00"


def test_an_objects_events_are_listed_oldest_first(manager, organisation):
    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        later = event_record(actor=manager, obj=organisation, verb="second")
    with time_machine.travel("2026-03-01 10:00 +0800", tick=False):
        earlier = event_record(actor=manager, obj=organisation, verb="first")

    assert list(event_list_for_object(organisation)) == [earlier, later]


def test_an_objects_events_leave_out_other_objects_events(manager, organisation):
    event_record(actor=manager, obj=manager, verb="other")
    own = event_record(actor=manager, obj=organisation, verb="own")

    assert list(event_list_for_object(organisation)) == [own]


def test_listing_events_reads_their_actors_in_the_same_query(
    manager, organisation, django_assert_num_queries
):
    for verb in ("a", "b", "c"):
        event_record(actor=manager, obj=organisation, verb=verb)
    events = event_list_for_object(organisation)
    # The content type is cached after the first lookup.
    list(events)

    with django_assert_num_queries(1):
        names = [event.actor.full_name for event in event_list_for_object(organisation)]

    assert names == ["Manager Wang"] * 3


def test_a_registered_verb_has_a_readable_label():
    verb_register({"test.labelled": "Labelled"})

    assert verb_label("test.labelled") == "Labelled"


def test_an_unregistered_verb_is_shown_as_it_is():
    assert verb_label("test.never-registered") == "test.never-registered"


@pytest.mark.usefixtures("english")
def test_the_applications_app_registers_its_verbs():
    assert str(verb_label("organisation.created")) == "Organisation created"
