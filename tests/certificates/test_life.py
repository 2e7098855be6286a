"""A certificate's whole life with the clock moved: issue, the first
surveillance, a suspension and a reinstatement, a revision, the renewal and
an expiry — the public page following each change at once."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from applications import services as case_services
from applications.lifecycle import all_accepted
from applications.models import Case
from applications.services import contract as contract_services
from audits import services as audit_services
from certificates import services
from certificates.models import Certificate, Surveillance
from certificates.services import renewal as services_renewal
from certificates.services import surveillance as services_surveillance
from scoring.models import Item
from scoring.services import mark_set
from tests.applications.case_helpers import complete
from tests.audits.helpers import declared_auditor, running_onsite
from tests.certificates.helpers import issued_certificate, reason

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ISSUE_DAY = datetime.datetime(2026, 11, 26, 10, tzinfo=datetime.UTC)


def at(day):
    """Travel to 10:00 (UTC) of `day`: 18:00 in Beijing, the same date."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC), tick=False)


def public_status(client, certificate):
    response = client.get(f"/verify/{certificate.token}/")
    assert response.status_code == 200
    return response.context["status"], response.content.decode()


def certified_in_full(case, applicant, manager):
    """Drive a draft case through review, contract, audits and the decision."""
    complete(case, applicant)
    case_services.case_submit(actor=applicant, case=case)
    case_services.case_review_start(actor=manager, case=case)
    case_services.case_accept(actor=manager, case=case, reviews=all_accepted(case))
    contract = contract_services.case_contract_send(actor=manager, case=case)
    contract_services.case_contract_accept(actor=applicant, case=case, typed_name="张", ip_address=None)
    contract_services.case_prepayment_record(actor=manager, case=case, amount=contract.prepayment)
    audit, lead, _member = running_onsite(case, manager)
    for item in Item.objects.filter(indicator__category__version=case.version):
        mark_set(actor=lead, sheet=audit.sheet, item_id=item.pk, result="conforming")
    audit_services.audit_report_submit(actor=lead, audit=audit, recommendation="star3", reason="全部符合")
    decision = services.decision_record(actor=manager, case=case, outcome="certified", level_code="star3")
    return decision.certificates.get()


@pytest.fixture
def certificate(applicant, organisation, manager):
    with time_machine.travel(ISSUE_DAY, tick=False):
        return issued_certificate(applicant, organisation, manager)


def test_the_first_surveillance_audit_is_created_ninety_days_before_it_is_due(certificate):
    first = certificate.surveillances.get(number=1)
    assert first.due_on == datetime.date(2027, 11, 26)
    with at(datetime.date(2027, 8, 27)):
        services_renewal.certificates_daily()
    first.refresh_from_db()
    assert first.audit is None
    with at(datetime.date(2027, 8, 28)):
        services_renewal.certificates_daily()
    first.refresh_from_db()
    assert first.audit.kind == "surveillance" and first.audit.case_id == certificate.case_id


def test_a_surveillance_audit_never_moves_the_certified_case(certificate):
    with at(datetime.date(2027, 9, 1)):
        services_renewal.certificates_daily()
    certificate.case.refresh_from_db()
    assert certificate.case.status == Case.Status.CERTIFIED


def test_a_maintained_surveillance_shows_its_date_on_the_public_page(certificate, manager, client):
    first = certificate.surveillances.get(number=1)
    with at(datetime.date(2027, 9, 1)):
        services_renewal.certificates_daily()
    first.refresh_from_db()
    audit = first.audit
    with at(datetime.date(2027, 10, 20)):
        lead = declared_auditor(certificate.organisation, full_name="Lead Surveillance")
        member = declared_auditor(certificate.organisation, full_name="Member Surveillance")
        audit_services.audit_team_assign(actor=manager, audit=audit, lead=lead, members=[member])
        audit_services.audit_start(actor=lead, audit=audit)
        audit.refresh_from_db()
        for item in Item.objects.filter(indicator__category__version=certificate.case.version):
            mark_set(actor=lead, sheet=audit.sheet, item_id=item.pk, result="conforming")
        audit_services.audit_report_submit(actor=lead, audit=audit, recommendation="star3", reason="保持")
        services_surveillance.surveillance_outcome_record(actor=manager, surveillance=first, outcome="maintained")
        status, page = public_status(client, certificate)
    assert status == Certificate.Status.ACTIVE
    assert "2027-10-20" in page


