"""Complaints and appeals in any state, through the services."""

from certificates import services
from certificates.models import Certificate, Complaint
from certificates.services import complaint as services_complaints
from tests.certificates.helpers import certificate_row, decision_pending_case

DESCRIPTION = "售后服务热线长期无人接听，维修承诺未兑现。"


def file_complaint(actor=None, **overrides):
    """A complaint about the certification body, from a visitor without an account."""
    fields = {
        "about": Complaint.About.BODY,
        "description": DESCRIPTION,
        "contact_name": "Visitor Sun",
        "contact_email": "visitor@example.com",
        "contact_phone": "",
        "language": "en",
        **overrides,
    }
    return services_complaints.complaint_file(actor=actor, **fields)


def decided_case(applicant, organisation, manager):
    """A case certified by `manager` after an on-site audit by `lead` and
    `member`; returns (case, lead, member, certificate)."""
    case, lead, member = decision_pending_case(applicant, organisation, manager)
    decision = services.decision_record(actor=manager, case=case, outcome="certified", level_code="star3")
    case.refresh_from_db()
    return case, lead, member, Certificate.objects.get(decision=decision)


def cheap_appeal(applicant, organisation, decider):
    """An appeal against a decision written directly (no audits), by `applicant`."""
    certificate = certificate_row(organisation, decider)
    return services_complaints.appeal_file(actor=applicant, case=certificate.case, description="评分有误，请复核。")


STEPS = {
    "acknowledge": services_complaints.complaint_acknowledge,
    "investigate": services_complaints.complaint_investigate,
    "decide": services_complaints.complaint_decide,
    "close": services_complaints.complaint_close,
}
ORDER = ["acknowledge", "investigate", "decide", "close"]
STATUS_AFTER = {
    "acknowledge": Complaint.Status.ACKNOWLEDGED,
    "investigate": Complaint.Status.INVESTIGATING,
    "decide": Complaint.Status.DECIDED,
    "close": Complaint.Status.CLOSED,
}
STATUS_BEFORE = {
    "acknowledge": Complaint.Status.RECEIVED,
    "investigate": Complaint.Status.ACKNOWLEDGED,
    "decide": Complaint.Status.INVESTIGATING,
    "close": Complaint.Status.DECIDED,
}


def step_arguments(step):
    if step == "decide":
        return {"outcome": Complaint.Outcome.PARTLY_UPHELD, "decision_text": "热线已整改，部分成立。"}
    return {"note": ""}


def take_step(step, complaint, actor):
    return STEPS[step](actor=actor, complaint=complaint, **step_arguments(step))


def advance(complaint, manager, *, until):
    """Take every step up to and including `until` (a status), as `manager`."""
    for step in ORDER:
        if complaint.status == until:
            break
        complaint = take_step(step, complaint, manager)
    return complaint
