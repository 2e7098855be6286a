import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from applications.models.case import Case

MONEY = {"max_digits": 12, "decimal_places": 2}


class FeeSchedule(models.Model):
    """The body's fees. One row; every edit is kept in its history, and each
    contract keeps the quote it was sent with."""

    per_additional_outlet = models.DecimalField(
        _("per additional service outlet (yuan)"), default=3000, **MONEY
    )
    surveillance_percent = models.DecimalField(
        _("annual surveillance fee (percent of the certification fee)"),
        max_digits=5,
        decimal_places=2,
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    prepayment_percent = models.DecimalField(
        _("prepayment (percent of the certification fee)"),
        max_digits=5,
        decimal_places=2,
        default=30,
        validators=[MinValueValidator(30), MaxValueValidator(50)],
    )
    payment_terms = models.TextField(
        _("payment terms printed on the contract"),
        blank=True,
        default="预付款在合同签订后 10 个工作日内支付；余款在颁发证书前结清。",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee schedule")
        verbose_name_plural = _("fee schedule")

    def __str__(self):
        return str(_("fee schedule"))


class FeeBand(models.Model):
    """The base fee for organisations up to a number of employees."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="bands")
    max_employees = models.PositiveIntegerField(
        _("up to employees"), null=True, blank=True, help_text=_("Empty for the last band.")
    )
    base_fee = models.DecimalField(_("base fee (yuan)"), **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee band")
        verbose_name_plural = _("fee bands")
        # Open-ended band last, whatever the database's NULL ordering.
        ordering = [models.F("max_employees").asc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "max_employees"], name="fee_band_unique"),
        ]

    def __str__(self):
        return f"≤ {self.max_employees or '∞'}: {self.base_fee}"


class SchemeFee(models.Model):
    """A scheme's multiplier on the base fee (extended schemes cost more)."""

    schedule = models.ForeignKey(FeeSchedule, on_delete=models.CASCADE, related_name="scheme_fees")
    scheme = models.ForeignKey("scoring.Scheme", on_delete=models.CASCADE, related_name="+")
    multiplier = models.DecimalField(
        _("multiplier"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheme multiplier")
        verbose_name_plural = _("scheme multipliers")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "scheme"], name="scheme_fee_unique"),
        ]

    def __str__(self):
        return f"{self.scheme}: × {self.multiplier}"


class Contract(models.Model):
    """The certification agreement (ISO/IEC 17065 4.1.2) for one case, with
    the quote it was sent with, the applicant's acceptance and the prepayment."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="contract")
    number = models.CharField(_("contract number"), max_length=30, unique=True)
    quote = models.JSONField(_("quote"), default=dict)
    certification_fee = models.DecimalField(_("certification fee"), **MONEY)
    surveillance_fee = models.DecimalField(_("annual surveillance fee"), **MONEY)
    prepayment = models.DecimalField(_("prepayment"), **MONEY)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pdf = models.FileField(_("contract PDF"), upload_to="applications/contracts/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_name = models.CharField(_("name typed when accepting"), max_length=150, blank=True)
    accepted_ip = models.GenericIPAddressField(_("IP address when accepting"), null=True, blank=True)
    prepayment_received = models.DecimalField(_("prepayment received"), null=True, blank=True, **MONEY)
    prepayment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    prepayment_recorded_at = models.DateTimeField(null=True, blank=True)
    prepayment_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self):
        return self.number

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Contracts are never deleted."))
