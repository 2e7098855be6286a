"""Writes of the audits app: plan an audit, declare no conflict, assign the
team, start, and the document review with its revision rounds.

When an audit's event moves the case, these services call the applications
app's case services (never the reverse).
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as case_services
from applications.models import Case
from applications.selectors import membership_for_user, organisation_members, was_member
from audits.models import (
    DECLARATION_VALID_DAYS,
    Audit,
    AuditDaysBand,
    AuditDaysTable,
    ConflictDeclaration,
    DeclarationRequest,
    DocumentReviewComment,
    Finding,
    FindingEvidence,
    TeamMember,
)
from certify import transitions, uploads
from certify.calendar import add_working_days
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.notifications import notify
from certify.outbox import enqueue
from certify.pdf import pdf_store_once
from certify.permissions import require_manager
from certify.uploads import validate_upload
from scoring.models import Indicator
from scoring.selectors import process_settings_get
from scoring.services import (
    score_sheet_correct,
    score_sheet_create,
    score_sheet_submit,
    special_deduction_add,
)

# A new installation's table; the body edits its own (DOMAIN.md 5.3 gives no
# public formula, only that outlets add at least half a day each).
DEFAULT_BANDS = [(50, Decimal("1.0")), (200, Decimal("1.5")), (1000, Decimal("2.0")), (None, Decimal("3.0"))]
HALF_DAY = Decimal("0.5")



def audit_days_table_get():
    table = AuditDaysTable.objects.prefetch_related("bands").first()
    if table is None:
        with transaction.atomic():
            table = AuditDaysTable.objects.create()
            AuditDaysBand.objects.bulk_create(
                AuditDaysBand(table=table, max_employees=limit, days=days) for limit, days in DEFAULT_BANDS
            )
        table = AuditDaysTable.objects.prefetch_related("bands").get(pk=table.pk)
    return table


def _round_half_day(value):
    """Audit time is planned in half days, rounded up."""
    halves = (value / HALF_DAY).to_integral_value(rounding="ROUND_CEILING")
    return max(halves * HALF_DAY, HALF_DAY)


def audit_days_compute(case, kind, table=None):
    """(days, basis): the on-site days for the organisation's size, outlets
    and categories, scaled for a document review or a surveillance audit."""
    table = table or audit_days_table_get()
    organisation = case.organisation
    employees = organisation.employee_count or 0
    bands = sorted(table.bands.all(), key=lambda b: (b.max_employees is None, b.max_employees or 0))
    band = next(b for b in bands if b.max_employees is None or employees <= b.max_employees)
    outlets = max(organisation.outlets.count() - 1, 0)
    categories = max(organisation.categories.count() - 1, 0)
    onsite = band.days + table.per_additional_outlet * outlets + table.per_additional_category * categories
    share = {
        Audit.Kind.DOCUMENT_REVIEW: table.document_review_share,
        Audit.Kind.SURVEILLANCE: table.surveillance_share,
    }.get(kind, Decimal(1))
    days = _round_half_day(onsite * share)
    basis = {
        "employees": employees,
        "band_days": str(band.days),
        "additional_outlets": outlets,
        "per_outlet": str(table.per_additional_outlet),
        "additional_categories": categories,
        "per_category": str(table.per_additional_category),
        "onsite_days": str(onsite.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)),
        "share": str(share),
    }
    return days, basis


# Kinds of audit that score the scheme on their own sheet.
SCORED_KINDS = {Audit.Kind.ONSITE, Audit.Kind.SURVEILLANCE}

# Which case state each kind of audit is planned from.
PLANNED_FROM = {
    Audit.Kind.DOCUMENT_REVIEW: Case.Status.CONTRACT_SIGNED,
    Audit.Kind.ONSITE: Case.Status.ONSITE_PLANNED,
    Audit.Kind.FOLLOW_UP: Case.Status.RECTIFICATION,
}


def audit_plan(
    *, actor, case, kind, mode, planned_start, planned_end, days=None, days_change_reason="", notes=""
):
    """Plan an audit of a case. Planning the document review moves the case
    from contract_signed to document_review."""
    require_manager(actor)
    if kind not in PLANNED_FROM:
        raise CertifyError(_("Surveillance audits are planned from the certificate."))
    if planned_end < planned_start:
        raise CertifyError(_("The audit cannot end before it starts."))
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("organisation", "version").get(pk=case.pk)
        if case.status != PLANNED_FROM[kind]:
            raise InvalidTransition(
                _("A %(kind)s is planned when the application is “%(status)s”; it is “%(current)s”.")
                % {
                    "kind": Audit.Kind(kind).label,
                    "status": Case.Status(PLANNED_FROM[kind]).label,
                    "current": case.get_status_display(),
                }
            )
        if Audit.objects.filter(case=case, kind=kind, status__in=Audit.OPEN).exists():
            raise CertifyError(_("This application already has an open audit of this kind."))
        computed, basis = audit_days_compute(case, kind)
        if days is not None and days != computed and not days_change_reason.strip():
            raise CertifyError(_("Give the reason for changing the computed audit days."))
        audit = Audit.objects.create(
            case=case,
            kind=kind,
            mode=mode,
            planned_start=planned_start,
            planned_end=planned_end,
            days_computed=computed,
            days_basis=basis,
            days=days if days is not None else computed,
            days_change_reason=days_change_reason.strip() if days not in (None, computed) else "",
            notes=notes,
            created_by=actor,
        )
        event_record(
            actor=actor,
            obj=audit,
            verb="audit.planned",
            to_state=audit.status,
            data={"kind": kind, "days": str(audit.days), "computed": str(computed)},
        )
        if kind == Audit.Kind.DOCUMENT_REVIEW:
            case_services.case_document_review_begin(actor=actor, case=case)
    return audit


def audit_plan_surveillance(*, actor, case, planned_start, planned_end):
    """Create the surveillance audit of a certified case. The certificates
    app calls this, from a manager's action or from its daily job (actor
    None); the case's state does not move."""
    if actor is not None:
        require_manager(actor)
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("organisation", "version").get(pk=case.pk)
        if case.status != Case.Status.CERTIFIED:
            raise InvalidTransition(_("Surveillance audits watch a certified application."))
        computed, basis = audit_days_compute(case, Audit.Kind.SURVEILLANCE)
        audit = Audit.objects.create(
            case=case,
            kind=Audit.Kind.SURVEILLANCE,
            mode=Audit.Mode.ONSITE,
            planned_start=planned_start,
            planned_end=planned_end,
            days_computed=computed,
            days_basis=basis,
            days=computed,
            created_by=actor,
        )
        event_record(
            actor=actor,
            obj=audit,
            verb="audit.planned",
            to_state=audit.status,
            data={"kind": Audit.Kind.SURVEILLANCE, "days": str(audit.days), "computed": str(computed)},
        )
    return audit


