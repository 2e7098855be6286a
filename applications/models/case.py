import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.models.organisation import Organisation
from certify.choices import ChoiceLabels
from certify.uploads import DOCUMENT_KINDS, UploadValidator, upload_path


class Case(ChoiceLabels, models.Model):
    """An application for certification, from draft to decision.

    Only service functions change `status`; each move writes one event.
    """

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Initial certification")
        RENEWAL = "renewal", _("Renewal")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
        REJECTED = "rejected", _("Rejected")
        ACCEPTED = "accepted", _("Accepted")
        CONTRACT_SENT = "contract_sent", _("Contract sent")
        CONTRACT_ACCEPTED = "contract_accepted", _("Contract accepted")
        CONTRACT_SIGNED = "contract_signed", _("Contract signed")
        DOCUMENT_REVIEW = "document_review", _("Document review")
        DOCUMENT_REVISION = "document_revision", _("Document revision")
        ONSITE_PLANNED = "onsite_planned", _("On-site audit planned")
        ONSITE_IN_PROGRESS = "onsite_in_progress", _("On-site audit in progress")
        ONSITE_DONE = "onsite_done", _("On-site audit done")
        RECTIFICATION = "rectification", _("Rectification")
        DECISION_PENDING = "decision_pending", _("Decision pending")
        CERTIFIED = "certified", _("Certified")
        NOT_CERTIFIED = "not_certified", _("Not certified")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # DESIGN.md "The case": every allowed move (docs/ARCHITECTURE.md draws
    # it). The applicant may withdraw until the decision is pending.
    ALLOWED_TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.UNDER_REVIEW, Status.WITHDRAWN},
        Status.UNDER_REVIEW: {Status.SUPPLEMENT_REQUESTED, Status.REJECTED, Status.ACCEPTED, Status.WITHDRAWN},
        Status.SUPPLEMENT_REQUESTED: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.ACCEPTED: {Status.CONTRACT_SENT, Status.WITHDRAWN},
        Status.CONTRACT_SENT: {Status.CONTRACT_ACCEPTED, Status.WITHDRAWN},
        Status.CONTRACT_ACCEPTED: {Status.CONTRACT_SIGNED, Status.WITHDRAWN},
        Status.CONTRACT_SIGNED: {Status.DOCUMENT_REVIEW, Status.WITHDRAWN},
        Status.DOCUMENT_REVIEW: {Status.DOCUMENT_REVISION, Status.ONSITE_PLANNED, Status.WITHDRAWN},
        Status.DOCUMENT_REVISION: {Status.DOCUMENT_REVIEW, Status.WITHDRAWN},
        Status.ONSITE_PLANNED: {Status.ONSITE_IN_PROGRESS, Status.WITHDRAWN},
        Status.ONSITE_IN_PROGRESS: {Status.ONSITE_DONE, Status.WITHDRAWN},
        Status.ONSITE_DONE: {Status.RECTIFICATION, Status.DECISION_PENDING, Status.WITHDRAWN},
        Status.RECTIFICATION: {Status.DECISION_PENDING, Status.WITHDRAWN},
        Status.DECISION_PENDING: {Status.CERTIFIED, Status.NOT_CERTIFIED},
        Status.REJECTED: set(),
        Status.CERTIFIED: set(),
        Status.NOT_CERTIFIED: set(),
        Status.WITHDRAWN: set(),
    }
    # The badge's colour in each state (certify_tags.status_badge); others are neutral.
    STATUS_TONES = {
        Status.SUBMITTED: "primary",
        Status.UNDER_REVIEW: "primary",
        Status.SUPPLEMENT_REQUESTED: "warning",
        Status.ACCEPTED: "success",
        Status.CONTRACT_SIGNED: "success",
        Status.CERTIFIED: "success",
        Status.REJECTED: "danger",
        Status.NOT_CERTIFIED: "danger",
        Status.WITHDRAWN: "danger",
    }
    # States whose deadline belongs to the body (review) or to the applicant.
    OPEN_FOR_REVIEW = {Status.SUBMITTED, Status.UNDER_REVIEW}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INITIAL)
    version = models.ForeignKey(
        "scoring.SchemeVersion",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("scheme"),
    )
    target_level = models.CharField(_("target level"), max_length=20)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.DRAFT
    )
    scope = models.TextField(
        _("scope"),
        help_text=_("The products and services whose after-sales service is to be certified."),
    )
    scope_outlets = models.ManyToManyField(
        "applications.ServiceOutlet", blank=True, related_name="+", verbose_name=_("outlets covered")
    )
    scope_categories = models.ManyToManyField(
        "applications.ProductCategory",
        blank=True,
        related_name="+",
        verbose_name=_("product and service categories covered"),
    )

    # Eligibility declarations (DOMAIN.md 5.8), each recorded with who and when.
    declares_independent_legal_person = models.BooleanField(
        _("an independent legal person, lawfully operating in mainland China"), default=False
    )
    declares_no_serious_quality_accident = models.BooleanField(
        _("no serious product-quality or safety accident in the last three years"), default=False
    )
    declares_no_after_sales_penalty = models.BooleanField(
        _("no administrative penalty about after-sales service"), default=False
    )
    declares_not_on_dishonesty_list = models.BooleanField(
        _("not on the list of seriously dishonest entities"), default=False
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)

    # Deadlines, stored on the case so every party sees the same date.
    review_due = models.DateField(_("review due"), null=True, blank=True)
    supplement_due = models.DateField(_("supplement due"), null=True, blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    review_started_at = models.DateTimeField(_("review started at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    # Staff other than managers who may open the case (DESIGN.md "Access to a
    # case"); the audits app grants it when it assigns a team.
    staff_access = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CaseAccess",
        through_fields=("case", "user"),
        related_name="accessible_cases",
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at"]
        indexes = [
            # The review queue and the pipeline: cases by state, soonest deadline first.
            models.Index(fields=["status", "review_due"], name="case_status_review_due"),
            # The review queue in its order, read a page at a time.
            models.Index(
                fields=["review_due", "submitted_at", "id"],
                condition=models.Q(status__in=["submitted", "under_review"]),
                name="case_review_queue",
            ),
            models.Index(fields=["organisation", "-created_at"], name="case_organisation_recent"),
            # The managers' case list: newest first, often filtered by state.
            models.Index(fields=["status", "-created_at"], name="case_status_recent"),
            models.Index(fields=["-created_at", "-id"], name="case_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[
                        "draft", "submitted", "under_review", "supplement_requested", "rejected",
                        "accepted", "contract_sent", "contract_accepted", "contract_signed",
                        "document_review", "document_revision", "onsite_planned",
                        "onsite_in_progress", "onsite_done", "rectification",
                        "decision_pending", "certified", "not_certified", "withdrawn",
                    ]
                ),
                name="case_status_valid",
            ),
        ]

    def __str__(self):
        return self.reference or f"#{self.pk}"

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Cases are never deleted; withdraw the application instead."))

    def transition_refused(self, to_state):
        return _("This is not possible while the application is “%(status)s”.") % {
            "status": self.get_status_display()
        }

    AUDIT_PHASE = {
        Status.DOCUMENT_REVIEW,
        Status.DOCUMENT_REVISION,
        Status.ONSITE_PLANNED,
        Status.ONSITE_IN_PROGRESS,
        Status.ONSITE_DONE,
        Status.RECTIFICATION,
        Status.DECISION_PENDING,
        Status.CERTIFIED,
        Status.NOT_CERTIFIED,
    }

    @property
    def has_audits(self):
        return self.status in self.AUDIT_PHASE

    @property
    def is_open_for_review(self):
        return self.status in self.OPEN_FOR_REVIEW

    @property
    def has_declared_everything(self):
        return all(
            (
                self.declares_independent_legal_person,
                self.declares_no_serious_quality_accident,
                self.declares_no_after_sales_penalty,
                self.declares_not_on_dishonesty_list,
            )
        )


class CaseAccess(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("access to a case")
        verbose_name_plural = _("access to cases")
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_access_unique"),
        ]

    def __str__(self):
        return f"{self.user} → {self.case}"


class MaterialType(models.Model):
    """A kind of document an application needs, per scheme (DOMAIN.md 5.8)."""

    scheme = models.ForeignKey(
        "scoring.Scheme", on_delete=models.CASCADE, related_name="material_types"
    )
    position = models.PositiveSmallIntegerField(default=0)
    code = models.CharField(_("code"), max_length=40)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("material type")
        verbose_name_plural = _("material types")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="material_type_unique"),
        ]

    def __str__(self):
        return self.name_zh


