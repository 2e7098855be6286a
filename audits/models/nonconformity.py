import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audits.models.audit import Audit
from audits.models.finding import Finding
from certify.choices import ChoiceLabels
from certify.uploads import DOCUMENT_KINDS, UploadValidator, upload_path


class Nonconformity(ChoiceLabels, models.Model):
    """A nonconformity raised by an audit (DOMAIN.md 5.4).

    A minor one is answered within the scheme version's `minor_nc_days`
    (calendar days); a major one has no answer deadline of its own but
    `requires_follow_up`: the case stays in rectification until a follow-up
    audit is closed after it became major.
    """

    class Severity(models.TextChoices):
        MINOR = "minor", _("Minor")
        MAJOR = "major", _("Major")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("nonconformity", "Open")
        ANSWERED = "answered", _("Answered")
        VERIFIED = "verified", _("Verified (closed)")

    # A rejected answer sends the nonconformity back to open.
    ALLOWED_TRANSITIONS = {
        Status.OPEN: {Status.ANSWERED},
        Status.ANSWERED: {Status.VERIFIED, Status.OPEN},
        Status.VERIFIED: set(),
    }
    STATUS_TONES = {Status.ANSWERED: "info", Status.VERIFIED: "success"}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="nonconformities")
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, null=True, blank=True, related_name="nonconformities",
        verbose_name=_("finding"),
    )
    item = models.ForeignKey(
        "scoring.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("item"),
    )
    indicator = models.ForeignKey(
        "scoring.Indicator", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("indicator"),
    )
    clause = models.CharField(_("clause"), max_length=60, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    description = models.TextField(_("nonconformity"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    due_date = models.DateField(_("answer due"), null=True, blank=True)
    requires_follow_up = models.BooleanField(_("requires a follow-up audit"), default=False)
    from_special_deduction = models.BooleanField(_("from a special deduction"), default=False)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalation_reason = models.TextField(_("why escalated"), blank=True)

    class Meta:
        verbose_name = _("nonconformity")
        verbose_name_plural = _("nonconformities")
        ordering = ["raised_at", "id"]
        indexes = [
            # The reminders sweep: open minors by due date.
            models.Index(
                fields=["due_date"],
                condition=models.Q(status="open", severity="minor"),
                name="nc_open_minor_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(severity__in=["minor", "major"]), name="nc_severity_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "answered", "verified"]), name="nc_status_valid"
            ),
            # A major one always needs its follow-up audit.
            models.CheckConstraint(
                condition=~models.Q(severity="major", requires_follow_up=False),
                name="nc_major_requires_follow_up",
            ),
        ]

    def __str__(self):
        return f"{self.get_severity_display()} · {self.description[:60]}"

    def transition_refused(self, to_state):
        if to_state == self.Status.ANSWERED:
            return _("This nonconformity is closed.")
        return _("Only an answered nonconformity can be verified.")

    def delete(self, *args, **kwargs):
        from django.core.exceptions import ValidationError

        raise ValidationError(_("Nonconformities are never deleted."))

    def is_overdue(self, today=None):
        """An open minor past its answer date (an answer waiting for the
        auditor is not the applicant's delay)."""
        today = today or timezone.localdate()
        return (
            self.status == self.Status.OPEN
            and self.severity == self.Severity.MINOR
            and self.due_date is not None
            and self.due_date < today
        )

    @property
    def overdue(self):
        return self.is_overdue()

    @property
    def became_major_at(self):
        """When the follow-up became due: raised as major, or escalated."""
        if self.severity != self.Severity.MAJOR:
            return None
        return self.escalated_at or self.raised_at


class NonconformityAnswer(ChoiceLabels, models.Model):
    """One answer of the organisation and the auditor's verdict on it; a
    rejected answer stays as history and the next one gets the next number."""

    class Verdict(models.TextChoices):
        PENDING = "", _("Waiting for verification")
        ACCEPTED = "accepted", pgettext_lazy("verdict", "Accepted")
        REJECTED = "rejected", pgettext_lazy("verdict", "Rejected")

    nonconformity = models.ForeignKey(Nonconformity, on_delete=models.PROTECT, related_name="answers")
    number = models.PositiveSmallIntegerField(_("answer"))
    correction = models.TextField(_("correction"))
    root_cause = models.TextField(_("root cause"))
    corrective_action = models.TextField(_("corrective action"))
    answered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("verdict"), max_length=10, choices=Verdict.choices, blank=True, default="")
    verdict_comment = models.TextField(_("auditor's comment"), blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("nonconformity answer")
        verbose_name_plural = _("nonconformity answers")
        ordering = ["nonconformity", "number"]
        constraints = [
            models.UniqueConstraint(fields=["nonconformity", "number"], name="nc_answer_number_unique"),
        ]

    def __str__(self):
        return f"{self.nonconformity_id} #{self.number}"


class NonconformityEvidence(models.Model):
    """A file: the auditor's evidence when raising (no answer) or the
    organisation's with an answer."""

    nonconformity = models.ForeignKey(Nonconformity, on_delete=models.PROTECT, related_name="evidence")
    answer = models.ForeignKey(
        NonconformityAnswer, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField(
        _("file"), upload_to=upload_path, validators=[UploadValidator(kinds=DOCUMENT_KINDS)]
    )
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class NonconformityReminder(ChoiceLabels, models.Model):
    """A reminder that was sent; the unique key makes each one go once, even
    when two sweeps run together."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_7", _("Due within 7 days")
        DUE_TOMORROW = "due_1", _("Due within a day")
        OVERDUE = "overdue", _("Overdue")

    nonconformity = models.ForeignKey(Nonconformity, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["nonconformity", "kind", "due_date"], name="nc_reminder_once"
            ),
        ]

    def __str__(self):
        return f"{self.nonconformity_id} {self.kind}"