def _locked_audit(audit):
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
        event_record(actor=actor, obj=audit, verb="declaration.requested", data={"auditor": auditor.pk})
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
        event_record(actor=actor, obj=organisation, verb="declaration.made", data={"auditor": actor.pk})
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
        audit = _locked_audit(audit)
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
            verb="audit.team_assigned",
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


def _require_lead(actor, audit):
    if not audit.team.filter(auditor=actor, role=TeamMember.Role.LEAD).exists():
        raise NotAllowed(_("Only the audit's lead auditor may do this."))


def audit_start(*, actor, audit):
    with transaction.atomic():
        audit = _locked_audit(audit)
        _require_lead(actor, audit)
        if audit.status == Audit.Status.IN_PROGRESS:
            transitions.already_moved(audit, Audit.Status.IN_PROGRESS)
            return audit
        transitions.require_allowed(audit, Audit.Status.IN_PROGRESS)
        changes = {"started_at": timezone.now()}
        if audit.kind in SCORED_KINDS:
            changes["sheet"] = score_sheet_create(actor=actor, version=audit.case.version)
        transitions.apply(audit, Audit.Status.IN_PROGRESS, actor=actor, verb="audit.started", changes=changes)
        if audit.kind == Audit.Kind.ONSITE:
            case_services.case_onsite_start(actor=actor, case=audit.case)
    return audit


