"""The case from draft to acceptance: create, declare, upload materials,
submit, withdraw, review, request a supplement, resubmit, accept, reject.

Each transition checks the actor and the state, locks the row, consults
Case.ALLOWED_TRANSITIONS (a repeat is a no-op), writes one event and
notifies after commit.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import (
    Case,
    CaseAccess,
    Material,
    MaterialType,
    SupplementItem,
    SupplementRequest,
)
from applications.selectors import (
    is_member,
    months_in_operation,
    months_registered,
    was_member,
)
from applications.selectors_case import EDITABLE, UPLOADS_ALLOWED, material_types
from applications.services._base import case_locked, case_members, case_url, require_member
from certify import transitions, uploads
from certify.calendar import add_working_days
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.models import User
from certify.notifications import notify
from certify.outbox import enqueue
from certify.pdf import pdf_store_once
from certify.permissions import require_manager
from certify.selectors import active_managers
from certify.uploads import validate_upload
from scoring.components import localized
from scoring.models import SchemeVersion
from scoring.selectors import process_settings_get


def _require_impartial_reviewer(actor, case):
    require_manager(actor)
    if was_member(actor, case.organisation_id):
        raise NotAllowed(
            _("You are or were a member of the applying organisation, so another manager must review it.")
        )


def _check_scope_parts(organisation, outlets, categories):
    if any(outlet.organisation_id != organisation.pk for outlet in outlets) or any(
        category.organisation_id != organisation.pk for category in categories
    ):
        raise CertifyError(_("Choose outlets and categories of your own organisation."))


def case_create(
    *, actor, organisation, version, target_level, scope, kind=Case.Kind.INITIAL, outlets=(), categories=()
):
    """An organisation's member starts an application (a draft)."""
    _check_scope_parts(organisation, outlets, categories)
    if not is_member(actor, organisation.pk):
        raise NotAllowed(_("Only members of the organisation may apply for it."))
    if version.status != SchemeVersion.Status.PUBLISHED:
        raise CertifyError(_("Applications use published schemes only."))
    if not version.levels.filter(code=target_level).exists():
        raise CertifyError(_("The target level is not a level of this scheme."))
    scope = (scope or "").strip()
    if not scope:
        raise CertifyError(_("Describe the scope: which products and services are covered."))
    with transaction.atomic():
        case = Case.objects.create(
            organisation=organisation,
            version=version,
            target_level=target_level,
            scope=scope,
            kind=kind,
            created_by=actor,
        )
        # Readable and unique, never reused: the year and the row's id.
        case.reference = f"SQ{timezone.localdate():%Y}{case.pk:05d}"
        case.save(update_fields=["reference"])
        case.scope_outlets.set(outlets)
        case.scope_categories.set(categories)
        event_record(actor=actor, obj=case, verb="case.created", to_state=case.status)
    return case


def case_update(*, actor, case, target_level, scope, outlets=None, categories=None):
    require_member(actor, case.organisation_id)
    with transaction.atomic():
        case = case_locked(case)
        if case.status not in EDITABLE:
            raise InvalidTransition(_("The application can only be changed while it is with you."))
        if not case.version.levels.filter(code=target_level).exists():
            raise CertifyError(_("The target level is not a level of this scheme."))
        if not scope.strip():
            raise CertifyError(_("Describe the scope: which products and services are covered."))
        changed = {}
        if case.target_level != target_level:
            changed["target_level"] = [case.target_level, target_level]
            case.target_level = target_level
        if case.scope != scope.strip():
            changed["scope"] = True
            case.scope = scope.strip()
        _check_scope_parts(case.organisation, outlets or (), categories or ())
        for name, chosen in (("scope_outlets", outlets), ("scope_categories", categories)):
            if chosen is None:
                continue
            relation = getattr(case, name)
            if set(relation.values_list("pk", flat=True)) != {item.pk for item in chosen}:
                relation.set(chosen)
                changed[name] = sorted(item.pk for item in chosen)
        if changed:
            case.save(update_fields=["target_level", "scope"])
            event_record(actor=actor, obj=case, verb="case.updated", data=changed)
    return case


DECLARATIONS = (
    "declares_independent_legal_person",
    "declares_no_serious_quality_accident",
    "declares_no_after_sales_penalty",
    "declares_not_on_dishonesty_list",
)


