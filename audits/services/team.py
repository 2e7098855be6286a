"""The audit team: conflict-of-interest declarations, qualifications, the
team's assignment and the case access that follows it; the sweep that
cancels a withdrawn case's audits."""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as case_services
from applications.models import Case
from applications.selectors.organisation import (
    membership_for_user,
    organisation_members,
    was_member,
)
from audits.models import (
    DECLARATION_VALID_DAYS,
    Audit,
    ConflictDeclaration,
    DeclarationRequest,
    TeamMember,
)
from audits.services._base import audit_locked, audit_url
from audits.verbs import Verb
from certify import transitions
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.notifications import notify
from certify.permissions import require_manager
from scoring.selectors import process_settings_get


def declaration_current(auditor, organisation, on=None):
    """The auditor's declaration for the organisation that still covers `on`."""
    since = (on or timezone.now()) - timedelta(days=DECLARATION_VALID_DAYS)
    return (
        ConflictDeclaration.objects.filter(
            auditor=auditor, organisation=organisation, declared_at__gte=since
        )
        .order_by("-declared_at")
        .first()
    )



def declaration_asked(auditor, organisation):
    """Whether a manager asked `auditor` to declare about the organisation."""
    return DeclarationRequest.objects.filter(auditor=auditor, organisation=organisation).exists()



def declaration_request(*, actor, audit, auditor):
    """Ask a proposed auditor to make the declaration (an e-mail with the link)."""
    require_manager(actor)
    if not auditor.is_auditor:
        raise CertifyError(_("Only auditors can be put on an audit team."))
    organisation = audit.case.organisation
    with transaction.atomic():
        DeclarationRequest.objects.get_or_create(
            auditor=auditor, audit=audit, defaults={"organisation": organisation, "requested_by": actor}
        )
        event_record(actor=actor, obj=audit, verb=Verb.DECLARATION_REQUESTED, data={"auditor": auditor.pk})
        notify(
            [auditor],
            template="declaration_requested",
            context={"organisation": organisation, "audit": audit},
            url=reverse("audits:declaration", args=[organisation.public_id]),
        )



def conflict_declare(*, actor, organisation, no_consultancy, no_employment, no_other_interest):
    """The auditor declares no conflict of interest with the organisation.

    Every statement must hold; someone who cannot make them cannot be
    assigned, and says so to the manager instead.
    """
    if not (actor.is_authenticated and actor.is_auditor):
        raise NotAllowed(_("Only auditors make this declaration."))
    if not declaration_asked(actor, organisation):
        raise NotAllowed(_("No manager has asked you to declare about this organisation."))
    if membership_for_user(actor) is not None:
        raise CertifyError(_("Members of an applying organisation cannot audit."))
    if not (no_consultancy and no_employment and no_other_interest):
        raise CertifyError(
            _("Each statement must be true to declare no conflict. If one is not, tell the manager: you cannot be on this team.")
        )
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.create(
            auditor=actor,
            organisation=organisation,
            no_consultancy=True,
            no_employment=True,
            no_other_interest=True,
        )
        event_record(actor=actor, obj=organisation, verb=Verb.DECLARATION_MADE, data={"auditor": actor.pk})
    return declaration



def qualification_warnings(audit, auditors):
    """Auditors whose qualification for the scheme ends before the audit does
    (or who have none): shown to the manager, not a refusal."""
    scheme_id = audit.case.version.scheme_id
    warnings = []
    for auditor in auditors:
        latest = max(
            (q.valid_until for q in auditor.qualifications.all() if q.scheme_id == scheme_id), default=None
        )
        if latest is None:
            warnings.append(
                _("%(name)s has no qualification recorded for this scheme.") % {"name": auditor.full_name}
            )
        elif latest < audit.planned_end:
            warnings.append(
                _("%(name)s's qualification ends on %(date)s, before the audit ends.")
                % {"name": auditor.full_name, "date": latest.isoformat()}
            )
    return warnings