def _require_team(actor, audit):
    if not audit.team.filter(auditor=actor).exists():
        raise NotAllowed(_("Only the audit's team may do this."))


def audit_sheet_is_open(audit):
    """The audit's sheet takes marks on site, and again during rectification
    once the lead has opened the re-score sheet."""
    if audit.status == Audit.Status.IN_PROGRESS:
        transitions.already_moved(audit, Audit.Status.IN_PROGRESS)
        return True
    return (
        audit.status == Audit.Status.REPORT_SUBMITTED
        and audit.sheet is not None
        and audit.sheet.status == audit.sheet.Status.DRAFT
    )


def audit_team_check(*, actor, audit, sheet_work=False):
    """The audit must be open for work and the actor on its team; with
    `sheet_work`, a re-score during rectification counts as open too.
    Returns the locked audit."""
    audit = _locked_audit(audit)
    _require_team(actor, audit)
    if not (audit.status == Audit.Status.IN_PROGRESS or (sheet_work and audit_sheet_is_open(audit))):
        raise InvalidTransition(_("The audit is not in progress."))
    return audit


def finding_add(*, actor, audit, description, internal_note="", item=None, indicator=None, files=()):
    """Record a finding, with photos or files as evidence."""
    description = (description or "").strip()
    if not description:
        raise CertifyError(_("Describe what was found."))
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            raise CertifyError(" ".join(exc.messages)) from exc
    with uploads.atomic():
        audit = audit_team_check(actor=actor, audit=audit)
        version_id = audit.case.version_id
        if item is not None and item.indicator.category.version_id != version_id:
            raise CertifyError(_("This item is not part of the application's scheme."))
        if indicator is not None and indicator.category.version_id != version_id:
            raise CertifyError(_("This indicator is not part of the application's scheme."))
        finding = Finding.objects.create(
            audit=audit,
            item=item,
            indicator=indicator or (item.indicator if item else None),
            description=description,
            internal_note=(internal_note or "").strip(),
            created_by=actor,
        )
        for upload in files:
            FindingEvidence.objects.create(
                finding=finding, file=upload, original_name=upload.name[:255], uploaded_by=actor
            )
        event_record(actor=actor, obj=audit, verb="audit.finding_added", data={"finding": finding.pk})
    return finding


def _require_document_review_in_progress(audit):
    if audit.kind != Audit.Kind.DOCUMENT_REVIEW:
        raise CertifyError(_("This is not a document review."))
    if audit.status != Audit.Status.IN_PROGRESS:
        raise InvalidTransition(_("Start the document review first."))
    if audit.case.status != Case.Status.DOCUMENT_REVIEW:
        raise InvalidTransition(_("The applicant is revising the documents; wait for them."))


def document_comment_set(*, actor, audit, indicator_id, outcome, comment=""):
    """The lead's outcome and comment for one indicator in this round."""
    if outcome not in DocumentReviewComment.Outcome.values:
        raise CertifyError(_("Choose an outcome."))
    if outcome == DocumentReviewComment.Outcome.REVISE and not comment.strip():
        raise CertifyError(_("Say what must be revised."))
    with transaction.atomic():
        audit = _locked_audit(audit)
        _require_lead(actor, audit)
        _require_document_review_in_progress(audit)
        indicator = Indicator.objects.filter(
            pk=indicator_id, category__version_id=audit.case.version_id
        ).first()
        if indicator is None:
            raise CertifyError(_("This indicator is not part of the application's scheme."))
        comment_row, _created = DocumentReviewComment.objects.update_or_create(
            audit=audit,
            indicator=indicator,
            round=audit.review_round,
            defaults={
                "outcome": outcome,
                "comment": comment.strip(),
                "updated_at": timezone.now(),
                "updated_by": actor,
            },
        )
    return comment_row


