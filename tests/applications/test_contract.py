import datetime
import subprocess
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from applications import services
from applications.fees import fee_schedule_get, quote_for_case
from applications.lifecycle import all_accepted
from applications.models import Case, Contract, ServiceOutlet
from applications.services import contract as contract_services
from applications.services.deadlines import case_deadlines_notify
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.models import Event, Notification
from tests.applications.case_helpers import submitted_case, under_review_case
from tests.tools import needs

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def sized_organisation(organisation):
    """120 employees and three service outlets."""
    organisation.employee_count = 120
    organisation.save(update_fields=["employee_count"])
    for number in range(3):
        ServiceOutlet.objects.create(organisation=organisation, name=f"网点 {number}", address="福州", headcount=5)
    return organisation


@pytest.fixture
def accepted_case(applicant, sized_organisation, manager):
    case = under_review_case(applicant, sized_organisation, manager)
    return services.case_accept(actor=manager, case=case, reviews=all_accepted(case))


def events(case, verb):
    return Event.objects.filter(object_id=case.pk, verb=verb).count()


def test_the_quote_shows_every_line_for_a_multi_outlet_organisation(accepted_case):
    quote = quote_for_case(accepted_case)
    # 120 employees fall in the "up to 200" band (30,000); 3 outlets are 2
    # additional ones at 3,000 each; GB/T 27922 has no multiplier.
    assert [(line.code, line.amount, line.quantity) for line in quote.lines] == [
        ("base", Decimal("30000.00"), "120"),
        ("outlets", Decimal("6000.00"), "2"),
    ]
    assert quote.certification_fee == Decimal("36000.00")
    assert quote.surveillance_fee == Decimal("18000.00")
    assert quote.prepayment == Decimal("10800.00")


def test_a_scheme_multiplier_adds_its_own_line(accepted_case, manager):
    schedule = fee_schedule_get()
    contract_services.fee_schedule_update(
        actor=manager,
        per_additional_outlet=schedule.per_additional_outlet,
        surveillance_percent=schedule.surveillance_percent,
        prepayment_percent=Decimal(40),
        payment_terms="",
        bands=[(band.max_employees, band.base_fee) for band in schedule.bands.all()],
        multipliers={accepted_case.version.scheme: Decimal("1.5")},
    )
    quote = quote_for_case(accepted_case)
    assert quote.lines[-1].code == "scheme"
    assert quote.certification_fee == Decimal("54000.00")
    assert quote.prepayment == Decimal("21600.00")


def test_a_prepayment_percentage_outside_30_to_50_is_refused(manager):
    schedule = fee_schedule_get()
    with pytest.raises(CertifyError, match="between 30 % and 50 %"):
        contract_services.fee_schedule_update(
            actor=manager,
            per_additional_outlet=0,
            surveillance_percent=50,
            prepayment_percent=60,
            payment_terms="",
            bands=[(None, 1)],
            multipliers={},
        )
    assert fee_schedule_get().prepayment_percent == schedule.prepayment_percent


