"""The document review and its revision rounds."""


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import services as case_services
from applications.models import Case
from audits.models import (
    Audit,
    DocumentReviewComment,
)
from audits.services._base import audit_locked, require_lead
from audits.verbs import Verb
from certify import transitions
from certify.calendar import add_working_days
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition
from scoring.models import Indicator
from scoring.selectors import process_settings_get


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
        audit = audit_locked(audit)
        require_lead(actor, audit)
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
        audit = audit_locked(audit)
        require_lead(actor, audit)
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
            verb=Verb.AUDIT_DOCUMENT_REVIEW_PASSED,
            data={"round": audit.review_round},
            changes={"closed_at": timezone.now()},
        )
        case_services.case_document_review_pass(actor=actor, case=audit.case)
    return audit



def document_revisions_request(*, actor, audit, note=""):
    """Send the documents back for revision with a due date in working days;
    the next round starts when the applicant reports them revised."""
    with transaction.atomic():
        audit = audit_locked(audit)
        require_lead(actor, audit)
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
            verb=Verb.AUDIT_REVISIONS_REQUESTED,
            note=note,
            data={"round": audit.review_round - 1, "due": due.isoformat(), "indicators": len(to_revise)},
        )
        case_services.case_document_revision_request(actor=actor, case=audit.case, due=due, note=note)
    return audit