def case_declare(*, actor, case, **declarations):
    """Record the eligibility declarations with who made them and when."""
    require_member(actor, case.organisation_id)
    with transaction.atomic():
        case = case_locked(case)
        if case.status not in EDITABLE:
            raise InvalidTransition(_("The application can only be changed while it is with you."))
        values = {name: bool(declarations.get(name)) for name in DECLARATIONS}
        if all(getattr(case, name) == value for name, value in values.items()):
            return case
        for name, value in values.items():
            setattr(case, name, value)
        case.declared_by = actor
        case.declared_at = timezone.now()
        case.save(update_fields=[*DECLARATIONS, "declared_by", "declared_at"])
        event_record(actor=actor, obj=case, verb="case.declared", data=values)
    return case


def material_upload(*, actor, case, material_type, upload):
    """Add a new version of a material; earlier versions are kept."""
    require_member(actor, case.organisation_id)
    if material_type.scheme_id != case.version.scheme_id:
        raise CertifyError(_("This material does not belong to the application's scheme."))
    try:
        validate_upload(upload)
    except ValidationError as exc:
        raise CertifyError(" ".join(exc.messages)) from exc
    with uploads.atomic():
        case = case_locked(case)
        if case.status not in UPLOADS_ALLOWED:
            raise InvalidTransition(
                _("Materials can be uploaded while the application is a draft, a supplement is requested or documents are being revised.")
            )
        number = (
            Material.objects.filter(case=case, material_type=material_type).aggregate(
                top=Max("number")
            )["top"]
            or 0
        ) + 1
        material = Material.objects.create(
            case=case,
            material_type=material_type,
            number=number,
            file=upload,
            original_name=upload.name[:255],
            size=upload.size,
            uploaded_by=actor,
        )
        event_record(
            actor=actor,
            obj=case,
            verb="case.material_uploaded",
            data={"type": material_type.code, "version": number, "name": material.original_name},
        )
    return material


def material_remove(*, actor, case, material_id):
    """Remove an unreviewed upload while the application is with the applicant."""
    require_member(actor, case.organisation_id)
    with transaction.atomic():
        case = case_locked(case)
        if case.status not in EDITABLE:
            raise InvalidTransition(_("The application can only be changed while it is with you."))
        material = Material.objects.filter(case=case, pk=material_id).first()
        if material is None:
            return
        if material.review != Material.Review.PENDING:
            raise CertifyError(_("A reviewed version stays on record; upload a new version instead."))
        event_record(
            actor=actor,
            obj=case,
            verb="case.material_removed",
            data={"type": material.material_type.code, "version": material.number},
        )
        material.delete()
        uploads.delete_on_commit(material.file)


def latest_materials(case):
    """The newest version of each material type, by type id."""
    latest = {}
    for material in Material.objects.filter(case=case).order_by("material_type_id", "-number"):
        latest.setdefault(material.material_type_id, material)
    return latest


def case_missing(case):
    """What stands between the application and submission, as sentences."""
    problems = []
    latest = latest_materials(case)
    for material_type in material_types(case.version):
        if not material_type.required:
            continue
        material = latest.get(material_type.pk)
        if material is None:
            problems.append(_("Upload the material “%(name)s”.") % {"name": localized(material_type, "name")})
        elif material.review == Material.Review.COMMENTED:
            problems.append(
                _("Upload a new version of “%(name)s”: %(comment)s")
                % {"name": localized(material_type, "name"), "comment": material.review_comment}
            )
    if not case.has_declared_everything:
        problems.append(_("Make every eligibility declaration."))
    problems.extend(eligibility_problems(case))
    return problems


def eligibility_problems(case, on=None):
    """The scheme's minimum months since registration and of operation of the
    after-sales service system (DOMAIN.md 5.8), checked against the profile."""
    settings = process_settings_get(case.version)
    organisation = case.organisation
    problems = []
    registered = months_registered(organisation, on)
    if registered is None:
        problems.append(_("Enter the organisation's date of registration in its profile."))
    elif registered < settings.min_months_registered:
        problems.append(
            _("The organisation must have been registered for at least %(minimum)s months; it has been %(months)s.")
            % {"minimum": settings.min_months_registered, "months": registered}
        )
    operating = months_in_operation(organisation, on)
    if operating is None:
        problems.append(
            _("Enter the date the after-sales service system began operating in the organisation's profile.")
        )
    elif operating < settings.min_months_in_operation:
        problems.append(
            _("The after-sales service system must have operated for at least %(minimum)s months; it has operated for %(months)s.")
            % {"minimum": settings.min_months_in_operation, "months": operating}
        )
    return problems


