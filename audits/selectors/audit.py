"""Reads of the audits app: an auditor sees the audits they are on; managers all."""

from datetime import timedelta

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.utils import timezone

from applications.models import Case
from audits.models import (
    DECLARATION_VALID_DAYS,
    Audit,
    ConflictDeclaration,
    DocumentReviewComment,
    Finding,
    TeamMember,
)
from certify import transitions
from certify.models import User
from scoring.selectors import version_keys, version_read_with

# Long texts and the days' basis (a JSON document) that no audit page shows:
# decoding them was a fifth of reading the audit.
UNSHOWN = ("days_basis", "case__organisation__business_scope", "case__organisation__address")


def _visible(queryset, user):
    if not user.is_authenticated:
        return queryset.none()
    if user.is_manager:
        return queryset
    if user.is_auditor:
        return queryset.filter(team__auditor=user)
    return queryset.none()


def audit_list_for_user(user):
    return _visible(
        Audit.objects.select_related("case__organisation", "case__version__scheme").defer(
            *UNSHOWN, "case__version__notes", "case__version__scheme__description_zh",
            "case__version__scheme__description_en",
        ),
        user,
    )


def audit_get_for_user(user, public_id, *, related=()):
    """The audit if the user may see it, else Http404; `related` are more
    relations to read with it (e.g. "sheet" for the scoring page).

    The case's version comes from scoring.version_with_scheme: reading its
    forty columns and its scheme's with every audit page was most of the
    audit's read (0.7 of 0.9 ms); the page reads its key, status and flag.
    """
    queryset = _visible(
        Audit.objects.select_related("case__organisation", *related)
        .defer(*UNSHOWN)
        .annotate(**version_keys("case__version")),
        user,
    )
    # get_object_or_404 rather than first(): first() would sort by the
    # model's ordering to pick among rows that are at most one.
    audit = get_object_or_404(queryset, public_id=public_id)
    audit.case.version = version_read_with(audit, audit.case.version_id)
    return audit


def audit_with_team(audit):
    """The audit with its team, their auditors and declarations read, for
    the pages that list the team."""
    prefetch_related_objects(
        [audit], Prefetch("team", queryset=TeamMember.objects.select_related("auditor", "declaration"))
    )
    return audit


def my_audits(user):
    """The auditor's open audits, soonest first, with their teams."""
    return (
        audit_list_for_user(user)
        .filter(status__in=Audit.OPEN)
        .prefetch_related(Prefetch("team", queryset=TeamMember.objects.select_related("auditor")))
        .order_by("planned_start", "id")
    )


def audit_role(user, audit):
    """The user's role on the audit's team, or None: from the team when it
    was read with the audit, else from one small query remembered on it
    (most pages need the viewer's role, not the whole team). Only auditors
    act on a team: a manager who is not one needs no query."""
    if not user.is_auditor:
        return None
    if "team" in getattr(audit, "_prefetched_objects_cache", {}):
        return next((member.role for member in audit.team.all() if member.auditor_id == user.pk), None)
    roles = audit.__dict__.setdefault("_team_roles", {})
    if user.pk not in roles:
        # Unordered: the model's ordering (by the auditor's name) would join the users.
        found = TeamMember.objects.filter(audit=audit, auditor_id=user.pk).order_by().values_list("role", flat=True)
        roles[user.pk] = next(iter(found[:1]), None)
    return roles[user.pk]


def audit_sheet_open(audit):
    """The audit's sheet takes marks on site, and again during rectification
    once the lead has opened the re-score sheet."""
    if audit.status == Audit.Status.IN_PROGRESS:
        return True
    return (
        audit.status == Audit.Status.REPORT_SUBMITTED
        and audit.sheet is not None
        and audit.sheet.status == audit.sheet.Status.DRAFT
    )


def audit_actions_for(user, audit):
    """What `user` may do on `audit` now, from its table, its kind and the
    user's place on the team. The services enforce the same rules; the pages
    only offer these."""
    role = audit_role(user, audit)
    is_lead = role == TeamMember.Role.LEAD
    in_progress = audit.status == Audit.Status.IN_PROGRESS
    actions = set()
    if user.is_manager and audit.status == Audit.Status.PLANNED:
        actions.add("team_assign")
    if is_lead and transitions.allowed(audit, Audit.Status.IN_PROGRESS):
        actions.add("start")
    if role and in_progress:
        actions.add("finding_add")
    if role and audit.sheet_id is not None and audit_sheet_open(audit):
        actions.add("mark")
    if not is_lead:
        return frozenset(actions)
    if (
        audit.kind == Audit.Kind.DOCUMENT_REVIEW
        and in_progress
        and audit.case.status == Case.Status.DOCUMENT_REVIEW
    ):
        actions.add("document_review")
    if audit.kind in (Audit.Kind.ONSITE, Audit.Kind.SURVEILLANCE) and in_progress:
        actions.add("report_submit")
    if audit.status == Audit.Status.REPORT_SUBMITTED and audit.sheet_id is not None:
        actions.add("final_submit" if audit.sheet.status == audit.sheet.Status.DRAFT else "rescore_start")
    if audit.kind == Audit.Kind.FOLLOW_UP and in_progress:
        actions.add("follow_up_close")
    return frozenset(actions)


def document_comments(audit):
    return list(
        DocumentReviewComment.objects.filter(audit=audit)
        .select_related("indicator", "updated_by")
        .order_by("round", "indicator__category__position", "indicator__position")
    )


def auditors_for_planning(audit):
    """Every active auditor with their current declaration for the
    organisation and their qualifications, in three queries."""
    since = timezone.now() - timedelta(days=DECLARATION_VALID_DAYS)
    latest = {}
    for declaration in ConflictDeclaration.objects.filter(
        organisation=audit.case.organisation, declared_at__gte=since
    ).order_by("declared_at"):
        latest[declaration.auditor_id] = declaration
    auditors = (
        User.objects.filter(is_auditor=True, is_active=True)
        .prefetch_related("qualifications")
        .order_by("full_name")
    )
    return [{"auditor": auditor, "declaration": latest.get(auditor.pk)} for auditor in auditors]


def findings_for_audit(audit):
    return list(
        Finding.objects.filter(audit=audit)
        .select_related("item", "indicator", "created_by")
        .prefetch_related("evidence")
        .order_by("-created_at", "-id")
    )
