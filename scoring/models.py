import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from certify.choices import ChoiceLabels
from certify.uploads import DOCUMENT_KINDS, UploadValidator, upload_path

POINTS = {"max_digits": 7, "decimal_places": 2}


class Scheme(models.Model):
    """A rating scheme: GB/T 27922-2011 itself, or a body's extended scheme."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    certificate_code = models.CharField(
        _("code in certificate numbers"),
        max_length=8,
        blank=True,
        help_text=_("Short letters for the scheme in certificate numbers, e.g. AS."),
    )
    is_example = models.BooleanField(
        _("example"),
        default=False,
        help_text=_("Shipped as an example of a body's own rules, not a published standard."),
    )

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["code"]

    def __str__(self):
        return self.code


class SchemeVersion(ChoiceLabels, models.Model):
    """One version of a scheme: its tree of points, its levels and its process
    settings. Published versions are frozen; score sheets point at one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    ALLOWED_TRANSITIONS = {
        Status.DRAFT: {Status.PUBLISHED},
        Status.PUBLISHED: {Status.RETIRED},
        Status.RETIRED: set(),
    }
    STATUS_TONES = {Status.DRAFT: "warning", Status.PUBLISHED: "success"}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    normative = models.BooleanField(
        _("normative"),
        default=False,
        help_text=_(
            "Marked by a manager once the points are the body's own scoring sheet; "
            "until then every page and PDF carries a notice."
        ),
    )
    notes = models.TextField(_("notes"), blank=True)

    # The rating rules.
    fail_below = models.DecimalField(_("fail below"), default=70, **POINTS)
    special_deductions_fail_at = models.PositiveSmallIntegerField(
        _("special deductions that fail"), default=5
    )
    special_bonus_max = models.PositiveSmallIntegerField(_("special bonus at most"), default=1)

    # Process settings (DOMAIN.md 5.9; DESIGN.md "Deadlines").
    application_review_working_days = models.PositiveSmallIntegerField(
        _("application review (working days)"), default=10
    )
    supplement_answer_working_days = models.PositiveSmallIntegerField(
        _("supplement answer (working days)"), default=10
    )
    document_revision_working_days = models.PositiveSmallIntegerField(
        _("document revision (working days)"), default=10
    )
    decision_working_days = models.PositiveSmallIntegerField(
        _("decision (working days)"), default=10
    )
    issuance_working_days = models.PositiveSmallIntegerField(
        _("issuance (working days)"), default=10
    )
    minor_nc_days = models.PositiveSmallIntegerField(
        _("minor nonconformity answer (calendar days)"), default=30
    )
    min_months_registered = models.PositiveSmallIntegerField(
        _("minimum months since registration"), default=3
    )
    min_months_in_operation = models.PositiveSmallIntegerField(
        _("minimum months the service system has operated"), default=3
    )
    validity_years = models.PositiveSmallIntegerField(_("validity (years)"), default=3)
    surveillance_interval_months = models.PositiveSmallIntegerField(
        _("surveillance interval (months)"), default=12
    )
    surveillance_lead_days = models.PositiveSmallIntegerField(
        _("surveillance audit created (days before due)"), default=90
    )
    grace_months = models.PositiveSmallIntegerField(
        _("surveillance grace period (months)"), default=3
    )
    renewal_window_months = models.PositiveSmallIntegerField(
        _("renewal window (months before expiry)"), default=3
    )
    max_suspension_months = models.PositiveSmallIntegerField(
        _("longest suspension (months)"), default=6
    )
    suspend_within_days = models.PositiveSmallIntegerField(
        _("suspend within (days of a confirmed nonconformity)"), default=5
    )
    min_months_before_star = models.PositiveSmallIntegerField(
        _("months at 达标 before a star level"),
        default=0,
        help_text=_("0 lets a first certification reach a star level; 12 caps it at 达标."),
    )
    min_onsite_team = models.PositiveSmallIntegerField(
        _("minimum on-site audit team"), default=2
    )

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["scheme__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="scheme_version_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "retired"]),
                name="scheme_version_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.scheme.code} v{self.number}"

    def transition_refused(self, to_state):
        if to_state == self.Status.RETIRED:
            return _("Only a published version can be retired.")
        return _("Version %(number)s is %(status)s and can no longer be edited; clone it into a new draft.") % {
            "number": self.number,
            "status": self.get_status_display(),
        }

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT


class Level(models.Model):
    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=20)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50, blank=True)
    min_score = models.DecimalField(_("minimum score"), **POINTS)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="level_code_unique"),
        ]

    def __str__(self):
        return self.name_zh


class Gate(ChoiceLabels, models.Model):
    class Metric(models.TextChoices):
        CUSTOMER_SATISFACTION = "customer_satisfaction", _("customer satisfaction (%)")
        FIRST_TIME_RESOLUTION = "first_time_resolution", _("first-time resolution (%)")
        COMPLAINT_CLOSURE = "complaint_closure", _("complaint closure (%)")
        MONTHS_IN_OPERATION = "months_in_operation", _("months the service system has operated")

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="gates")
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    minimum = models.DecimalField(_("at least"), **POINTS)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gate")
        verbose_name_plural = _("gates")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["level", "metric"], name="gate_metric_unique"),
        ]

    def __str__(self):
        return f"{self.metric} ≥ {self.minimum}"