def _review_clock(case):
    settings = process_settings_get(case.version)
    return {
        "submitted_at": timezone.now(),
        "review_due": add_working_days(timezone.localdate(), settings.application_review_working_days),
        "overdue_notified_at": None,
    }


def case_submit(*, actor, case):
    """Submit a draft, or resubmit after a supplement request.

    Raises CertifyError listing every missing material and declaration.
    """
    require_member(actor, case.organisation_id)
    with transaction.atomic():
        case = case_locked(case)
        if case.status == Case.Status.SUBMITTED:
            transitions.already_moved(case, Case.Status.SUBMITTED)
            return case
        problems = case_missing(case)
        if problems:
            raise CertifyError(
                _("The application cannot be submitted yet:") + " " + " ".join(problems)
            )
        resubmission = case.status == Case.Status.SUPPLEMENT_REQUESTED
        transitions.apply(
            case,
            Case.Status.SUBMITTED,
            actor=actor,
            verb="case.resubmitted" if resubmission else "case.submitted",
            changes={**_review_clock(case), "supplement_due": None},
        )
        if resubmission:
            SupplementRequest.objects.filter(case=case, answered_at__isnull=True).update(
                answered_at=timezone.now()
            )
        notify(
            active_managers(),
            template="case_resubmitted" if resubmission else "case_submitted",
            context={"case": case},
            url=case_url(case),
        )
    return case


def case_withdraw(*, actor, case, reason=""):
    require_member(actor, case.organisation_id)
    with transaction.atomic():
        case = case_locked(case)
        if not transitions.apply(
            case,
            Case.Status.WITHDRAWN,
            actor=actor,
            verb="case.withdrawn",
            note=reason,
            changes={"withdrawn_at": timezone.now()},
        ):
            return case
        if case.submitted_at:
            notify(active_managers(), template="case_withdrawn", context={"case": case}, url=case_url(case))
    return case


def case_review_start(*, actor, case):
    _require_impartial_reviewer(actor, case)
    with transaction.atomic():
        case = case_locked(case)
        transitions.apply(
            case,
            Case.Status.UNDER_REVIEW,
            actor=actor,
            verb="case.review_started",
            changes={"review_started_at": timezone.now(), "reviewed_by": actor},
        )
    return case


def _apply_review(case, actor, reviews):
    """Mark the newest version of each reviewed material accepted or
    commented. `reviews` maps a material type id to (accepted, comment)."""
    latest = latest_materials(case)
    now = timezone.now()
    for type_id, (accepted, comment) in reviews.items():
        material = latest.get(type_id)
        if material is None:
            continue
        material.review = Material.Review.ACCEPTED if accepted else Material.Review.COMMENTED
        material.review_comment = "" if accepted else comment
        material.reviewed_by = actor
        material.reviewed_at = now
        material.save(update_fields=["review", "review_comment", "reviewed_by", "reviewed_at"])
    return latest


def case_request_supplement(*, actor, case, reviews, note=""):
    """Send the application back with what is missing or must be redone.

    `reviews` maps material type ids to (accepted, comment); a material that
    is not accepted needs a comment. The due date is the scheme's
    `supplement_answer_working_days` working days ahead.
    """
    _require_impartial_reviewer(actor, case)
    types = {t.pk: t for t in MaterialType.objects.filter(scheme_id=case.version.scheme_id)}
    commented = {type_id: comment for type_id, (accepted, comment) in reviews.items() if not accepted}
    if any(not comment.strip() for comment in commented.values()):
        raise CertifyError(_("Say what is wrong with each material that is not accepted."))
    if not commented and not note.strip():
        raise CertifyError(
            _("Mark at least one material as needing a new version, or write what is missing.")
        )
    with transaction.atomic():
        case = case_locked(case)
        if case.status == Case.Status.SUPPLEMENT_REQUESTED:
            transitions.already_moved(case, Case.Status.SUPPLEMENT_REQUESTED)
            return case
        settings = process_settings_get(case.version)
        due = add_working_days(timezone.localdate(), settings.supplement_answer_working_days)
        transitions.apply(
            case,
            Case.Status.SUPPLEMENT_REQUESTED,
            actor=actor,
            verb="case.supplement_requested",
            note=note,
            data={"due": due.isoformat(), "materials": sorted(types[t].code for t in commented)},
            changes={"supplement_due": due, "overdue_notified_at": None},
        )
        latest = _apply_review(case, actor, reviews)
        request = SupplementRequest.objects.create(
            case=case, note=note.strip(), due_date=due, requested_by=actor
        )
        SupplementItem.objects.bulk_create(
            SupplementItem(
                request=request,
                material_type_id=type_id,
                material=latest.get(type_id),
                accepted=accepted,
                comment="" if accepted else comment.strip(),
            )
            for type_id, (accepted, comment) in reviews.items()
            if type_id in types
        )
        supplement_notice_queue(request=request)
        notify(
            case_members(case),
            template="case_supplement_requested",
            context={"case": case, "supplement": request},
            url=case_url(case),
        )
    return case