def test_a_quote_needs_the_employee_count(applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    case = services.case_accept(actor=manager, case=case, reviews=all_accepted(case))
    with pytest.raises(CertifyError, match="number of employees"):
        contract_services.case_contract_send(actor=manager, case=case)


def test_sending_the_contract_snapshots_the_quote_and_renders_its_pdf(accepted_case, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contract = contract_services.case_contract_send(actor=manager, case=accepted_case)
    contract.refresh_from_db()
    assert contract.case.status == Case.Status.CONTRACT_SENT
    assert contract.quote["certification_fee"] == "36000.00"
    assert contract.pdf and len(contract.pdf_sha256) == 64


def test_an_issued_contract_pdf_is_never_rendered_again(accepted_case, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contract = contract_services.case_contract_send(actor=manager, case=accepted_case)
    contract.refresh_from_db()
    digest = contract.pdf_sha256
    contract_services.contract_pdf_store(contract_id=contract.pk, render=lambda c: b"%PDF-other")
    contract.refresh_from_db()
    assert contract.pdf_sha256 == digest


def test_an_applicant_cannot_send_the_contract(accepted_case, applicant):
    with pytest.raises(NotAllowed, match="Only a manager may do this"):
        contract_services.case_contract_send(actor=applicant, case=accepted_case)


def test_a_contract_cannot_be_sent_before_acceptance(applicant, sized_organisation, manager):
    case = submitted_case(applicant, sized_organisation)
    with pytest.raises(InvalidTransition, match="A contract is sent once the application is accepted"):
        contract_services.case_contract_send(actor=manager, case=case)


def test_sending_twice_makes_one_contract(accepted_case, manager):
    contract_services.case_contract_send(actor=manager, case=accepted_case)
    contract_services.case_contract_send(actor=manager, case=accepted_case)
    assert Contract.objects.count() == 1
    assert events(accepted_case, "case.contract_sent") == 1


def test_accepting_records_the_name_time_and_ip(accepted_case, manager, applicant):
    contract_services.case_contract_send(actor=manager, case=accepted_case)
    contract = contract_services.case_contract_accept(
        actor=applicant, case=accepted_case, typed_name=" 张 申请 ", ip_address="203.0.113.9"
    )
    assert (contract.accepted_name, contract.accepted_ip) == ("张 申请", "203.0.113.9")
    assert contract.accepted_at is not None
    assert Case.objects.get(pk=accepted_case.pk).status == Case.Status.CONTRACT_ACCEPTED


def test_accepting_needs_a_typed_name(accepted_case, manager, applicant):
    contract_services.case_contract_send(actor=manager, case=accepted_case)
    with pytest.raises(CertifyError, match="Type your full name"):
        contract_services.case_contract_accept(actor=applicant, case=accepted_case, typed_name=" ", ip_address=None)


def test_a_contract_not_yet_sent_cannot_be_accepted(accepted_case, applicant):
    with pytest.raises(InvalidTransition, match="once the certification body has sent it"):
        contract_services.case_contract_accept(actor=applicant, case=accepted_case, typed_name="张", ip_address=None)


def test_another_organisation_cannot_accept_the_contract(accepted_case, manager, outsider):
    contract_services.case_contract_send(actor=manager, case=accepted_case)
    with pytest.raises(NotAllowed, match="Only members of the applying organisation may do this"):
        contract_services.case_contract_accept(actor=outsider, case=accepted_case, typed_name="赵", ip_address=None)


def test_the_prepayment_signs_the_contract(accepted_case, manager, applicant):
    contract_services.case_contract_send(actor=manager, case=accepted_case)
    contract_services.case_contract_accept(actor=applicant, case=accepted_case, typed_name="张", ip_address=None)
    contract = contract_services.case_prepayment_record(
        actor=manager, case=accepted_case, amount="10800", reference="银行回单 0001"
    )
    assert contract.case.status == Case.Status.CONTRACT_SIGNED
    assert contract.prepayment_received == Decimal("10800")


def test_a_prepayment_below_the_agreed_amount_is_refused(accepted_case, manager, applicant):
    contract_services.case_contract_send(actor=manager, case=accepted_case)
    contract_services.case_contract_accept(actor=applicant, case=accepted_case, typed_name="张", ip_address=None)
    with pytest.raises(CertifyError, match="not enough"):
        contract_services.case_prepayment_record(actor=manager, case=accepted_case, amount="100")


def test_the_prepayment_cannot_be_recorded_before_acceptance(accepted_case, manager):
    contract_services.case_contract_send(actor=manager, case=accepted_case)
    with pytest.raises(InvalidTransition, match="This is not possible while the application is “Contract sent”"):
        contract_services.case_prepayment_record(actor=manager, case=accepted_case, amount="10800")


def test_the_prepayment_cannot_be_recorded_before_a_contract_is_sent(accepted_case, manager):
    with pytest.raises(InvalidTransition, match="This is not possible while the application is “Accepted”"):
        contract_services.case_prepayment_record(actor=manager, case=accepted_case, amount="10800")


@needs("pdftotext", "poppler-utils")
def test_the_contract_pdf_holds_the_parties_and_the_fees(accepted_case, manager, applicant, client, tmp_path, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contract_services.case_contract_send(actor=manager, case=accepted_case)
    client.force_login(applicant)
    response = client.get(reverse("applications:contract_pdf", args=[accepted_case.public_id]))
    path = tmp_path / "contract.pdf"
    path.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "商品售后服务认证合同" in text
    assert accepted_case.organisation.legal_name in text
    assert "36000.00" in text


# --- The daily deadline watch ------------------------------------------------


def test_an_overdue_review_is_flagged_once(applicant, organisation, manager, django_capture_on_commit_callbacks):
    case = submitted_case(applicant, organisation)
    later = case.review_due + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert case_deadlines_notify(today=later) == 1
        assert case_deadlines_notify(today=later) == 0
    assert events(case, "case.review_overdue") == 1
    notices = Notification.objects.filter(kind="case_review_overdue")
    assert [n.recipient for n in notices] == [manager]
    assert len([m for m in mail.outbox if m.subject == notices.get().title]) == 1


def test_a_case_within_its_deadline_is_not_flagged(applicant, organisation):
    case = submitted_case(applicant, organisation)
    assert case_deadlines_notify(today=case.review_due) == 0


def test_an_overdue_supplement_is_flagged_to_the_applicant_and_managers(applicant, organisation, manager):
    case = under_review_case(applicant, organisation, manager)
    material = case.materials.first()
    case = services.case_request_supplement(
        actor=manager, case=case, reviews={material.material_type_id: (False, "请更新")}
    )
    assert case_deadlines_notify(today=case.supplement_due + datetime.timedelta(days=1)) == 1
    assert events(case, "case.supplement_overdue") == 1


def test_the_deadline_command_prints_what_it_flagged(applicant, organisation, capsys):
    from django.core.management import call_command

    case = submitted_case(applicant, organisation)
    with time_machine.travel(datetime.datetime.combine(case.review_due + datetime.timedelta(days=2), datetime.time(12), tzinfo=datetime.UTC)):
        call_command("case_deadlines")
    assert "Flagged 1 overdue case(s)." in capsys.readouterr().out