class Material(ChoiceLabels, models.Model):
    """One uploaded version of a material. A re-upload adds a version; the
    old ones stay until a person removes them."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Not reviewed yet")
        ACCEPTED = "accepted", pgettext_lazy("material review", "Accepted")
        COMMENTED = "commented", _("Needs a new version")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="materials")
    material_type = models.ForeignKey(MaterialType, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(
        _("file"), upload_to=upload_path, validators=[UploadValidator(kinds=DOCUMENT_KINDS)]
    )
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.PENDING
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["material_type__position", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "material_type", "number"], name="material_version_unique"
            ),
        ]

    def __str__(self):
        return f"{self.original_name} (v{self.number})"


class SupplementRequest(models.Model):
    """The reviewer's request for missing or better materials, with its due date."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supplement_requests")
    note = models.TextField(_("message to the applicant"), blank=True)
    due_date = models.DateField(_("answer due"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The notice as sent, rendered once after the request commits.
    notice_pdf = models.FileField(_("notice PDF"), upload_to="applications/supplements/", blank=True)
    notice_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.case} {self.requested_at:%Y-%m-%d}"


class SupplementItem(models.Model):
    """What the reviewer said about one material type in a supplement request."""

    request = models.ForeignKey(SupplementRequest, on_delete=models.CASCADE, related_name="items")
    material_type = models.ForeignKey(MaterialType, on_delete=models.PROTECT, related_name="+")
    material = models.ForeignKey(
        Material, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted = models.BooleanField(_("accepted"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["material_type__position"]

    def __str__(self):
        return f"{self.material_type}: {'ok' if self.accepted else self.comment}"