def _round_outcomes(audit):
    indicators = Indicator.objects.filter(category__version_id=audit.case.version_id).count()
    comments = list(DocumentReviewComment.objects.filter(audit=audit, round=audit.review_round))
    return indicators, comments


def document_review_pass(*, actor, audit):
    """Every indicator conforms: the review closes and the on-site audit can be planned."""
    with transaction.atomic():
        audit = _locked_audit(audit)
        _require_lead(actor, audit)
        if audit.status == Audit.Status.CLOSED:
            transitions.already_moved(audit, Audit.Status.CLOSED)
            return audit
        _require_document_review_in_progress(audit)
        indicators, comments = _round_outcomes(audit)
        if len(comments) < indicators:
            done = {comment.indicator_id for comment in comments}
            missing = Indicator.objects.filter(category__version_id=audit.case.version_id).exclude(pk__in=done)
            raise CertifyError(
                _("These indicators have no outcome in this round yet: %(codes)s.")
                % {"codes": "、".join(missing.order_by("category__position", "position").values_list("code", flat=True))}
            )
        if any(c.outcome == DocumentReviewComment.Outcome.REVISE for c in comments):
            raise CertifyError(_("Some indicators need revision: request the revisions instead."))
        transitions.apply(
            audit,
            Audit.Status.CLOSED,
            actor=actor,
            verb="audit.document_review_passed",
            data={"round": audit.review_round},
            changes={"closed_at": timezone.now()},
        )
        case_services.case_document_review_pass(actor=actor, case=audit.case)
    return audit


def document_revisions_request(*, actor, audit, note=""):
    """Send the documents back for revision with a due date in working days;
    the next round starts when the applicant reports them revised."""
    with transaction.atomic():
        audit = _locked_audit(audit)
        _require_lead(actor, audit)
        if audit.case.status == Case.Status.DOCUMENT_REVISION:
            transitions.already_moved(audit.case, Case.Status.DOCUMENT_REVISION)
            return audit
        _require_document_review_in_progress(audit)
        indicators, comments = _round_outcomes(audit)
        to_revise = [c for c in comments if c.outcome == DocumentReviewComment.Outcome.REVISE]
        if not to_revise:
            raise CertifyError(_("Mark at least one indicator as needing revision, with a comment."))
        settings = process_settings_get(audit.case.version)
        due = add_working_days(timezone.localdate(), settings.document_revision_working_days)
        audit.revision_due = due
        audit.review_round += 1
        audit.save(update_fields=["revision_due", "review_round"])
        # What already conformed carries into the next round: only the
        # indicators sent back for revision are reviewed again.
        DocumentReviewComment.objects.bulk_create(
            DocumentReviewComment(
                audit=audit,
                indicator_id=comment.indicator_id,
                round=audit.review_round,
                outcome=comment.outcome,
                comment=comment.comment,
                updated_by=actor,
            )
            for comment in comments
            if comment.outcome == DocumentReviewComment.Outcome.CONFORMING
        )
        event_record(
            actor=actor,
            obj=audit,
            verb="audit.revisions_requested",
            note=note,
            data={"round": audit.review_round - 1, "due": due.isoformat(), "indicators": len(to_revise)},
        )
        case_services.case_document_revision_request(actor=actor, case=audit.case, due=due, note=note)
    return audit


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
                verb="audit.cancelled",
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


def special_deduction_record(*, actor, audit, rule, reason, item=None):
    """A special deduction on the audit's sheet (−1, R4); it must be
    rectified, so it raises a nonconformity at once."""
    # Imported here: the nonconformity services import this module's helpers.
    from audits.services_nc import nonconformity_raise

    with transaction.atomic():
        audit = audit_team_check(actor=actor, audit=audit)
        deduction = special_deduction_add(
            actor=actor, sheet=audit.sheet, rule=rule, reason=reason, item_id=item.pk if item else None
        )
        nonconformity_raise(
            actor=actor,
            audit=audit,
            severity="minor",
            description=reason.strip(),
            clause=item.clause if item else "",
            item=item,
            from_special_deduction=True,
        )
        event_record(actor=actor, obj=audit, verb="audit.special_deduction", data={"rule": rule})
    return deduction