def test_an_overdue_surveillance_makes_a_suspension_candidate_and_reminds_managers_daily(certificate, manager):
    from certify.models import Notification

    first = certificate.surveillances.get(number=1)
    with at(datetime.date(2027, 11, 27)):
        services_renewal.certificates_daily()
    first.refresh_from_db()
    assert first.overdue_at is not None and first.suspension_candidate_at is None
    reminders = Notification.objects.filter(recipient=manager, kind="surveillance_suspension_candidate")
    for day in (datetime.date(2028, 2, 27), datetime.date(2028, 2, 27), datetime.date(2028, 2, 28)):
        with at(day):
            services_renewal.certificates_daily()
    first.refresh_from_db()
    assert first.suspension_candidate_at is not None
    assert reminders.count() == 2


def test_a_suspension_and_a_reinstatement_show_on_the_public_page_once_committed(
    certificate, manager, client, django_capture_on_commit_callbacks
):
    with at(datetime.date(2028, 3, 1)):
        with django_capture_on_commit_callbacks(execute=True):
            services.certificate_suspend(actor=manager, certificate=certificate, reason_code=reason("suspend", "S02"))
        assert public_status(client, certificate)[0] == Certificate.Status.SUSPENDED
        with django_capture_on_commit_callbacks(execute=True):
            services.certificate_reinstate(actor=manager, certificate=certificate, reason_code=reason("reinstate"))
        assert public_status(client, certificate)[0] == Certificate.Status.ACTIVE


def test_a_revision_supersedes_the_certificate_and_points_the_public_page_to_it(certificate, manager, client):
    with at(datetime.date(2027, 12, 1)):
        revision = services.certificate_revise(
            actor=manager, certificate=certificate, reason_code=reason("revise", "V02"), level_code="compliant"
        )
        status, page = public_status(client, certificate)
    assert status == Certificate.Status.SUPERSEDED
    assert revision.number == f"{certificate.number}-1" and revision.number in page
    assert revision.expires_on == certificate.expires_on
    assert revision.surveillances.filter(outcome="").count() == 2


def test_the_renewal_supersedes_the_old_certificate_even_after_it_expired(certificate, applicant, manager, client):
    with at(datetime.date(2029, 9, 1)):
        case = services_renewal.renewal_apply(actor=applicant, certificate=certificate)
    assert (case.kind, case.target_level, case.scope) == (Case.Kind.RENEWAL, "star3", certificate.scope)
    with at(datetime.date(2029, 11, 26)):
        services_renewal.certificates_daily()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.EXPIRED
    with at(datetime.date(2029, 12, 10)):
        renewed = certified_in_full(case, applicant, manager)
        status, page = public_status(client, certificate)
    assert status == Certificate.Status.SUPERSEDED and renewed.number in page
    assert (renewed.cycle, renewed.predecessor_id) == (1, certificate.pk)
    assert renewed.number.endswith("R1")
    # A renewal continues the chain of the first issue, valid from its own.
    assert (renewed.first_issued_on, renewed.valid_from) == (certificate.issued_on, renewed.issued_on)


def test_renewal_is_refused_before_the_window_opens_and_after_expiry(certificate, applicant):
    from certify.exceptions import CertifyError

    with at(datetime.date(2029, 8, 24)), pytest.raises(CertifyError, match="from 2029-08-25"):
        services_renewal.renewal_apply(actor=applicant, certificate=certificate)
    with at(datetime.date(2029, 11, 26)), pytest.raises(CertifyError, match="expired"):
        services_renewal.renewal_apply(actor=applicant, certificate=certificate)


def test_an_expired_certificate_shows_as_expired_and_leaves_the_register(certificate, client):
    with at(datetime.date(2029, 11, 26)):
        # Before the nightly job ran, the public page already tells the truth.
        assert public_status(client, certificate)[0] == Certificate.Status.EXPIRED
        assert certificate.number not in client.get("/register/").content.decode()
        services_renewal.certificates_daily()
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.EXPIRED


