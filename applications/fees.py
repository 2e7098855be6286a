"""The quote for a case, from the body's fee schedule. Every line is shown
to the applicant and kept on the contract as it was sent."""

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import FeeBand, FeeSchedule, SchemeFee
from certify.bands import band_for
from certify.exceptions import CertifyError

CENT = Decimal("0.01")

# A starting point for a new installation; the body edits its own.
DEFAULT_BANDS = [(50, 20000), (200, 30000), (1000, 45000), (None, 60000)]


@dataclass
class QuoteLine:
    code: str
    amount: Decimal
    quantity: str = ""


@dataclass
class Quote:
    lines: list
    certification_fee: Decimal
    surveillance_fee: Decimal
    prepayment: Decimal
    surveillance_percent: Decimal
    prepayment_percent: Decimal

    def as_json(self):
        data = asdict(self)
        data["lines"] = [{**line, "amount": str(line["amount"])} for line in data["lines"]]
        for key in ("certification_fee", "surveillance_fee", "prepayment", "surveillance_percent", "prepayment_percent"):
            data[key] = str(data[key])
        return data


def _money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fee_schedule_get():
    """The fee schedule, created with default bands on first use."""
    schedule = FeeSchedule.objects.prefetch_related("bands", "scheme_fees__scheme").first()
    if schedule is None:
        with transaction.atomic():
            schedule = FeeSchedule.objects.create()
            FeeBand.objects.bulk_create(
                FeeBand(schedule=schedule, max_employees=limit, base_fee=fee)
                for limit, fee in DEFAULT_BANDS
            )
        schedule = FeeSchedule.objects.prefetch_related("bands", "scheme_fees__scheme").get(pk=schedule.pk)
    return schedule


def quote_for_case(case, schedule=None):
    """Compute the quote; raise CertifyError when the organisation's profile
    lacks what the fees depend on."""
    schedule = schedule or fee_schedule_get()
    organisation = case.organisation
    employees = organisation.employee_count
    if employees is None:
        raise CertifyError(
            _("The organisation's number of employees is not filled in; the fee depends on it.")
        )
    band = band_for(schedule.bands.all(), employees)
    if band is None:
        raise CertifyError(_("The fee schedule has no band for %(count)s employees.") % {"count": employees})
    outlets = organisation.outlets.count()
    additional = max(outlets - 1, 0)
    multiplier = next(
        (fee.multiplier for fee in schedule.scheme_fees.all() if fee.scheme_id == case.version.scheme_id),
        Decimal(1),
    )
    base = _money(band.base_fee)
    outlet_fee = _money(schedule.per_additional_outlet * additional)
    subtotal = base + outlet_fee
    certification_fee = _money(subtotal * multiplier)
    lines = [
        QuoteLine("base", base, str(employees)),
        QuoteLine("outlets", outlet_fee, str(additional)),
    ]
    if multiplier != 1:
        lines.append(QuoteLine("scheme", certification_fee - subtotal, f"× {multiplier}"))
    return Quote(
        lines=lines,
        certification_fee=certification_fee,
        surveillance_fee=_money(certification_fee * schedule.surveillance_percent / 100),
        prepayment=_money(certification_fee * schedule.prepayment_percent / 100),
        surveillance_percent=schedule.surveillance_percent,
        prepayment_percent=schedule.prepayment_percent,
    )


def scheme_fee_for(schedule, scheme):
    return SchemeFee.objects.filter(schedule=schedule, scheme=scheme).first()
