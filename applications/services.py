"""Writes of the applications app."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from applications.models import Membership, Organisation, SelfAssessment
from applications.uscc import validate_uscc
from certify.events import event_record
from certify.exceptions import CertifyError, NotAllowed
from certify.models import User
from certify.notifications import notify
from scoring.models import ScoreSheet
from scoring.services import score_sheet_correct, score_sheet_create, score_sheet_submit


def organisation_create(*, actor, legal_name, uscc):
    """An applicant creates its organisation and becomes its administrator.

    Raises CertifyError when the code is invalid, already registered (the
    person is told to ask that organisation's administrator for an
    invitation, and gets no access), or the person already belongs to one.
    """
    if not (actor.is_authenticated and actor.is_applicant):
        raise NotAllowed(_("Only an applicant account can create an organisation."))
    legal_name = " ".join((legal_name or "").split())
    if not legal_name:
        raise CertifyError(_("Enter the organisation's legal name."))
    try:
        code = validate_uscc(uscc)
    except ValidationError as exc:
        raise CertifyError(exc.messages[0]) from exc
    taken_message = _(
        "An organisation with this unified social credit code is already registered. "
        "Ask its administrator to invite you."
    )
    if Organisation.objects.filter(uscc=code).exists():
        raise CertifyError(taken_message)
    try:
        with transaction.atomic():
            if Membership.objects.select_for_update().filter(user=actor).exists():
                raise CertifyError(_("You already belong to an organisation."))
            organisation = Organisation(legal_name=legal_name, uscc=code, created_by=actor)
            organisation._history_user = actor
            organisation.save()
            Membership.objects.create(
                organisation=organisation, user=actor, role=Membership.Role.ADMIN
            )
            event_record(
                actor=actor,
                obj=organisation,
                verb="organisation.created",
                data={"legal_name": legal_name, "uscc": code},
            )
            notify(
                User.objects.filter(is_manager=True, is_active=True),
                template="organisation_created",
                context={"organisation": organisation, "creator": actor},
                url=reverse("applications:organisation_detail", args=[organisation.public_id]),
            )
    except IntegrityError as exc:
        # Two people registering the same code at once: the unique index decides.
        raise CertifyError(taken_message) from exc
    return organisation


def _require_member(actor, organisation):
    if not (
        actor.is_authenticated
        and actor.is_applicant
        and Membership.objects.filter(user=actor, organisation=organisation).exists()
    ):
        raise NotAllowed(_("Only members of the organisation may do this."))


def self_assessment_create(*, actor, organisation, version, title, target_level=""):
    """Start a self-assessment against a published scheme version."""
    _require_member(actor, organisation)
    title = " ".join((title or "").split())
    if not title:
        raise CertifyError(_("Give the self-assessment a title."))
    if target_level and not version.levels.filter(code=target_level).exists():
        raise CertifyError(_("The target level is not a level of this scheme."))
    with transaction.atomic():
        sheet = score_sheet_create(actor=actor, version=version)
        assessment = SelfAssessment.objects.create(
            organisation=organisation,
            sheet=sheet,
            title=title,
            target_level=target_level,
            created_by=actor,
        )
        event_record(
            actor=actor,
            obj=assessment,
            verb="self_assessment.created",
            data={"scheme": version.scheme.code, "version": version.number},
        )
    return assessment


def self_assessment_finish(*, actor, assessment):
    """Submit the sheet: every item must be marked; the result is frozen."""
    _require_member(actor, assessment.organisation)
    with transaction.atomic():
        sheet = score_sheet_submit(actor=actor, sheet=assessment.sheet)
        event_record(
            actor=actor,
            obj=assessment,
            verb="self_assessment.finished",
            data={"score": str(sheet.score), "level": sheet.level_code},
        )
    return sheet


def self_assessment_revise(*, actor, assessment):
    """Reopen a finished self-assessment as a correcting sheet; the finished
    one stays readable."""
    _require_member(actor, assessment.organisation)
    with transaction.atomic():
        assessment = SelfAssessment.objects.select_for_update().select_related("sheet").get(
            pk=assessment.pk
        )
        if assessment.sheet.status == ScoreSheet.Status.DRAFT:
            return assessment
        correction = score_sheet_correct(actor=actor, sheet=assessment.sheet)
        assessment.sheet = correction
        assessment.save(update_fields=["sheet"])
        event_record(actor=actor, obj=assessment, verb="self_assessment.revised")
    return assessment