def test_the_daily_job_run_twice_creates_nothing_twice(certificate):
    from certify.models import Event, Notification

    days = [datetime.date(2027, 8, 28), datetime.date(2027, 9, 28), datetime.date(2027, 11, 27),
            datetime.date(2028, 2, 27), datetime.date(2029, 8, 26), datetime.date(2029, 11, 26)]
    for day in days:
        with at(day):
            services_renewal.certificates_daily()
            counts = (Event.objects.count(), Notification.objects.count(), certificate.surveillances.exclude(audit=None).count())
            services_renewal.certificates_daily()
            assert (Event.objects.count(), Notification.objects.count(),
                    certificate.surveillances.exclude(audit=None).count()) == counts


def test_surveillances_are_closed_in_order(certificate, manager):
    from certify.exceptions import InvalidTransition

    second = certificate.surveillances.get(number=2)
    with pytest.raises(InvalidTransition, match="surveillance 1 first"):
        services_surveillance.surveillance_outcome_record(
            actor=manager, surveillance=second, outcome="suspended", reason_code=reason("suspend")
        )


def test_a_suspended_certificate_offers_no_maintained_outcome(certificate, manager, client):
    services.certificate_suspend(actor=manager, certificate=certificate, reason_code=reason("suspend"))
    client.force_login(manager)
    response = client.get(f"/certificates/{certificate.public_id}/")
    form = next(form for _surveillance, form in response.context["surveillances"] if form is not None)
    assert "maintained" not in dict(form.fields["outcome"].choices)


def test_a_renewal_applied_for_before_a_revision_supersedes_the_revision(certificate, applicant, manager):
    with at(datetime.date(2029, 9, 1)):
        case = services_renewal.renewal_apply(actor=applicant, certificate=certificate)
        revision = services.certificate_revise(
            actor=manager, certificate=certificate, reason_code=reason("revise", "V01"), scope="家用空调的维修"
        )
        # The holder is not offered a second renewal for the revision.
        assert services_renewal.renewal_apply(actor=applicant, certificate=revision) == case
    with at(datetime.date(2029, 10, 10)):
        renewed = certified_in_full(case, applicant, manager)
    revision.refresh_from_db()
    assert (renewed.predecessor_id, revision.status) == (revision.pk, Certificate.Status.SUPERSEDED)


def test_a_manager_who_led_the_surveillance_audit_cannot_maintain_the_certificate(certificate, manager):
    from certify.exceptions import NotAllowed

    first = certificate.surveillances.get(number=1)
    with at(datetime.date(2027, 9, 1)):
        services_renewal.certificates_daily()
    first.refresh_from_db()
    with at(datetime.date(2027, 10, 20)):
        lead = declared_auditor(certificate.organisation, full_name="Lead and manager", is_manager=True)
        member = declared_auditor(certificate.organisation, full_name="Member")
        audit_services.audit_team_assign(actor=manager, audit=first.audit, lead=lead, members=[member])
        audit_services.audit_start(actor=lead, audit=first.audit)
        first.audit.refresh_from_db()
        for item in Item.objects.filter(indicator__category__version=certificate.case.version):
            mark_set(actor=lead, sheet=first.audit.sheet, item_id=item.pk, result="conforming")
        audit_services.audit_report_submit(actor=lead, audit=first.audit, recommendation="star3", reason="保持")
        with pytest.raises(NotAllowed, match="another manager"):
            services_surveillance.surveillance_outcome_record(actor=lead, surveillance=first, outcome="maintained")


def test_a_daily_job_with_one_broken_surveillance_does_the_rest_then_fails_naming_it(certificate, monkeypatch):
    broken = Surveillance.objects.filter(certificate=certificate).order_by("due_on").first()
    sweep_one = services_surveillance._sweep_one

    def fails_for_one(pk, today):
        if pk == broken.pk:
            raise RuntimeError("a broken row")
        return sweep_one(pk, today)

    monkeypatch.setattr(services_surveillance, "_sweep_one", fails_for_one)
    expired = []

    def certificates_expire(today):
        expired.append(today)

    monkeypatch.setattr(services_renewal.services, "certificates_expire", certificates_expire)

    with pytest.raises(CommandError, match=f"surveillance {broken.pk}: RuntimeError: a broken row"):
        call_command("certificates_daily", stdout=StringIO())

    assert len(expired) == 1  # the later sweeps still ran
