"""Reads of nonconformities, each limited to who may see them: managers all;
auditors those of the cases they audit; an organisation's members those of
its own cases (never the findings' internal notes)."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from applications.models import Case, Membership
from audits.models import (
    Audit,
    Nonconformity,
    NonconformityAnswer,
    NonconformityEvidence,
    TeamMember,
)
from certify import transitions
from certify.i18n import localized
from scoring.models import Indicator, Item
from scoring.selectors import version_structure

# What the lists, the report and the decision show of each nonconformity:
# the joined audit and case are read for a reference, not for their
# fifty-odd other columns.
LISTED_FIELDS = (
    "public_id",
    "audit__kind",
    "audit__case__reference",
    "item__code",
    "indicator__code",
    "clause",
    "severity",
    "description",
    "status",
    "due_date",
    "requires_follow_up",
    "from_special_deduction",
    "raised_at",
    "escalated_at",
)


def _with_related(queryset):
    # A correlated count rather than Count("evidence"): grouping by every
    # joined column cost PostgreSQL more to plan than the rows cost to read.
    evidence_count = (
        NonconformityEvidence.objects.filter(nonconformity=OuterRef("pk"))
        .order_by()
        .values("nonconformity")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        queryset.select_related("audit__case", "item", "indicator")
        .only(*LISTED_FIELDS)
        .annotate(evidence_count=Coalesce(Subquery(evidence_count), 0))
    )


def nonconformity_list_for_user(user):
    queryset = Nonconformity.objects.all()
    if not user.is_authenticated:
        return queryset.none()
    if user.is_manager:
        return queryset
    visible = Q(pk__in=[])
    if user.is_auditor:
        visible |= Q(audit__case_id__in=TeamMember.objects.filter(auditor=user).values("audit__case_id"))
    if user.is_applicant:
        visible |= Q(
            audit__case__organisation_id__in=Membership.objects.filter(user=user).values("organisation_id")
        )
    return queryset.filter(visible)


def nonconformity_get_for_user(user, public_id):
    nonconformity = (
        nonconformity_list_for_user(user)
        .select_related(
            "audit__case__organisation",
            "audit__case__version__scheme",
            "item",
            "indicator",
            "finding",
            "raised_by",
            "verified_by",
            "escalated_by",
        )
        .filter(public_id=public_id)
        .first()
    )
    if nonconformity is None:
        raise Http404
    return nonconformity


def nonconformity_answers(nonconformity):
    """The answers, oldest first, each with its evidence and people."""
    return list(
        NonconformityAnswer.objects.filter(nonconformity=nonconformity)
        .select_related("answered_by", "verified_by")
        .prefetch_related(Prefetch("evidence", queryset=NonconformityEvidence.objects.order_by("uploaded_at", "id")))
        .order_by("number")
    )


def nonconformity_raising_evidence(nonconformity):
    """The audit team's files (those not part of an answer)."""
    return list(nonconformity.evidence.filter(answer__isnull=True).order_by("uploaded_at", "id"))


def nonconformity_evidence_get_for_user(user, public_id, evidence_id):
    nonconformity = nonconformity_get_for_user(user, public_id)
    evidence = NonconformityEvidence.objects.filter(nonconformity=nonconformity, pk=evidence_id).first()
    if evidence is None:
        raise Http404
    return evidence


def nonconformities_for_audit(audit):
    return _with_related(Nonconformity.objects.filter(audit=audit)).order_by("raised_at", "id")


def nonconformities_for_case(case):
    return _with_related(Nonconformity.objects.filter(audit__case=case)).order_by("raised_at", "id")


def nonconformities_around_audit(audit):
    """The audit's own nonconformities, the case's others and the
    organisation's still open from earlier cases, read in one query."""
    case = audit.case
    # Every condition hangs off the organisation, whose cases are indexed;
    # an OR across the joins would make PostgreSQL read every nonconformity.
    queryset = Nonconformity.objects.filter(audit__case__organisation_id=case.organisation_id).filter(
        Q(audit__case=case) | ~Q(status=Nonconformity.Status.VERIFIED)
    )
    here, others, earlier = [], [], []
    for nonconformity in _with_related(queryset).order_by("raised_at", "id"):
        if nonconformity.audit_id == audit.pk:
            here.append(nonconformity)
        elif nonconformity.audit.case_id == case.pk:
            others.append(nonconformity)
        else:
            earlier.append(nonconformity)
    return here, others, earlier


def nonconformities_open_for_organisation(organisation, exclude_case=None):
    """The organisation's nonconformities not yet verified, from any case:
    carried into its next audit and shown there."""
    queryset = Nonconformity.objects.filter(audit__case__organisation=organisation).exclude(
        status=Nonconformity.Status.VERIFIED
    )
    if exclude_case is not None:
        queryset = queryset.exclude(audit__case=exclude_case)
    return _with_related(queryset).order_by("raised_at", "id")


