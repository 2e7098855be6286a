import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from certify.choices import ChoiceLabels

DAYS = {"max_digits": 5, "decimal_places": 1}

# A no-conflict declaration covers assignments made within a year of it: the
# two-year look-back it attests to moves on, so it is renewed yearly.
DECLARATION_VALID_DAYS = 365


class AuditDaysTable(models.Model):
    """How many auditor-days an audit needs (DOMAIN.md 5.3), edited by managers."""

    per_additional_outlet = models.DecimalField(
        _("days per additional service outlet"),
        default=0.5,
        validators=[MinValueValidator(0.5)],
        **DAYS,
    )
    per_additional_category = models.DecimalField(
        _("days per additional product category"), default=0.5, validators=[MinValueValidator(0)], **DAYS
    )
    document_review_share = models.DecimalField(
        _("document review (share of the on-site days)"), max_digits=4, decimal_places=2, default=0.5
    )
    surveillance_share = models.DecimalField(
        _("surveillance (share of the on-site days)"), max_digits=4, decimal_places=2, default=0.33
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audit days table")
        verbose_name_plural = _("audit days table")

    def __str__(self):
        return str(_("audit days table"))


class AuditDaysBand(models.Model):
    table = models.ForeignKey(AuditDaysTable, on_delete=models.CASCADE, related_name="bands")
    max_employees = models.PositiveIntegerField(_("up to employees"), null=True, blank=True)
    days = models.DecimalField(_("on-site days"), validators=[MinValueValidator(0.5)], **DAYS)

    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("max_employees").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["table", "max_employees"], name="audit_days_band_unique"),
        ]

    def __str__(self):
        return f"≤ {self.max_employees or '∞'}: {self.days}"