class Category(models.Model):
    version = models.ForeignKey(SchemeVersion, on_delete=models.CASCADE, related_name="categories")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=10)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    max_points = models.DecimalField(_("points"), **POINTS)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="category_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.name_zh}"


class Indicator(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=10)
    clause = models.CharField(_("clause"), max_length=20, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    aliases = models.CharField(_("other names"), max_length=200, blank=True)
    max_points = models.DecimalField(_("points"), **POINTS)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    def __str__(self):
        return f"{self.code} {self.name_zh}"


class Item(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        QUALITATIVE = "qualitative", _("qualitative (all or nothing)")
        SAMPLED = "sampled", _("sampled (in proportion)")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(_("code"), max_length=20)
    clause = models.CharField(_("clause"), max_length=20, blank=True)
    name_zh = models.CharField(_("requirement (Chinese)"), max_length=300)
    name_en = models.CharField(_("requirement (English)"), max_length=300, blank=True)
    max_points = models.DecimalField(_("points"), **POINTS)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.QUALITATIVE)
    evidence_zh = models.TextField(_("evidence to look for (Chinese)"), blank=True)
    evidence_en = models.TextField(_("evidence to look for (English)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["position", "code"]

    def __str__(self):
        return f"{self.code} {self.name_zh}"


class ScoreSheet(ChoiceLabels, models.Model):
    """Marks against one scheme version. It knows nothing of its owner: the
    applications app owns self-assessment sheets, the audits app audit sheets.

    Submitting freezes a sheet; a correction is a new sheet that supersedes it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        SUPERSEDED = "superseded", _("Superseded")

    ALLOWED_TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.SUPERSEDED},
        Status.SUPERSEDED: set(),
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(SchemeVersion, on_delete=models.PROTECT, related_name="sheets")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    special_bonus = models.PositiveSmallIntegerField(_("special bonus"), default=0)
    special_bonus_reason = models.TextField(_("reason for the special bonus"), blank=True)
    # Frozen on submission: what was judged, as the engine printed it.
    score = models.DecimalField(_("score"), null=True, blank=True, **POINTS)
    level_code = models.CharField(_("level"), max_length=20, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.version} sheet {self.pk}"

    def transition_refused(self, to_state):
        if to_state == self.Status.SUBMITTED:
            return _("This score sheet has been superseded.")
        return _("Only a submitted sheet can be corrected.")

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Score sheets are never deleted."))

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT


class Mark(ChoiceLabels, models.Model):
    class Result(models.TextChoices):
        CONFORMING = "conforming", _("Conforming")
        NONCONFORMING = "nonconforming", _("Nonconforming")
        SAMPLED = "sampled", _("Sampled")
        DELETED = "deleted", _("Not applicable (deleted)")

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="marks")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=15, choices=Result.choices)
    samples = models.PositiveIntegerField(_("samples"), null=True, blank=True)
    conforming = models.PositiveIntegerField(_("conforming samples"), null=True, blank=True)
    deletion_reason = models.TextField(_("why the item does not apply"), blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "item"], name="mark_one_per_item"),
            models.CheckConstraint(
                condition=~models.Q(result="sampled")
                | (
                    models.Q(samples__gt=0, conforming__isnull=False)
                    & models.Q(conforming__lte=models.F("samples"))
                ),
                name="mark_sampled_counts_valid",
            ),
        ]

    def __str__(self):
        return f"{self.item.code}: {self.result}"


class MarkEvidence(models.Model):
    mark = models.ForeignKey(Mark, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(
        _("file"), upload_to=upload_path, validators=[UploadValidator(kinds=DOCUMENT_KINDS)]
    )
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.original_name


class SpecialDeduction(ChoiceLabels, models.Model):
    """特别扣分项: −1 each, outside the item scores; each must be rectified (R4)."""

    class Rule(models.TextChoices):
        LAW = "law", _("Breach of a national law or regulation")
        OWN_RULES = "own_rules", _("Breach of the enterprise's own service rules")
        INDUSTRY = "industry", _("Breach of an industry-specific professional requirement")
        SYSTEM = "system", _("Affects the running of the service system")

    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="special_deductions"
    )
    rule = models.CharField(_("rule broken"), max_length=12, choices=Rule.choices)
    reason = models.TextField(_("what was found"))
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("item"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("special deduction")
        verbose_name_plural = _("special deductions")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.reason[:50]


class Metric(ChoiceLabels, models.Model):
    """A measured value that a level's gate may test, with where it came from."""

    class Source(models.TextChoices):
        CALL_BACKS = "call_backs", _("customer call-backs")
        ENTERPRISE_SURVEY = "enterprise_survey", _("the enterprise's own survey")
        COMPLAINT_RECORDS = "complaint_records", _("complaint records")
        ORGANISATION_PROFILE = "organisation_profile", _("organisation profile")
        SELF_REPORTED = "self_reported", _("self-reported")

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="metrics")
    metric = models.CharField(_("metric"), max_length=30, choices=Gate.Metric.choices)
    value = models.DecimalField(_("value"), **POINTS)
    source = models.CharField(_("source"), max_length=25, choices=Source.choices)
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "metric"], name="metric_one_per_sheet"),
        ]

    def __str__(self):
        return f"{self.metric} = {self.value}"
