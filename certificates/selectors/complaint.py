"""Reads of complaints and appeals, each limited to what the reader may see:
managers see every one; anyone else only those they filed signed in."""

from django.http import Http404

from certificates.models import Complaint, PublicPage
from certify.events import event_list_for_object


def complaint_list_for_user(user):
    queryset = Complaint.objects.select_related("handler", "case", "certificate")
    if not user.is_authenticated:
        return queryset.none()
    if user.is_manager:
        return queryset
    return queryset.filter(filed_by=user)


def complaint_get_for_user(user, public_id):
    complaint = (
        complaint_list_for_user(user)
        .select_related("filed_by", "acknowledged_by", "closed_by", "appealed_decision__decided_by", "certificate__decision")
        .filter(public_id=public_id)
        .first()
    )
    if complaint is None:
        raise Http404
    return complaint


def complaint_open_appeal(case):
    """The appeal against the case's decision that is still open, if any."""
    return Complaint.objects.filter(kind=Complaint.Kind.APPEAL, case=case, status__in=Complaint.OPEN).first()


def complaint_history(complaint):
    return list(event_list_for_object(complaint))


def public_page_get(slug):
    page = PublicPage.objects.select_related("updated_by").filter(slug=slug).first()
    if page is None:
        raise Http404
    return page


# The step that takes an open complaint or appeal to each state of its table.
STEPS = {
    Complaint.Status.ACKNOWLEDGED: "acknowledge",
    Complaint.Status.INVESTIGATING: "investigate",
    Complaint.Status.DECIDED: "decide",
    Complaint.Status.CLOSED: "close",
}


def complaint_step_for(user, complaint):
    """The next step of the complaint's table that `user`, an uninvolved
    manager, takes now; None while only its handler may take it (the
    decision is the investigator's)."""
    (target,) = Complaint.ALLOWED_TRANSITIONS[complaint.status]
    if target == Complaint.Status.DECIDED and complaint.handler_id != user.pk:
        return None
    return STEPS[target]
