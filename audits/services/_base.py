"""What the audits app's service modules share: the locked audit and who
may act on it."""


from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Case
from audits.models import Audit, CallBack, TeamMember
from audits.selectors.callbacks import CALLBACK_KINDS, CALLBACK_OPEN
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from scoring.models import Gate

# Kinds of audit that score the scheme on their own sheet.
SCORED_KINDS = {Audit.Kind.ONSITE, Audit.Kind.SURVEILLANCE}


def audit_locked(audit):
    audit = (
        Audit.objects.select_for_update()
        .select_related("case__organisation", "case__version__scheme")
        .get(pk=audit.pk)
    )
    if audit.case.status == Case.Status.WITHDRAWN:
        raise InvalidTransition(_("The application was withdrawn; its audits are closed to further work."))
    return audit


def audit_url(audit):
    return reverse("audits:audit_detail", args=[audit.public_id])


def require_lead(actor, audit):
    if not audit.team.filter(auditor=actor, role=TeamMember.Role.LEAD).exists():
        raise NotAllowed(_("Only the audit's lead auditor may do this."))


def require_team(actor, audit):
    if not audit.team.filter(auditor=actor).exists():
        raise NotAllowed(_("Only the audit's team may do this."))


# --- Customer call-backs ---------------------------------------------------------

RATE_METRICS = (Gate.Metric.CUSTOMER_SATISFACTION, Gate.Metric.FIRST_TIME_RESOLUTION)


def require_callback_work(audit):
    if audit.kind not in CALLBACK_KINDS:
        raise CertifyError(_("Customer call-backs belong to on-site and surveillance audits."))
    if audit.status not in CALLBACK_OPEN:
        raise InvalidTransition(_("The audit is no longer open for call-backs."))


def calls_recorded(customer_list):
    return CallBack.objects.filter(row__customer_list=customer_list).exists()