def supplement_notice_store(*, request_id, render):
    """Store a supplement request's notice PDF once, as it was sent."""
    return pdf_store_once(
        SupplementRequest,
        request_id,
        render=render,
        file_field="notice_pdf",
        sha256_field="notice_sha256",
        file_name=lambda request: f"supplement-{request.case.reference}-{request.pk}.pdf",
    )


def supplement_notice_queue(*, request):
    """Queue the rendering of a notice not stored yet (storing is once only)."""
    enqueue("applications.tasks.supplement_notice_render", request.pk)


def case_accept(*, actor, case, reviews=None):
    """Accept the application; every required material must be accepted."""
    _require_impartial_reviewer(actor, case)
    with transaction.atomic():
        case = case_locked(case)
        if case.status == Case.Status.ACCEPTED:
            transitions.already_moved(case, Case.Status.ACCEPTED)
            return case
        if case.status != Case.Status.UNDER_REVIEW:
            raise InvalidTransition(_("Start the review before accepting the application."))
        latest = _apply_review(case, actor, reviews or {})
        not_accepted = [
            localized(material_type, "name")
            for material_type in MaterialType.objects.filter(scheme_id=case.version.scheme_id, required=True)
            if getattr(latest.get(material_type.pk), "review", None) != Material.Review.ACCEPTED
        ]
        if not_accepted:
            raise CertifyError(
                _("Accept every required material first: %(names)s.") % {"names": "、".join(not_accepted)}
            )
        transitions.apply(
            case, Case.Status.ACCEPTED, actor=actor, verb="case.accepted", changes={"accepted_at": timezone.now()}
        )
        notify(case_members(case), template="case_accepted", context={"case": case}, url=case_url(case))
    return case


def case_reject(*, actor, case, reason):
    _require_impartial_reviewer(actor, case)
    reason = (reason or "").strip()
    if not reason:
        raise CertifyError(_("Give the reason for rejecting the application."))
    with transaction.atomic():
        case = case_locked(case)
        if not transitions.apply(
            case,
            Case.Status.REJECTED,
            actor=actor,
            verb="case.rejected",
            note=reason,
            changes={"rejected_at": timezone.now(), "rejection_reason": reason},
        ):
            return case
        notify(case_members(case), template="case_rejected", context={"case": case}, url=case_url(case))
    return case


def case_access_grant(*, actor, case, user, reason):
    """Let a staff member open a case (the audits app calls it for a team)."""
    if not (user.is_auditor or user.is_manager):
        raise CertifyError(_("Only staff can be given access to a case."))
    with transaction.atomic():
        grant, created = CaseAccess.objects.get_or_create(
            case=case, user=user, defaults={"reason": reason, "granted_by": actor}
        )
        if created:
            event_record(
                actor=actor, obj=case, verb="case.access_granted", data={"user": user.pk, "reason": reason}
            )
    return grant


def case_access_revoke(*, actor, case, user, reason):
    """Take away a staff member's access to a case (the audits app calls it
    when they leave the last team that gave it). A repeat is a no-op."""
    with transaction.atomic():
        removed, _by_model = CaseAccess.objects.filter(case=case, user=user).delete()
        if removed:
            event_record(
                actor=actor, obj=case, verb="case.access_revoked", data={"user": user.pk, "reason": reason}
            )


# --- Moves made by the audits app (it calls these; never the reverse) --------



def case_document_review_begin(*, actor, case):
    """The manager planned the document review: the case leaves contract_signed."""
    require_manager(actor)
    with transaction.atomic():
        case = case_locked(case)
        transitions.apply(case, Case.Status.DOCUMENT_REVIEW, actor=actor, verb="case.document_review_started")
    return case


