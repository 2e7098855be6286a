"""Fees and the contract: the manager sends the contract with its quote, the
applicant accepts it (name, time and IP recorded), the manager records the
prepayment and the case is `contract_signed`."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.fees import fee_schedule_get, quote_for_case
from applications.models import Case, Contract, FeeBand, FeeSchedule, SchemeFee
from applications.services._base import (
    case_locked,
    case_members,
    case_url,
    require_case_member,
)
from applications.verbs import Verb
from certify import transitions
from certify.bands import bands_check, bands_replace
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition
from certify.notifications import notify
from certify.outbox import enqueue
from certify.pdf import pdf_store_once
from certify.permissions import require_manager
from certify.selectors import active_managers


def fee_schedule_update(*, actor, per_additional_outlet, surveillance_percent, prepayment_percent, payment_terms, bands, multipliers):
    """Replace the fee schedule's values, bands and scheme multipliers.

    `bands` is a list of (max_employees or None, base fee); `multipliers`
    maps schemes to their multiplier. History keeps every earlier version.
    """
    require_manager(actor)
    if not 30 <= prepayment_percent <= 50:
        raise CertifyError(_("The prepayment must be between 30 % and 50 % of the certification fee."))
    bands_check([limit for limit, _fee in bands])
    if any(fee < 0 for _limit, fee in bands) or per_additional_outlet < 0:
        raise CertifyError(_("Fees cannot be negative."))
    with transaction.atomic():
        schedule = FeeSchedule.objects.select_for_update().get(pk=fee_schedule_get().pk)
        schedule.per_additional_outlet = per_additional_outlet
        schedule.surveillance_percent = surveillance_percent
        schedule.prepayment_percent = prepayment_percent
        schedule.payment_terms = payment_terms
        schedule._history_user = actor
        schedule.save()
        bands_replace(
            schedule.bands.all(),
            [FeeBand(schedule=schedule, max_employees=limit, base_fee=fee) for limit, fee in bands],
            actor=actor,
        )
        for scheme, multiplier in multipliers.items():
            fee, _created = SchemeFee.objects.get_or_create(schedule=schedule, scheme=scheme)
            if fee.multiplier != multiplier:
                fee.multiplier = multiplier
                fee._history_user = actor
                fee.save()
        event_record(actor=actor, obj=schedule, verb=Verb.FEES_UPDATED)
    return schedule


def case_contract_send(*, actor, case):
    """Send the contract with the quote computed now; its PDF is rendered after commit."""
    require_manager(actor)
    with transaction.atomic():
        case = case_locked(case)
        if case.status == Case.Status.CONTRACT_SENT:
            transitions.already_moved(case, Case.Status.CONTRACT_SENT)
            return case.contract
        if case.status != Case.Status.ACCEPTED:
            raise InvalidTransition(_("A contract is sent once the application is accepted."))
        quote = quote_for_case(case)
        contract = Contract.objects.create(
            case=case,
            number=f"HT{case.reference}",
            quote=quote.as_json(),
            certification_fee=quote.certification_fee,
            surveillance_fee=quote.surveillance_fee,
            prepayment=quote.prepayment,
            sent_by=actor,
        )
        transitions.apply(
            case,
            Case.Status.CONTRACT_SENT,
            actor=actor,
            verb=Verb.CASE_CONTRACT_SENT,
            data={"contract": contract.number, "fee": str(quote.certification_fee)},
        )
        enqueue("applications.tasks.contract_render_pdf", contract.pk)
        notify(case_members(case), template="case_contract_sent", context={"case": case, "contract": contract}, url=case_url(case))
    return contract


def case_contract_accept(*, actor, case, typed_name, ip_address):
    """The applicant accepts the contract by typing their name."""
    require_case_member(actor, case)
    typed_name = " ".join((typed_name or "").split())
    if not typed_name:
        raise CertifyError(_("Type your full name to accept the contract."))
    with transaction.atomic():
        case = case_locked(case)
        if case.status == Case.Status.CONTRACT_ACCEPTED:
            transitions.already_moved(case, Case.Status.CONTRACT_ACCEPTED)
            return case.contract
        if case.status != Case.Status.CONTRACT_SENT:
            raise InvalidTransition(_("A contract can be accepted once the certification body has sent it."))
        contract = Contract.objects.select_for_update().get(case=case)
        transitions.apply(
            case,
            Case.Status.CONTRACT_ACCEPTED,
            actor=actor,
            verb=Verb.CASE_CONTRACT_ACCEPTED,
            data={"contract": contract.number, "typed_name": typed_name, "ip": ip_address},
        )
        contract.accepted_at = timezone.now()
        contract.accepted_by = actor
        contract.accepted_name = typed_name
        contract.accepted_ip = ip_address
        contract.save(update_fields=["accepted_at", "accepted_by", "accepted_name", "accepted_ip"])
        notify(active_managers(), template="case_contract_accepted", context={"case": case, "contract": contract}, url=case_url(case))
    return contract


def case_prepayment_record(*, actor, case, amount, reference=""):
    """Record the prepayment: the contract is signed and the audits may begin."""
    require_manager(actor)
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError) as exc:
        raise CertifyError(_("Enter the amount received as a number.")) from exc
    if amount <= 0:
        raise CertifyError(_("Enter the amount received."))
    with transaction.atomic():
        case = case_locked(case)
        if case.status == Case.Status.CONTRACT_SIGNED:
            transitions.already_moved(case, Case.Status.CONTRACT_SIGNED)
            return case.contract
        # Read before the contract, which a case not yet sent one lacks.
        if case.status != Case.Status.CONTRACT_ACCEPTED:
            raise InvalidTransition(case.transition_refused(Case.Status.CONTRACT_SIGNED))
        contract = Contract.objects.select_for_update().get(case=case)
        if amount < contract.prepayment:
            raise CertifyError(
                _("The prepayment is %(due)s yuan; %(amount)s yuan is not enough.")
                % {"due": contract.prepayment, "amount": amount}
            )
        transitions.apply(
            case,
            Case.Status.CONTRACT_SIGNED,
            actor=actor,
            verb=Verb.CASE_PREPAYMENT_RECORDED,
            data={"amount": str(amount), "reference": reference},
        )
        contract.prepayment_received = amount
        contract.prepayment_reference = reference.strip()
        contract.prepayment_recorded_at = timezone.now()
        contract.prepayment_recorded_by = actor
        contract.save(
            update_fields=["prepayment_received", "prepayment_reference", "prepayment_recorded_at", "prepayment_recorded_by"]
        )
        notify(case_members(case), template="case_contract_signed", context={"case": case, "contract": contract}, url=case_url(case))
    return contract


def contract_pdf_store(*, contract_id, render):
    """Store a contract's PDF once; an issued PDF is never re-rendered silently."""
    return pdf_store_once(
        Contract,
        contract_id,
        render=render,
        file_field="pdf",
        sha256_field="pdf_sha256",
        file_name=lambda contract: f"{contract.number}.pdf",
    )