def audit_team_assign(*, actor, audit, lead, members=()):
    """Set the team: one lead plus members. Every auditor needs a current
    declaration; an on-site audit needs between the scheme's minimum and three.
    Grants the team access to the case and notifies the organisation.

    Returns the qualification warnings (they do not block).
    """
    require_manager(actor)
    team = [lead, *[m for m in members if m.pk != lead.pk]]
    if len({person.pk for person in team}) != len(team):
        raise CertifyError(_("Each auditor can be on the team once."))
    for person in team:
        if not (person.is_active and person.is_auditor):
            raise CertifyError(_("%(name)s is not an active auditor.") % {"name": person.full_name})
        if was_member(person, audit.case.organisation_id):
            raise CertifyError(
                _("%(name)s is or was a member of the organisation and cannot audit it.")
                % {"name": person.full_name}
            )
    with transaction.atomic():
        audit = audit_locked(audit)
        if audit.status != Audit.Status.PLANNED:
            raise InvalidTransition(_("The team is set while the audit is planned."))
        minimum = process_settings_get(audit.case.version).min_onsite_team
        if audit.kind == Audit.Kind.ONSITE and not minimum <= len(team) <= 3:
            raise CertifyError(
                _("An on-site audit needs between %(minimum)s and 3 auditors; the team has %(count)s.")
                % {"minimum": minimum, "count": len(team)}
            )
        organisation = audit.case.organisation
        declarations = {}
        missing = []
        for person in team:
            declaration = declaration_current(person, organisation)
            if declaration is None:
                missing.append(person.full_name)
            declarations[person.pk] = declaration
        if missing:
            raise CertifyError(
                _("No current no-conflict declaration from: %(names)s. Ask them to declare first.")
                % {"names": "、".join(missing)}
            )
        previous = [member.auditor for member in audit.team.select_related("auditor")]
        audit.team.all().delete()
        TeamMember.objects.bulk_create(
            TeamMember(
                audit=audit,
                auditor=person,
                role=TeamMember.Role.LEAD if index == 0 else TeamMember.Role.MEMBER,
                declaration=declarations[person.pk],
                assigned_by=actor,
            )
            for index, person in enumerate(team)
        )
        for person in team:
            case_services.case_access_grant(
                actor=actor, case=audit.case, user=person, reason=str(Audit.Kind(audit.kind).label)
            )
        team_ids = {person.pk for person in team}
        case_access_follow_team(
            actor=actor, case=audit.case, people=[p for p in previous if p.pk not in team_ids]
        )
        event_record(
            actor=actor,
            obj=audit,
            verb=Verb.AUDIT_TEAM_ASSIGNED,
            data={"lead": lead.pk, "members": [m.pk for m in team[1:]]},
        )
        members_of_org = organisation_members(organisation.pk)
        team_rows = list(audit.team.select_related("auditor"))
        notify(
            members_of_org,
            template="audit_planned",
            context={"audit": audit, "team": team_rows},
            url=reverse("applications:case_detail", args=[audit.case.public_id]),
        )
        for row in team_rows:
            notify(
                [row.auditor],
                template="audit_assigned",
                context={"audit": audit, "role": row.get_role_display()},
                url=audit_url(audit),
            )
    return qualification_warnings(audit, team)



def case_access_follow_team(*, actor, case, people):
    """Withdraw each person's access to the case unless a team of another of
    its audits, not cancelled, still gives it (the case's access list is
    kept by the applications app, which knows no audits)."""
    for person in people:
        still_on_a_team = (
            TeamMember.objects.filter(audit__case=case, auditor=person)
            .exclude(audit__status=Audit.Status.CANCELLED)
            .exists()
        )
        if not still_on_a_team:
            case_services.case_access_revoke(
                actor=actor, case=case, user=person, reason=str(_("No longer on an audit team"))
            )



def audits_cancel_for_withdrawn_cases(*, today=None):
    """The sweep: cancel every open audit of a withdrawn case (the applications
    app cannot call this app when the applicant withdraws)."""
    cancelled = 0
    open_audits = Audit.objects.filter(status__in=Audit.OPEN, case__status=Case.Status.WITHDRAWN)
    for audit_id in open_audits.values_list("pk", flat=True):
        with transaction.atomic():
            audit = Audit.objects.select_for_update().get(pk=audit_id)
            if audit.status not in Audit.OPEN:
                continue
            reason = str(_("The application was withdrawn."))
            transitions.apply(
                audit,
                Audit.Status.CANCELLED,
                actor=None,
                verb=Verb.AUDIT_CANCELLED,
                note=reason,
                changes={"cancelled_at": timezone.now(), "cancel_reason": reason},
            )
            case_access_follow_team(
                actor=None,
                case=audit.case,
                people=[member.auditor for member in audit.team.select_related("auditor")],
            )
            cancelled += 1
    return cancelled