def case_document_revision_request(*, actor, case, due, note=""):
    """The lead auditor asks for revised system documents by `due`."""
    with transaction.atomic():
        case = case_locked(case)
        if not transitions.apply(
            case,
            Case.Status.DOCUMENT_REVISION,
            actor=actor,
            verb="case.document_revision_requested",
            note=note,
            data={"due": due.isoformat()},
            changes={"supplement_due": due, "overdue_notified_at": None},
        ):
            return case
        notify(
            case_members(case),
            template="case_document_revision_requested",
            context={"case": case, "due": due, "note": note},
            url=case_url(case),
        )
    return case


def case_documents_revised(*, actor, case):
    """The applicant reports the documents revised; the review repeats."""
    require_member(actor, case.organisation_id)
    with transaction.atomic():
        case = case_locked(case)
        if not transitions.apply(
            case, Case.Status.DOCUMENT_REVIEW, actor=actor, verb="case.documents_revised", changes={"supplement_due": None}
        ):
            return case
        staff = User.objects.filter(
            pk__in=CaseAccess.objects.filter(case=case).values("user_id"), is_active=True
        )
        notify(
            list(staff) + list(active_managers().exclude(pk__in=staff.values("pk"))),
            template="case_documents_revised",
            context={"case": case},
            url=case_url(case),
        )
    return case


def case_document_review_pass(*, actor, case):
    """The document review passed: the on-site audit can be planned."""
    with transaction.atomic():
        case = case_locked(case)
        if transitions.apply(case, Case.Status.ONSITE_PLANNED, actor=actor, verb="case.document_review_passed"):
            notify(active_managers(), template="case_document_review_passed", context={"case": case}, url=case_url(case))
    return case


def case_onsite_start(*, actor, case):
    """The lead auditor started the on-site audit."""
    with transaction.atomic():
        case = case_locked(case)
        transitions.apply(case, Case.Status.ONSITE_IN_PROGRESS, actor=actor, verb="case.onsite_started")
    return case


def case_onsite_done(*, actor, case, nonconformities_raised):
    """The on-site report is in: on to rectification when nonconformities were
    raised, otherwise straight to the decision."""
    with transaction.atomic():
        case = case_locked(case)
        if case.status in (Case.Status.RECTIFICATION, Case.Status.DECISION_PENDING):
            return case
        transitions.apply(case, Case.Status.ONSITE_DONE, actor=actor, verb="case.onsite_done")
        if nonconformities_raised:
            transitions.apply(case, Case.Status.RECTIFICATION, actor=actor, verb="case.rectification_started")
        else:
            _to_decision(case, actor)
        notify(case_members(case), template="case_onsite_done", context={"case": case}, url=case_url(case))
        if case.status == Case.Status.DECISION_PENDING:
            notify(active_managers(), template="case_decision_pending", context={"case": case}, url=case_url(case))
    return case


def case_rectification_done(*, actor, case):
    """Every nonconformity is verified and the final score given."""
    with transaction.atomic():
        case = case_locked(case)
        if _to_decision(case, actor):
            notify(active_managers(), template="case_decision_pending", context={"case": case}, url=case_url(case))
    return case


def _to_decision(case, actor):
    """Move to decision_pending with the scheme's working days for the
    decision (DOMAIN.md: 5–10 working days after the audit)."""
    due = add_working_days(timezone.localdate(), process_settings_get(case.version).decision_working_days)
    return transitions.apply(
        case,
        Case.Status.DECISION_PENDING,
        actor=actor,
        verb="case.decision_pending",
        changes={"decision_due": due, "overdue_notified_at": None},
    )


# --- The move made by the certificates app ------------------------------------


def case_decide(*, actor, case, decision):
    """Record the certification decision on the case (decision_pending →
    certified or not_certified). Only the certificates app's decision service
    calls this, with the decision it has just written after checking the
    decider's impartiality and the level: the case moves only with a
    decision of its own, by the same manager."""
    require_manager(actor)
    if decision.case_id != case.pk or decision.decided_by_id != actor.pk:
        raise NotAllowed(_("A case moves to its decision only with a decision on it by the same manager."))
    certified = decision.outcome == Case.Status.CERTIFIED
    to_state = Case.Status.CERTIFIED if certified else Case.Status.NOT_CERTIFIED
    with transaction.atomic():
        case = case_locked(case)
        transitions.apply(case, to_state, actor=actor, verb="case.decided", note=decision.reason)
    return case
