"""The body's review of an application: start, request a supplement, accept
or reject, by a manager who never belonged to the applying organisation."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import (
    Case,
    Material,
    MaterialType,
    SupplementItem,
    SupplementRequest,
)
from applications.selectors.organisation import (
    was_member,
)
from applications.services._base import case_locked, case_members, case_url
from applications.services.case import latest_materials
from applications.verbs import Verb
from certify import transitions
from certify.calendar import add_working_days
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.notifications import notify
from certify.outbox import enqueue
from certify.pdf import pdf_store_once
from certify.permissions import require_manager
from scoring.components import localized
from scoring.selectors import process_settings_get


def _require_impartial_reviewer(actor, case):
    require_manager(actor)
    if was_member(actor, case.organisation_id):
        raise NotAllowed(
            _("You are or were a member of the applying organisation, so another manager must review it.")
        )



def case_review_start(*, actor, case):
    _require_impartial_reviewer(actor, case)
    with transaction.atomic():
        case = case_locked(case)
        transitions.apply(
            case,
            Case.Status.UNDER_REVIEW,
            actor=actor,
            verb=Verb.CASE_REVIEW_STARTED,
            changes={"review_started_at": timezone.now(), "reviewed_by": actor},
        )
    return case



def _require_known_types(reviews, types):
    if set(reviews) - set(types):
        raise CertifyError(_("Review only the material types of the application's scheme."))


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
    _require_known_types(reviews, types)
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
            verb=Verb.CASE_SUPPLEMENT_REQUESTED,
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
    _require_known_types(reviews or {}, set(MaterialType.objects.filter(scheme_id=case.version.scheme_id).values_list("pk", flat=True)))
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
            case, Case.Status.ACCEPTED, actor=actor, verb=Verb.CASE_ACCEPTED, changes={"accepted_at": timezone.now()}
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
            verb=Verb.CASE_REJECTED,
            note=reason,
            changes={"rejected_at": timezone.now(), "rejection_reason": reason},
        ):
            return case
        notify(case_members(case), template="case_rejected", context={"case": case}, url=case_url(case))
    return case