@dataclass(frozen=True)
class RectificationState:
    raised: int
    open: int
    majors_needing_follow_up: int

    @property
    def complete(self):
        """Every nonconformity verified and every major followed up."""
        return self.open == 0 and self.majors_needing_follow_up == 0


def closed_follow_ups(case):
    return Audit.objects.filter(case=case, kind=Audit.Kind.FOLLOW_UP, status=Audit.Status.CLOSED)


def case_rectification_state(case, follow_ups=None, nonconformities=None):
    """Counts of the case's nonconformities: raised, open (not verified) and
    majors still waiting for a follow-up audit.

    A major one is followed up when a follow-up audit of the case was closed
    after it became major. `follow_ups` are the closed follow-up audits to
    consider (a queryset or list of Audit); by default the case's own.
    `nonconformities`, when the caller has read them all, spares a query.
    """
    if nonconformities is None:
        rows = list(
            Nonconformity.objects.filter(audit__case=case).values_list("severity", "status", "raised_at", "escalated_at")
        )
    else:
        rows = [(nc.severity, nc.status, nc.raised_at, nc.escalated_at) for nc in nonconformities]
    last_closed = None
    # Follow-up audits matter only to a major nonconformity.
    if any(severity == Nonconformity.Severity.MAJOR for severity, *_rest in rows):
        follow_ups = closed_follow_ups(case) if follow_ups is None else follow_ups
        last_closed = max((audit.closed_at for audit in follow_ups if audit.closed_at is not None), default=None)
    raised = open_count = waiting = 0
    for severity, status, raised_at, escalated_at in rows:
        raised += 1
        if status != Nonconformity.Status.VERIFIED:
            open_count += 1
        if severity == Nonconformity.Severity.MAJOR:
            since = escalated_at or raised_at
            if last_closed is None or last_closed <= since:
                waiting += 1
    return RectificationState(raised=raised, open=open_count, majors_needing_follow_up=waiting)


def nonconformities_to_verify(user):
    """Answered nonconformities waiting for this auditor's verification: those
    of the audits whose team they are on."""
    if not (user.is_authenticated and user.is_auditor):
        return Nonconformity.objects.none()
    return (
        Nonconformity.objects.filter(
            status=Nonconformity.Status.ANSWERED,
            audit__case_id__in=TeamMember.objects.filter(auditor=user).values("audit__case_id"),
        )
        .select_related("audit__case__organisation")
        .order_by("raised_at")
    )


def nonconformity_actions_for(user, nonconformity, *, member):
    """What `user` may do to the nonconformity now, from its table, the role
    and membership (`member`, as the page knows it). Nothing once the
    application is withdrawn."""
    if nonconformity.audit.case.status == Case.Status.WITHDRAWN:
        return frozenset()
    actions = set()
    if member and transitions.allowed(nonconformity, Nonconformity.Status.ANSWERED):
        actions.add("answer")
    if transitions.allowed(nonconformity, Nonconformity.Status.VERIFIED) and nonconformity_can_verify(
        user, nonconformity
    ):
        actions.add("verify")
    if user.is_manager and nonconformity.is_overdue():
        actions.add("escalate")
    return frozenset(actions)


def nonconformity_can_verify(user, nonconformity):
    """The raising audit's lead, or anyone on a follow-up audit of the case."""
    if not (user.is_authenticated and user.is_active and user.is_auditor):
        return False
    return TeamMember.objects.filter(auditor=user).filter(
        audit_id=nonconformity.audit_id, role=TeamMember.Role.LEAD
    ).exists() or TeamMember.objects.filter(
        auditor=user,
        audit__case_id=nonconformity.audit.case_id,
        audit__kind=Audit.Kind.FOLLOW_UP,
    ).exclude(audit__status=Audit.Status.CANCELLED).exists()


def raise_targets(version):
    """What a nonconformity may be raised against: each indicator, then its
    items, as (value, label) choices."""
    choices = []
    for category in version_structure(version)[0]:
        for indicator in category.indicators.all():
            choices.append((f"indicator:{indicator.pk}", f"{indicator.code} {localized(indicator, 'name')}"))
            for item in indicator.items.all():
                choices.append((f"item:{item.pk}", f"— {item.code} {localized(item, 'name')[:80]}"))
    return choices


def raise_target_resolve(version, value):
    """(item, indicator) of a raise_targets value of the version, or (None, None)."""
    kind, _sep, pk = (value or "").partition(":")
    if not pk.isdigit():
        return None, None
    if kind == "item":
        item = Item.objects.select_related("indicator").filter(pk=pk, indicator__category__version=version).first()
        return item, item.indicator if item else None
    if kind == "indicator":
        return None, Indicator.objects.filter(pk=pk, category__version=version).first()
    return None, None