class AuditorQualification(models.Model):
    """An auditor's registration for a scheme, with its end date."""

    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qualifications"
    )
    scheme = models.ForeignKey("scoring.Scheme", on_delete=models.PROTECT, related_name="+")
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    valid_until = models.DateField(_("valid until"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("auditor qualification")
        verbose_name_plural = _("auditor qualifications")
        ordering = ["auditor", "scheme", "-valid_until"]

    def __str__(self):
        return f"{self.auditor} · {self.scheme} · {self.valid_until}"


class DeclarationRequest(models.Model):
    """A manager asked an auditor to declare no conflict with an organisation.
    An auditor sees and makes only the declarations asked of them: the
    organisations the body works with are not every auditor's business."""

    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("applications.Organisation", on_delete=models.PROTECT, related_name="+")
    # The audit the auditor is proposed for, when asked from its planning.
    audit = models.ForeignKey("Audit", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("request for a no-conflict declaration")
        verbose_name_plural = _("requests for a no-conflict declaration")
        constraints = [
            models.UniqueConstraint(fields=["auditor", "audit"], name="declaration_request_once_per_audit"),
        ]
        indexes = [models.Index(fields=["auditor", "organisation"], name="declaration_request_lookup")]

    def __str__(self):
        return f"{self.auditor} / {self.organisation}"


class ConflictDeclaration(models.Model):
    """An auditor's declaration of no conflict of interest with an
    organisation (ISO/IEC 17065 4.2): no consultancy for it and no employment
    by it within two years. Made by the auditor; never edited."""

    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    organisation = models.ForeignKey(
        "applications.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    no_consultancy = models.BooleanField(
        _("I have not given consultancy to this organisation in the last two years")
    )
    no_employment = models.BooleanField(
        _("I have not been employed by this organisation in the last two years")
    )
    no_other_interest = models.BooleanField(
        _("I have no other interest that could affect my impartiality")
    )
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("no-conflict declaration")
        verbose_name_plural = _("no-conflict declarations")
        ordering = ["-declared_at"]
        indexes = [
            # "Has this auditor a current declaration for this organisation?"
            models.Index(fields=["auditor", "organisation", "-declared_at"], name="declaration_lookup"),
        ]

    def __str__(self):
        return f"{self.auditor} / {self.organisation}"

    @property
    def valid_until(self):
        return (self.declared_at + timedelta(days=DECLARATION_VALID_DAYS)).date()


class Audit(ChoiceLabels, models.Model):
    """One audit of a case. A surveillance audit belongs to the case whose
    certificate it watches and never moves that case's state."""

    class Kind(models.TextChoices):
        DOCUMENT_REVIEW = "document_review", _("Document review")
        ONSITE = "onsite", _("On-site audit")
        FOLLOW_UP = "follow_up", _("Follow-up audit")
        SURVEILLANCE = "surveillance", _("Surveillance audit")

    # The report PDF's title and English subtitle by audit kind (the PDF is
    # issued in Chinese).
    REPORT_TITLES = {
        Kind.ONSITE: ("商品售后服务认证现场审核报告", "On-site audit report"),
        Kind.SURVEILLANCE: ("商品售后服务认证监督审核报告", "Surveillance audit report"),
        Kind.FOLLOW_UP: ("商品售后服务认证跟踪审核报告", "Follow-up audit report"),
    }
    # The lead's recommendation against a certificate: a surveillance audit
    # weighs keeping one already held, not granting it.
    NOT_RECOMMENDED = {
        Kind.SURVEILLANCE: pgettext_lazy("recommendation", "Do not maintain certification"),
    }

    class Mode(models.TextChoices):
        ONSITE = "onsite", _("On site")
        REMOTE = "remote", _("Remote")
        COMBINED = "combined", _("Combined")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        REPORT_SUBMITTED = "report_submitted", _("Report submitted")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    ALLOWED_TRANSITIONS = {
        Status.PLANNED: {Status.IN_PROGRESS, Status.CANCELLED},
        Status.IN_PROGRESS: {Status.REPORT_SUBMITTED, Status.CLOSED, Status.CANCELLED},
        Status.REPORT_SUBMITTED: {Status.CLOSED, Status.CANCELLED},
        Status.CLOSED: set(),
        Status.CANCELLED: set(),
    }
    STATUS_TONES = {Status.IN_PROGRESS: "primary", Status.CLOSED: "success", Status.CANCELLED: "danger"}
    OPEN = {Status.PLANNED, Status.IN_PROGRESS, Status.REPORT_SUBMITTED}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("applications.Case", on_delete=models.PROTECT, related_name="audits")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ONSITE)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    days_computed = models.DecimalField(_("days (computed)"), **DAYS)
    days_basis = models.JSONField(_("how the days were computed"), default=dict)
    days = models.DecimalField(_("days (planned)"), **DAYS)
    days_change_reason = models.TextField(_("reason for changing the days"), blank=True)
    notes = models.TextField(_("plan notes"), blank=True)
    # The audit's current score sheet; a re-score after rectification
    # supersedes it and this points at the new one.
    sheet = models.OneToOneField(
        "scoring.ScoreSheet", on_delete=models.PROTECT, null=True, blank=True, related_name="audit"
    )
    recommendation = models.CharField(_("recommended level"), max_length=20, blank=True)
    recommendation_reason = models.TextField(_("why"), blank=True)
    report_submitted_at = models.DateTimeField(null=True, blank=True)
    report_pdf = models.FileField(upload_to="audits/reports/", blank=True)
    report_pdf_sha256 = models.CharField(max_length=64, blank=True)
    revision_due = models.DateField(_("document revision due"), null=True, blank=True)
    # The document review's current round: a revision request opens the next.
    review_round = models.PositiveSmallIntegerField(_("review round"), default=1)
    created_at = models.DateTimeField(default=timezone.now)
    # Empty when the daily surveillance job created the audit.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-planned_start", "-id"]
        indexes = [
            # An auditor's home: open audits by date.
            models.Index(fields=["status", "planned_start"], name="audit_status_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="audit_end_not_before_start",
            ),
        ]

    def __str__(self):
        return f"{self.case} · {self.get_kind_display()}"

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Audits are never deleted; cancel them instead."))

    def transition_refused(self, to_state):
        if to_state == self.Status.IN_PROGRESS:
            return _("Only a planned audit can start.")
        return _("This is not possible while the audit is “%(status)s”.") % {"status": self.get_status_display()}

    @property
    def is_open(self):
        return self.status in self.OPEN

    @property
    def not_recommended_label(self):
        return self.NOT_RECOMMENDED.get(self.kind, pgettext_lazy("recommendation", "Do not certify"))


class TeamMember(ChoiceLabels, models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead auditor")
        MEMBER = "member", _("Auditor")

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="team")
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_assignments"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    declaration = models.ForeignKey(ConflictDeclaration, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-role", "auditor__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "auditor"], name="team_member_unique"),
            # Exactly one lead per audit (the "at least one" half is checked
            # when the team is assigned).
            models.UniqueConstraint(
                fields=["audit"], condition=models.Q(role="lead"), name="team_one_lead"
            ),
        ]

    def __str__(self):
        return f"{self.auditor} ({self.role})"


class DocumentReviewComment(ChoiceLabels, models.Model):
    """The lead's review of the system documents, indicator by indicator."""

    class Outcome(models.TextChoices):
        CONFORMING = "conforming", _("Conforming")
        REVISE = "revise", _("Needs revision")

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="document_comments")
    indicator = models.ForeignKey("scoring.Indicator", on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["round", "indicator__category__position", "indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "indicator", "round"], name="document_comment_unique"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code}: {self.outcome}"