NOT_CERTIFIED = "not_certified"


def _check_recommendation(audit, sheet, recommendation, reason):
    """A recommended level no higher than the scored one, or not certified,
    always with the reason."""
    if not (reason or "").strip():
        raise CertifyError(_("Give the reason for your recommendation."))
    if recommendation == NOT_CERTIFIED:
        return
    levels = list(audit.case.version.levels.order_by("position", "id").values_list("code", flat=True))
    if recommendation not in levels:
        raise CertifyError(_("Choose a level of the scheme, or recommend not certifying."))
    if sheet.level_code not in levels or levels.index(recommendation) > levels.index(sheet.level_code):
        raise CertifyError(_("The recommendation cannot be higher than the level the score reaches."))


def _submit_sheet(actor, sheet):
    return score_sheet_submit(actor=actor, sheet=sheet)


def audit_report_submit(*, actor, audit, recommendation, reason):
    """The lead submits the on-site report: the sheet is frozen, the
    recommendation recorded and the report PDF rendered after commit. The
    case moves to rectification when nonconformities were raised, otherwise
    to the decision (and the audit closes at once)."""
    with transaction.atomic():
        audit = _locked_audit(audit)
        _require_lead(actor, audit)
        if audit.status in (Audit.Status.REPORT_SUBMITTED, Audit.Status.CLOSED):
            return audit
        if audit.kind not in SCORED_KINDS or audit.status != Audit.Status.IN_PROGRESS:
            raise InvalidTransition(_("The report is submitted for an on-site audit in progress."))
        sheet = _submit_sheet(actor, audit.sheet)
        _check_recommendation(audit, sheet, recommendation, reason)
        raised = audit.nonconformities.exists()
        now = timezone.now()
        transitions.apply(
            audit,
            Audit.Status.REPORT_SUBMITTED if raised else Audit.Status.CLOSED,
            actor=actor,
            verb="audit.report_submitted",
            data={"score": str(sheet.score), "level": sheet.level_code, "recommendation": recommendation},
            changes={
                "recommendation": recommendation,
                "recommendation_reason": reason.strip(),
                "report_submitted_at": now,
                "closed_at": None if raised else now,
            },
        )
        enqueue("audits.tasks.audit_report_render", audit.pk)
        # A surveillance audit watches a certified case and never moves it.
        if audit.kind == Audit.Kind.ONSITE:
            case_services.case_onsite_done(actor=actor, case=audit.case, nonconformities_raised=raised)
    return audit


def audit_rescore_start(*, actor, audit):
    """Open a correcting sheet (a copy of the submitted one) for the re-score
    after rectification; the on-site sheet stays readable."""
    with transaction.atomic():
        audit = _locked_audit(audit)
        _require_lead(actor, audit)
        if audit.status != Audit.Status.REPORT_SUBMITTED:
            raise InvalidTransition(_("The re-score follows the report, during rectification."))
        if audit.sheet.status == audit.sheet.Status.DRAFT:
            transitions.already_moved(audit.sheet, audit.sheet.Status.DRAFT)
            return audit
        audit.sheet = score_sheet_correct(actor=actor, sheet=audit.sheet)
        audit.save(update_fields=["sheet"])
    return audit


