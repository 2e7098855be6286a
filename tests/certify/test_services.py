"""The write functions of `certify`: allowed, refused for the wrong person,
a repeat changes nothing, and the event row written."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.utils import timezone

from certify import services
from certify.exceptions import CertifyError, NotAllowed
from certify.models import BodyProfile, Email, Event, OutboxMessage, User, WorkingDayOverride
from certify.selectors import body_profile_get
from tests.factories import PASSWORD, ManagerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def events_of(obj, verb=None):
    events = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )
    return events.filter(verb=verb) if verb else events


def register(email="new@example.com", **kwargs):
    return services.user_register(email=email, full_name="New Person", **kwargs)


def token_from(body):
    return re.search(r"/accounts/verify/([^/\s]+)/", body).group(1)


# user_register


def test_registering_creates_an_unverified_applicant():
    user = register()

    assert user.is_applicant is True
    assert user.is_auditor is False
    assert user.is_manager is False
    assert user.email_verified_at is None
    assert not user.has_usable_password()


def test_registering_stores_the_address_in_lower_case():
    user = register(email="New.Person@Example.COM")

    assert user.email == "new.person@example.com"


def test_registering_stores_the_language_of_the_page():
    user = register(language="en")

    assert user.language == "en"


def test_registering_sends_the_verification_link_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = register(language="en")

    assert mail.outbox[0].to == [user.email]
    assert mail.outbox[0].subject == "Confirm your e-mail address"
    assert f"{settings.SITE_URL}/accounts/verify/" in mail.outbox[0].body


def test_registering_a_taken_address_tells_its_owner_by_email(
    applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(email=applicant.email.upper(), language="en")

    [message] = mail.outbox
    assert message.to == [applicant.email]
    assert message.subject == "You already have an account"
    assert "/accounts/password/reset/" in message.body


def test_registering_a_taken_address_creates_no_second_account(applicant):
    register(email=applicant.email)

    assert User.objects.filter(email=applicant.email).count() == 1


def test_registering_a_taken_or_a_new_address_does_the_same_work(applicant):
    """One e-mail and one outbox row each, and no password hashed in either:
    the answer cannot tell who has an account."""
    register(email=applicant.email)
    register(email="new@example.com")

    assert [m.task_name for m in OutboxMessage.objects.order_by("id")] == [
        "certify.tasks.email_send",
        "certify.tasks.email_send",
    ]
    assert Email.objects.filter(to=applicant.email).count() == 1
    assert Email.objects.filter(to="new@example.com").count() == 1


def test_registering_an_unverified_address_again_sends_a_new_verification_link(
    django_capture_on_commit_callbacks,
):
    register(email="new@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        register(email="new@example.com")

    assert "/accounts/verify/" in mail.outbox[0].body


def test_a_new_account_cannot_be_verified_without_choosing_a_password():
    user = register()

    with pytest.raises(CertifyError, match="Choose a password"):
        services.user_verify_email(token=services.email_verification_token(user))

    user.refresh_from_db()
    assert user.email_verified_at is None


def test_the_link_sets_the_password_once_and_never_again():
    user = register()
    token = services.email_verification_token(user)
    services.user_verify_email(token=token, password=PASSWORD)

    services.user_verify_email(token=token, password="another-Passphrase-99")

    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# user_verify_email


def test_verifying_marks_the_address_verified():
    user = register()

    with time_machine.travel("2026-03-02 10:00 +0800", tick=False):
        services.user_verify_email(token=services.email_verification_token(user), password=PASSWORD)

    user.refresh_from_db()
    assert user.email_verified_at.isoformat() == "2026-03-02T02:00:00+00:00"


def test_verifying_writes_an_event():
    user = register()

    services.user_verify_email(token=services.email_verification_token(user), password=PASSWORD)

    assert events_of(user, "user.email_verified").count() == 1


def test_the_link_in_the_email_verifies(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = register()

    services.user_verify_email(token=token_from(mail.outbox[0].body), password=PASSWORD)

    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_verifying_twice_changes_nothing_the_second_time():
    user = register()
    token = services.email_verification_token(user)
    services.user_verify_email(token=token, password=PASSWORD)
    first_time = User.objects.get(pk=user.pk).email_verified_at

    services.user_verify_email(token=token, password=PASSWORD)

    assert User.objects.get(pk=user.pk).email_verified_at == first_time
    assert events_of(user, "user.email_verified").count() == 1


def test_an_expired_link_is_refused_with_a_way_forward():
    with time_machine.travel("2026-03-01 10:00 +0800"):
        user = register()
        token = services.email_verification_token(user)
    later = timezone.now() + timedelta(seconds=settings.EMAIL_VERIFICATION_MAX_AGE + 60)

    with time_machine.travel(later), pytest.raises(CertifyError, match="expired"):
        services.user_verify_email(token=token, password=PASSWORD)


def test_a_link_just_inside_its_validity_works():
    with time_machine.travel("2026-03-01 10:00 +0800"):
        user = register()
        token = services.email_verification_token(user)

    with time_machine.travel("2026-03-04 09:59 +0800"):
        services.user_verify_email(token=token, password=PASSWORD)

    user.refresh_from_db()
    assert user.email_verified_at is not None


def test_a_forged_link_is_refused():
    user = register()
    token = services.email_verification_token(user)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    with pytest.raises(CertifyError, match="not valid"):
        services.user_verify_email(token=forged, password=PASSWORD)


def test_a_link_signed_for_another_purpose_is_refused():
    from django.core import signing

    user = register()
    token = signing.dumps({"user": user.pk, "email": user.email})

    with pytest.raises(CertifyError, match="not valid"):
        services.user_verify_email(token=token, password=PASSWORD)


def test_a_link_for_an_address_that_has_since_changed_is_refused():
    user = register()
    token = services.email_verification_token(user)
    User.objects.filter(pk=user.pk).update(email="changed@example.com")

    with pytest.raises(CertifyError, match="not valid"):
        services.user_verify_email(token=token, password=PASSWORD)


def test_resending_sends_a_new_link_to_an_unverified_address(django_capture_on_commit_callbacks):
    register(email="new@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        services.user_resend_verification(email=" New@example.com ")

    assert [message.to for message in mail.outbox] == [["new@example.com"]]


def test_resending_is_silent_for_an_unknown_address(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_resend_verification(email="nobody@example.com")

    assert mail.outbox == []


def test_resending_is_silent_for_a_verified_address(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.user_resend_verification(email=applicant.email)

    assert mail.outbox == []


# staff_create


def create_staff(actor, email="auditor.new@example.com", **roles):
    roles = {"is_auditor": True, "is_manager": False, **roles}
    return services.staff_create(actor=actor, email=email, full_name="New Auditor", **roles)


def test_a_manager_creates_a_verified_staff_account_with_its_roles(manager):
    user = create_staff(manager, is_auditor=True, is_manager=True)

    assert user.roles == {User.Role.AUDITOR, User.Role.MANAGER}
    assert user.is_applicant is False
    assert user.email_verified_at is not None


def test_a_new_staff_account_has_no_usable_password_until_the_person_sets_one(manager):
    user = create_staff(manager)

    assert user.has_usable_password() is False


def test_creating_staff_writes_an_event_with_the_roles(manager):
    user = create_staff(manager)

    event = events_of(user, "user.staff_created").get()
    assert event.actor == manager
    assert event.data == {"roles": ["auditor"]}


def test_creating_staff_emails_a_link_to_set_the_password(
    manager, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = create_staff(manager)

    assert mail.outbox[0].to == [user.email]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+)", mail.outbox[0].body)
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is True


@pytest.mark.parametrize("actor_name", ["auditor", "applicant"])
def test_only_a_manager_may_create_staff(request, actor_name):
    actor = request.getfixturevalue(actor_name)

    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        create_staff(actor)


def test_a_deactivated_manager_may_not_create_staff(manager):
    manager.is_active = False

    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        create_staff(manager)


def test_staff_without_a_role_is_refused(manager):
    with pytest.raises(CertifyError, match="at least one role"):
        create_staff(manager, is_auditor=False, is_manager=False)


def test_staff_with_a_taken_address_is_refused(manager, applicant):
    with pytest.raises(CertifyError, match="already exists"):
        create_staff(manager, email=applicant.email.upper())


# user_roles_set


def set_roles(actor, user, **changes):
    values = {
        "is_applicant": user.is_applicant,
        "is_auditor": user.is_auditor,
        "is_manager": user.is_manager,
        "is_active": user.is_active,
        **changes,
    }
    return services.user_roles_set(actor=actor, user=user, **values)


def test_a_manager_grants_a_role(manager, auditor):
    set_roles(manager, auditor, is_manager=True)

    auditor.refresh_from_db()
    assert auditor.roles == {User.Role.AUDITOR, User.Role.MANAGER}


def test_granting_a_role_writes_an_event_with_before_and_after(manager, auditor):
    set_roles(manager, auditor, is_manager=True)

    event = events_of(auditor, "user.roles_changed").get()
    assert event.actor == manager
    assert event.data == {
        "before": {"roles": ["auditor"], "active": True},
        "after": {"roles": ["auditor", "manager"], "active": True},
    }


def test_setting_the_same_roles_again_writes_no_event(manager, auditor):
    set_roles(manager, auditor, is_manager=True)

    set_roles(manager, auditor, is_manager=True)

    assert events_of(auditor, "user.roles_changed").count() == 1


def test_a_manager_deactivates_an_account(manager, auditor):
    set_roles(manager, auditor, is_active=False)

    auditor.refresh_from_db()
    assert auditor.is_active is False


def test_a_manager_cannot_remove_their_own_manager_role(manager):
    with pytest.raises(CertifyError, match="your own manager role"):
        set_roles(manager, manager, is_manager=False)

    manager.refresh_from_db()
    assert manager.is_manager is True


def test_a_manager_cannot_deactivate_themselves(manager):
    with pytest.raises(CertifyError, match="deactivate yourself"):
        set_roles(manager, manager, is_active=False)


def test_a_manager_may_add_a_role_to_themselves(manager):
    set_roles(manager, manager, is_auditor=True)

    manager.refresh_from_db()
    assert manager.is_auditor is True


def test_another_manager_may_remove_a_managers_role(manager):
    colleague = ManagerFactory()

    set_roles(colleague, manager, is_manager=False)

    manager.refresh_from_db()
    assert manager.is_manager is False


def test_an_auditor_may_not_change_roles(auditor, applicant):
    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        set_roles(auditor, applicant, is_manager=True)


# body_profile_update


def test_the_body_profile_exists_before_anyone_edits_it():
    assert body_profile_get().name_zh


def test_a_manager_updates_the_body_profile(manager):
    services.body_profile_update(actor=manager, name_zh="福建示例认证有限公司", body_code="001")

    profile = body_profile_get()
    assert (profile.name_zh, profile.body_code) == ("福建示例认证有限公司", "001")


def test_updating_the_body_profile_writes_an_event_naming_the_changed_fields(manager):
    profile = services.body_profile_update(
        actor=manager, name_zh="福建示例认证有限公司", body_code="001", phone=""
    )

    event = events_of(profile, "body_profile.updated").get()
    assert event.actor == manager
    assert event.data == {"fields": ["name_zh", "body_code"]}


def test_updating_the_body_profile_keeps_the_earlier_version_in_its_history(manager):
    services.body_profile_update(actor=manager, name_zh="第一名称")

    services.body_profile_update(actor=manager, name_zh="第二名称")

    history = body_profile_get().history.order_by("history_date")
    assert [version.name_zh for version in history][-2:] == ["第一名称", "第二名称"]
    assert history.last().history_user == manager


def test_an_update_that_changes_nothing_writes_no_event_and_no_history(manager):
    services.body_profile_update(actor=manager, name_zh="第一名称")
    versions = body_profile_get().history.count()

    services.body_profile_update(actor=manager, name_zh="第一名称")

    assert body_profile_get().history.count() == versions
    assert Event.objects.filter(verb="body_profile.updated").count() == 1


def test_only_a_manager_may_update_the_body_profile(auditor):
    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        services.body_profile_update(actor=auditor, name_zh="篡改")

    assert BodyProfile.objects.filter(name_zh="篡改").count() == 0


# working-day overrides


def test_a_manager_sets_a_working_day_override(manager):
    override = services.working_day_override_set(
        actor=manager, date=date(2027, 2, 20), is_working_day=True, note="调休上班"
    )

    assert (override.date, override.is_working_day, override.note) == (
        date(2027, 2, 20),
        True,
        "调休上班",
    )
    assert override.created_by == manager


def test_setting_an_override_writes_an_event(manager):
    override = services.working_day_override_set(
        actor=manager, date=date(2027, 2, 20), is_working_day=True
    )

    event = events_of(override, "calendar.override_set").get()
    assert event.data == {"date": "2027-02-20", "is_working_day": True}


def test_setting_the_same_override_again_writes_no_second_event(manager):
    services.working_day_override_set(actor=manager, date=date(2027, 2, 20), is_working_day=True)

    override = services.working_day_override_set(
        actor=manager, date=date(2027, 2, 20), is_working_day=True
    )

    assert events_of(override).count() == 1


def test_changing_an_override_updates_the_one_row(manager):
    services.working_day_override_set(actor=manager, date=date(2027, 2, 20), is_working_day=True)

    services.working_day_override_set(actor=manager, date=date(2027, 2, 20), is_working_day=False)

    assert list(WorkingDayOverride.objects.values_list("is_working_day", flat=True)) == [False]


def test_removing_an_override_deletes_it_and_writes_an_event(manager):
    override = services.working_day_override_set(
        actor=manager, date=date(2027, 2, 20), is_working_day=True
    )

    services.working_day_override_delete(actor=manager, override_id=override.pk)

    assert not WorkingDayOverride.objects.exists()
    assert events_of(override, "calendar.override_removed").get().data == {"date": "2027-02-20"}


def test_removing_an_override_that_is_gone_does_nothing(manager):
    services.working_day_override_delete(actor=manager, override_id=987654)

    assert not Event.objects.filter(verb="calendar.override_removed").exists()


def test_only_a_manager_may_set_an_override(auditor):
    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        services.working_day_override_set(
            actor=auditor, date=date(2027, 2, 20), is_working_day=True
        )


def test_only_a_manager_may_remove_an_override(manager, auditor):
    override = services.working_day_override_set(
        actor=manager, date=date(2027, 2, 20), is_working_day=True
    )

    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        services.working_day_override_delete(actor=auditor, override_id=override.pk)

    assert WorkingDayOverride.objects.filter(pk=override.pk).exists()


# user_language_set


def test_a_user_stores_a_supported_language(applicant):
    services.user_language_set(user=applicant, language="en")

    applicant.refresh_from_db()
    assert applicant.language == "en"


def test_an_unsupported_language_is_refused(applicant):
    with pytest.raises(CertifyError, match="not available"):
        services.user_language_set(user=applicant, language="fr")
