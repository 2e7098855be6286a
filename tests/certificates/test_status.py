"""Suspension, reinstatement, withdrawal, cancellation and expiry of a
certificate (DESIGN.md "The certificate", "How a transition is written")."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from certificates import services
from certificates.models import Certificate, ReasonCode
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.models import Event, Notification
from scoring.models import SchemeVersion
from tests.certificates.helpers import certificate_row, issued_certificate, reason
from tests.worlds import reloaded, shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SUSPEND, REINSTATE, WITHDRAW, CANCEL = (
    ReasonCode.Action.SUSPEND,
    ReasonCode.Action.REINSTATE,
    ReasonCode.Action.WITHDRAW,
    ReasonCode.Action.CANCEL,
)

SERVICES = {
    SUSPEND: services.certificate_suspend,
    REINSTATE: services.certificate_reinstate,
    WITHDRAW: services.certificate_withdraw,
    CANCEL: services.certificate_cancel,
}

RESULT = {
    SUSPEND: Certificate.Status.SUSPENDED,
    REINSTATE: Certificate.Status.ACTIVE,
    WITHDRAW: Certificate.Status.WITHDRAWN,
    CANCEL: Certificate.Status.CANCELLED,
}

VERB = {
    SUSPEND: "certificate.suspended",
    REINSTATE: "certificate.reinstated",
    WITHDRAW: "certificate.withdrawn",
    CANCEL: "certificate.cancelled",
}

# The states each action moves a certificate from, and those it refuses
# (its own target state is a repeat, tested apart).
ALLOWED_FROM = {
    SUSPEND: ["active"],
    REINSTATE: ["suspended"],
    WITHDRAW: ["active", "suspended"],
    CANCEL: ["active", "suspended"],
}
REFUSED_FROM = {
    SUSPEND: ["withdrawn", "cancelled", "expired", "superseded"],
    REINSTATE: ["withdrawn", "cancelled", "expired", "superseded"],
    WITHDRAW: ["cancelled", "expired", "superseded"],
    CANCEL: ["withdrawn", "expired", "superseded"],
}


world, cast = shared_world(lambda cast: issued_certificate(cast.applicant, cast.organisation, cast.manager))


@pytest.fixture
def certificate(world, cast):
    return reloaded(world.built)


def in_state(certificate, status):
    """Put the certificate in `status` directly (test data)."""
    Certificate.objects.filter(pk=certificate.pk).update(status=status)
    certificate.refresh_from_db()
    return certificate


def act(action, actor, certificate, code=None, note=""):
    return SERVICES[action](actor=actor, certificate=certificate, reason_code=code or reason(action), note=note)


def events(certificate, verb):
    return Event.objects.filter(
        content_type=ContentType.objects.get_for_model(Certificate), object_id=certificate.pk, verb=verb
    )


def status_notices(user):
    return Notification.objects.filter(recipient=user, kind="certificate_status_changed")


def allowed_params():
    return [
        pytest.param(action, state, id=f"{action}-from-{state}")
        for action, states in ALLOWED_FROM.items()
        for state in states
    ]


def refused_params():
    return [
        pytest.param(action, state, id=f"{action}-from-{state}")
        for action, states in REFUSED_FROM.items()
        for state in states
    ]


# --- Allowed and refused moves ------------------------------------------------------------


@pytest.mark.parametrize(("action", "state"), allowed_params())
def test_a_status_action_moves_the_certificate_from_an_allowed_state(manager, certificate, action, state):
    act(action, manager, in_state(certificate, state))
    certificate.refresh_from_db()
    assert certificate.status == RESULT[action]


@pytest.mark.parametrize(("action", "state"), refused_params())
def test_a_status_action_is_refused_from_a_state_that_does_not_allow_it(manager, certificate, action, state):
    with pytest.raises(InvalidTransition, match="This is not possible while the certificate is “"):
        act(action, manager, in_state(certificate, state))
    certificate.refresh_from_db()
    assert certificate.status == state


@pytest.mark.parametrize("action", [SUSPEND, WITHDRAW, CANCEL])
def test_a_status_action_records_its_reason_and_note(manager, certificate, action):
    act(action, manager, certificate, note="见投诉单 2026-17")
    certificate.refresh_from_db()
    assert certificate.status_reason_id == reason(action)
    assert certificate.status_note == "见投诉单 2026-17"


@pytest.mark.parametrize("action", [SUSPEND, WITHDRAW, CANCEL])
def test_a_status_action_writes_one_event_with_its_reason(manager, certificate, action):
    act(action, manager, certificate)
    event = events(certificate, VERB[action]).get()
    code = ReasonCode.objects.get(pk=reason(action)).code
    assert (event.actor, event.from_state, event.to_state, event.data["reason"]) == (
        manager,
        "active",
        RESULT[action],
        code,
    )


@pytest.mark.parametrize("action", [SUSPEND, WITHDRAW, CANCEL])
def test_repeating_a_status_action_changes_nothing(manager, applicant, certificate, action):
    act(action, manager, certificate)
    act(action, manager, certificate)
    assert events(certificate, VERB[action]).count() == 1
    assert status_notices(applicant).count() == 1


def test_repeating_a_reinstatement_changes_nothing(manager, applicant, certificate):
    act(SUSPEND, manager, certificate)
    act(REINSTATE, manager, certificate)
    act(REINSTATE, manager, certificate)
    assert events(certificate, "certificate.reinstated").count() == 1
    assert status_notices(applicant).count() == 2


@pytest.mark.parametrize("action", [SUSPEND, WITHDRAW, CANCEL, REINSTATE])
def test_the_holder_is_notified_of_a_status_change(manager, applicant, certificate, action):
    if action == REINSTATE:
        in_state(certificate, "suspended")
    act(action, manager, certificate)
    assert status_notices(applicant).count() == 1


# --- Reasons and roles ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "other"), [(SUSPEND, WITHDRAW), (REINSTATE, SUSPEND), (WITHDRAW, CANCEL), (CANCEL, SUSPEND)]
)
def test_a_reason_code_of_another_action_is_refused(manager, certificate, action, other):
    if action == REINSTATE:
        in_state(certificate, "suspended")
    before = certificate.status
    with pytest.raises(CertifyError, match="Choose a reason from the list"):
        act(action, manager, certificate, code=reason(other))
    certificate.refresh_from_db()
    assert certificate.status == before


@pytest.mark.parametrize("action", [SUSPEND, REINSTATE, WITHDRAW, CANCEL])
def test_an_inactive_reason_code_is_refused(manager, certificate, action):
    if action == REINSTATE:
        in_state(certificate, "suspended")
    code = reason(action)
    ReasonCode.objects.filter(pk=code).update(active=False)
    with pytest.raises(CertifyError, match="Choose a reason from the list"):
        act(action, manager, certificate, code=code)


@pytest.mark.parametrize("action", [SUSPEND, WITHDRAW, CANCEL])
def test_a_status_action_without_a_reason_is_refused(manager, certificate, action):
    with pytest.raises(CertifyError, match="Choose a reason from the list"):
        SERVICES[action](actor=manager, certificate=certificate, reason_code=None)


@pytest.mark.parametrize("action", [SUSPEND, REINSTATE, WITHDRAW, CANCEL])
@pytest.mark.parametrize("role", ["auditor", "applicant"])
def test_someone_who_is_not_a_manager_cannot_change_a_certificates_status(request, certificate, action, role):
    if action == REINSTATE:
        in_state(certificate, "suspended")
    before = certificate.status
    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        act(action, request.getfixturevalue(role), certificate)
    certificate.refresh_from_db()
    assert certificate.status == before


# --- Suspension and reinstatement ---------------------------------------------------------


def test_suspension_lasts_at_most_the_schemes_longest_suspension(manager, certificate):
    months = certificate.case.version.max_suspension_months
    act(SUSPEND, manager, certificate)
    certificate.refresh_from_db()
    assert certificate.suspended_until == timezone.localdate() + relativedelta(months=months)


def test_the_longest_suspension_follows_the_scheme_version(manager, certificate):
    SchemeVersion.objects.filter(pk=certificate.case.version_id).update(max_suspension_months=3)
    act(SUSPEND, manager, certificate)
    certificate.refresh_from_db()
    assert certificate.suspended_until == timezone.localdate() + relativedelta(months=3)


def test_reinstatement_clears_the_suspension_limit(manager, certificate):
    act(SUSPEND, manager, certificate)
    act(REINSTATE, manager, certificate)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.suspended_until) == ("active", None)


def test_withdrawing_a_suspended_certificate_clears_the_suspension_limit(manager, certificate):
    act(SUSPEND, manager, certificate)
    act(WITHDRAW, manager, certificate)
    certificate.refresh_from_db()
    assert (certificate.status, certificate.suspended_until) == ("withdrawn", None)


def test_reinstatement_is_refused_once_the_validity_has_ended(manager, certificate):
    act(SUSPEND, manager, certificate)
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    certificate.refresh_from_db()
    with pytest.raises(InvalidTransition, match="validity has ended"):
        act(REINSTATE, manager, certificate)
    certificate.refresh_from_db()
    assert certificate.status == "suspended"


def test_reinstatement_on_the_last_day_of_validity_is_allowed(manager, certificate):
    act(SUSPEND, manager, certificate)
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate())
    certificate.refresh_from_db()
    act(REINSTATE, manager, certificate)
    certificate.refresh_from_db()
    assert certificate.status == "active"


# --- Expiry ----------------------------------------------------------------------------------

TODAY = timezone.localdate


@pytest.fixture
def rows(manager, organisation):
    """Certificates past their validity (active and suspended), one still valid,
    and one already withdrawn."""
    yesterday = TODAY() - timedelta(days=1)
    return {
        "active": certificate_row(organisation, manager, expires_on=yesterday),
        "suspended": certificate_row(organisation, manager, expires_on=yesterday, status="suspended"),
        "valid": certificate_row(organisation, manager, expires_on=TODAY()),
        "withdrawn": certificate_row(organisation, manager, expires_on=yesterday, status="withdrawn"),
    }


def statuses(rows):
    return {name: Certificate.objects.get(pk=row.pk).status for name, row in rows.items()}


def test_the_daily_job_expires_certificates_past_their_validity(rows):
    assert services.certificates_expire(today=TODAY()) == 2
    assert statuses(rows) == {
        "active": "expired",
        "suspended": "expired",
        "valid": "active",
        "withdrawn": "withdrawn",
    }


def test_the_daily_job_run_twice_changes_nothing_the_second_time(rows):
    services.certificates_expire(today=TODAY())
    assert services.certificates_expire(today=TODAY()) == 0
    for name in ("active", "suspended"):
        assert events(rows[name], "certificate.expired").count() == 1


def test_the_daily_job_notifies_the_holder_once_per_certificate(rows, applicant):
    services.certificates_expire(today=TODAY())
    services.certificates_expire(today=TODAY())
    assert Notification.objects.filter(recipient=applicant, kind="certificate_expired").count() == 2


def test_the_daily_job_expires_on_the_day_after_the_last_day_of_validity(rows):
    services.certificates_expire(today=TODAY() + timedelta(days=1))
    assert statuses(rows)["valid"] == "expired"


def test_an_expired_certificate_loses_its_suspension_limit(rows):
    Certificate.objects.filter(pk=rows["suspended"].pk).update(suspended_until=TODAY())
    services.certificates_expire(today=TODAY())
    assert Certificate.objects.get(pk=rows["suspended"].pk).suspended_until is None


def test_the_expiry_event_has_no_actor(rows):
    services.certificates_expire(today=TODAY())
    event = events(rows["active"], "certificate.expired").get()
    assert (event.actor, event.from_state, event.to_state) == (None, "active", "expired")
