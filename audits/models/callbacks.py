from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audits.callbacks import PROBLEMS, SAMPLE_MAX, SAMPLE_MIN
from audits.models.audit import Audit
from certify.uploads import UploadValidator, upload_path

LIST_KINDS = ("csv", "xlsx")


class CustomerList(models.Model):
    """The customer list the applicant uploaded for an audit's call-backs,
    and the sample the lead drew from it (size and seed stored, so the draw
    can be repeated and checked). A re-upload replaces it until a call is
    recorded."""

    class Status(models.TextChoices):
        # A large file is stored at once and read by a background task.
        READING = "reading", _("Being read")
        READY = "ready", _("Read")
        UNREADABLE = "unreadable", _("Cannot be read")

    audit = models.OneToOneField(Audit, on_delete=models.PROTECT, related_name="customer_list")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.READY)
    # Why the background reading refused the file, in the uploader's language.
    problem = models.TextField(_("problem"), blank=True)
    file = models.FileField(
        _("customer list"), upload_to=upload_path, validators=[UploadValidator(kinds=LIST_KINDS)]
    )
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("file type"), max_length=8)
    encoding = models.CharField(_("text encoding"), max_length=16, blank=True)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Counted once at upload (the rows never change after it), so the page
    # does not count them on every view.
    good_rows = models.PositiveIntegerField(_("Usable rows"), default=0)
    bad_rows = models.PositiveIntegerField(_("Rows with problems"), default=0)
    sample_size = models.PositiveSmallIntegerField(_("sample size"), null=True, blank=True)
    sample_seed = models.PositiveBigIntegerField(_("sample seed"), null=True, blank=True)
    sampled_at = models.DateTimeField(null=True, blank=True)
    sampled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("customer list")
        verbose_name_plural = _("customer lists")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sample_size__isnull=True)
                | models.Q(sample_size__gte=SAMPLE_MIN, sample_size__lte=SAMPLE_MAX),
                name="customer_list_sample_size_range",
            ),
            models.CheckConstraint(
                condition=models.Q(sample_size__isnull=True, sample_seed__isnull=True)
                | models.Q(sample_size__isnull=False, sample_seed__isnull=False),
                name="customer_list_sample_has_seed",
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_sampled(self):
        return self.sample_seed is not None

    @property
    def is_ready(self):
        return self.status == self.Status.READY


class CustomerRow(models.Model):
    """One row of the list as uploaded. A good row has a position (1, 2, …
    among the good rows in uploaded order) from which the sample is drawn; a
    bad row has no position and lists its problems (codes of
    audits.callbacks.PROBLEMS)."""

    customer_list = models.ForeignKey(CustomerList, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("row"))
    position = models.PositiveIntegerField(_("position"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=255, blank=True)
    contact = models.CharField(_("contact"), max_length=255, blank=True)
    product = models.CharField(_("product"), max_length=255, blank=True)
    service_date = models.DateField(_("date of service"), null=True, blank=True)
    service_date_text = models.CharField(_("date of service as written"), max_length=255, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    # 1, 2, … in the order drawn; None when not in the sample.
    sample_rank = models.PositiveSmallIntegerField(_("sample number"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["row_number"]
        constraints = [
            models.UniqueConstraint(fields=["customer_list", "row_number"], name="customer_row_number_unique"),
            models.UniqueConstraint(fields=["customer_list", "position"], name="customer_row_position_unique"),
            models.UniqueConstraint(fields=["customer_list", "sample_rank"], name="customer_row_rank_unique"),
            # Only good rows (those with a position) can be drawn.
            models.CheckConstraint(
                condition=models.Q(sample_rank__isnull=True) | models.Q(position__isnull=False),
                name="customer_row_sampled_is_good",
            ),
        ]
        indexes = [
            # The page's sample: the list's drawn rows in draw order.
            models.Index(
                fields=["customer_list", "sample_rank"],
                condition=models.Q(sample_rank__isnull=False),
                name="customer_row_sample",
            ),
        ]

    def __str__(self):
        return f"{self.row_number}: {self.name}"

    @property
    def problem_labels(self):
        return [str(PROBLEMS.get(code, code)) for code in self.problems]


class CallBack(models.Model):
    """An auditor's call to a sampled customer. Satisfaction and first-contact
    resolution exist only for customers reached."""

    row = models.OneToOneField(CustomerRow, on_delete=models.CASCADE, related_name="call")
    reached = models.BooleanField(pgettext_lazy("call-back", "reached"))
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    resolved_first_contact = models.BooleanField(_("resolved at first contact"), null=True, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("call-back")
        verbose_name_plural = _("call-backs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    reached=True,
                    satisfaction__gte=1,
                    satisfaction__lte=5,
                    resolved_first_contact__isnull=False,
                )
                | models.Q(reached=False, satisfaction__isnull=True, resolved_first_contact__isnull=True),
                name="callback_answers_when_reached",
            ),
        ]

    def __str__(self):
        return f"{self.row.name}: {'reached' if self.reached else 'not reached'}"
