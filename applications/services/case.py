"""The case from draft to submission: create, declare, upload materials,
submit, withdraw; and the case access the audits app grants.

Each transition checks the actor, locks the row and moves it with
certify.transitions.apply (a repeat is a no-op); notifications go after
commit.
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
    SupplementRequest,
)
from applications.selectors.case import EDITABLE, UPLOADS_ALLOWED, material_types
from applications.selectors.organisation import (
    is_member,
    months_in_operation,
    months_registered,
)
from applications.services._base import case_locked, case_url, require_case_member
from applications.verbs import Verb
from certify import transitions, uploads
from certify.calendar import add_working_days
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.notifications import notify
from certify.selectors import active_managers
from certify.uploads import validate_upload
from scoring.components import localized
from scoring.models import SchemeVersion
from scoring.selectors import process_settings_get


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
        event_record(actor=actor, obj=case, verb=Verb.CASE_CREATED, to_state=case.status)
    return case



def case_update(*, actor, case, target_level, scope, outlets=None, categories=None):
    require_case_member(actor, case)
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
            event_record(actor=actor, obj=case, verb=Verb.CASE_UPDATED, data=changed)
    return case



DECLARATIONS = (
    "declares_independent_legal_person",
    "declares_no_serious_quality_accident",
    "declares_no_after_sales_penalty",
    "declares_not_on_dishonesty_list",
)



def case_declare(*, actor, case, **declarations):
    """Record the eligibility declarations with who made them and when."""
    require_case_member(actor, case)
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
        event_record(actor=actor, obj=case, verb=Verb.CASE_DECLARED, data=values)
    return case



def material_upload(*, actor, case, material_type, upload):
    """Add a new version of a material; earlier versions are kept."""
    require_case_member(actor, case)
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
            verb=Verb.CASE_MATERIAL_UPLOADED,
            data={"type": material_type.code, "version": number, "name": material.original_name},
        )
    return material



def material_remove(*, actor, case, material_id):
    """Remove an unreviewed upload while the application is with the applicant."""
    require_case_member(actor, case)
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
            verb=Verb.CASE_MATERIAL_REMOVED,
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
    require_case_member(actor, case)
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
            verb=Verb.CASE_RESUBMITTED if resubmission else Verb.CASE_SUBMITTED,
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
    require_case_member(actor, case)
    with transaction.atomic():
        case = case_locked(case)
        if not transitions.apply(
            case,
            Case.Status.WITHDRAWN,
            actor=actor,
            verb=Verb.CASE_WITHDRAWN,
            note=reason,
            changes={"withdrawn_at": timezone.now()},
        ):
            return case
        if case.submitted_at:
            notify(active_managers(), template="case_withdrawn", context={"case": case}, url=case_url(case))
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
                actor=actor, obj=case, verb=Verb.CASE_ACCESS_GRANTED, data={"user": user.pk, "reason": reason}
            )
    return grant



def case_access_revoke(*, actor, case, user, reason):
    """Take away a staff member's access to a case (the audits app calls it
    when they leave the last team that gave it). A repeat is a no-op."""
    with transaction.atomic():
        removed, _by_model = CaseAccess.objects.filter(case=case, user=user).delete()
        if removed:
            event_record(
                actor=actor, obj=case, verb=Verb.CASE_ACCESS_REVOKED, data={"user": user.pk, "reason": reason}
            )