def audit_final_submit(*, actor, audit, recommendation, reason):
    """After rectification: every nonconformity verified and any follow-up
    audit closed, the lead submits the re-scored sheet and the final
    recommendation; the audit closes and the case goes to the decision."""
    from audits.selectors_nc import case_rectification_state

    with transaction.atomic():
        audit = _locked_audit(audit)
        _require_lead(actor, audit)
        if audit.status == Audit.Status.CLOSED:
            transitions.already_moved(audit, Audit.Status.CLOSED)
            return audit
        if audit.status != Audit.Status.REPORT_SUBMITTED:
            raise InvalidTransition(_("The final score follows the report, during rectification."))
        state = case_rectification_state(audit.case)
        if state.open:
            raise CertifyError(
                _("%(count)s nonconformity(ies) are not verified yet.") % {"count": state.open}
            )
        if state.majors_needing_follow_up:
            raise CertifyError(_("A major nonconformity needs a closed follow-up audit first."))
        sheet = _submit_sheet(actor, audit.sheet)
        _check_recommendation(audit, sheet, recommendation, reason)
        transitions.apply(
            audit,
            Audit.Status.CLOSED,
            actor=actor,
            verb="audit.closed",
            data={"score": str(sheet.score), "level": sheet.level_code, "recommendation": recommendation},
            changes={
                "recommendation": recommendation,
                "recommendation_reason": reason.strip(),
                "closed_at": timezone.now(),
            },
        )
        if audit.kind == Audit.Kind.ONSITE:
            case_services.case_rectification_done(actor=actor, case=audit.case)
    return audit


def audit_follow_up_close(*, actor, audit, note=""):
    """The lead closes a follow-up audit once the major nonconformity it
    checked is verified on site."""
    with transaction.atomic():
        audit = _locked_audit(audit)
        _require_lead(actor, audit)
        if audit.status == Audit.Status.CLOSED:
            transitions.already_moved(audit, Audit.Status.CLOSED)
            return audit
        if audit.kind != Audit.Kind.FOLLOW_UP or audit.status != Audit.Status.IN_PROGRESS:
            raise InvalidTransition(_("Only a follow-up audit in progress is closed this way."))
        transitions.apply(
            audit, Audit.Status.CLOSED, actor=actor, verb="audit.closed", note=note, changes={"closed_at": timezone.now()}
        )
    return audit


def audit_report_pdf_store(*, audit_id, render):
    """Store the report PDF once, with its SHA-256."""
    return pdf_store_once(
        Audit,
        audit_id,
        render=render,
        file_field="report_pdf",
        sha256_field="report_pdf_sha256",
        file_name=lambda audit: f"audit-report-{audit.case.reference}-{audit.pk}.pdf",
    )


def audit_days_table_update(
    *, actor, per_additional_outlet, per_additional_category, document_review_share, surveillance_share, bands
):
    """Replace the audit days table; its history keeps every version.

    `bands` is a list of (max_employees or None, on-site days); exactly one
    band is open-ended. Each additional outlet adds at least half a day
    (DOMAIN.md 5.3).
    """
    require_manager(actor)
    if per_additional_outlet < HALF_DAY:
        raise CertifyError(_("Each additional service outlet adds at least half a day."))
    limits = [limit for limit, _days in bands]
    if limits.count(None) != 1:
        raise CertifyError(_("Exactly one band must be open-ended (no upper limit)."))
    if len(set(limits)) != len(limits):
        raise CertifyError(_("Two bands have the same upper limit."))
    if any(days < HALF_DAY for _limit, days in bands):
        raise CertifyError(_("Every band needs at least half a day."))
    for share in (document_review_share, surveillance_share):
        if not 0 < share <= 1:
            raise CertifyError(_("A share of the on-site days is between 0 and 1."))
    with transaction.atomic():
        table = AuditDaysTable.objects.select_for_update().get(pk=audit_days_table_get().pk)
        table.per_additional_outlet = per_additional_outlet
        table.per_additional_category = per_additional_category
        table.document_review_share = document_review_share
        table.surveillance_share = surveillance_share
        table._history_user = actor
        table.save()
        for band in table.bands.all():
            band._history_user = actor
            band.delete()
        for limit, days in bands:
            band = AuditDaysBand(table=table, max_employees=limit, days=days)
            band._history_user = actor
            band.save()
        event_record(actor=actor, obj=table, verb="audit_days.updated")
    return table
