"""The event log is append-only: in Python on every database, and on
PostgreSQL in the database itself (a trigger), through the app's connection."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from applications import services as applications_services
from certify import services
from certify.events import event_record
from certify.models import Event, User

only_on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists only on PostgreSQL; SQLite has no such trigger",
)


def events_of(obj):
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )


@pytest.fixture
def event(manager):
    return event_record(actor=manager, obj=manager, verb="test.happened", note="first")


@pytest.mark.django_db
def test_registering_writes_a_registered_event_by_the_new_user():
    user = services.user_register(email="new@example.com", full_name="New Person")

    event = events_of(user).get()
    assert event.verb == "user.registered"
    assert event.actor == user


def test_creating_an_organisation_writes_an_event_with_its_code(applicant_without_organisation):
    organisation = applications_services.organisation_create(
        actor=applicant_without_organisation,
        legal_name="福建示例有限公司",
        uscc="91350100M000100Y43",
    )

    event = events_of(organisation).get()
    assert event.verb == "organisation.created"
    assert event.actor == applicant_without_organisation
    assert event.data == {"legal_name": "福建示例有限公司", "uscc": "91350100M000100Y43"}


def test_saving_an_existing_event_again_is_refused(event):
    event.note = "rewritten"

    with pytest.raises(ValidationError):
        event.save()


def test_an_event_refused_a_second_save_keeps_its_note(event):
    event.note = "rewritten"
    with pytest.raises(ValidationError):
        event.save()

    assert Event.objects.get(pk=event.pk).note == "first"


def test_deleting_an_event_is_refused(event):
    with pytest.raises(ValidationError):
        event.delete()

    assert Event.objects.filter(pk=event.pk).exists()


def test_a_user_cannot_be_deleted_so_no_event_loses_its_actor(event, manager):
    with pytest.raises(ValidationError):
        manager.delete()

    assert User.objects.filter(pk=manager.pk).exists()


@only_on_postgresql
def test_a_raw_update_of_an_event_is_refused_by_the_database(event):
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE certify_event SET note = %s WHERE id = %s", ["rewritten", event.pk])

    assert "append-only" in str(caught.value)
    assert Event.objects.get(pk=event.pk).note == "first"


@only_on_postgresql
def test_a_raw_delete_of_an_event_is_refused_by_the_database(event):
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM certify_event WHERE id = %s", [event.pk])

    assert "append-only" in str(caught.value)
    assert Event.objects.filter(pk=event.pk).exists()


@only_on_postgresql
def test_a_queryset_update_of_events_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(note="rewritten")

    assert Event.objects.get(pk=event.pk).note == "first"


@only_on_postgresql
def test_truncate_stays_allowed_for_test_tear_down_and_reseeding(event):
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Run the deferred foreign-key checks of this test's inserts now:
            # PostgreSQL refuses to truncate a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE certify_event")
        assert not Event.objects.exists()
        transaction.set_rollback(True)

    assert Event.objects.filter(pk=event.pk).exists()
