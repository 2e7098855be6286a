from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audits.models.audit import Audit
from certify.uploads import DOCUMENT_KINDS, UploadValidator, upload_path


class Finding(models.Model):
    """What an auditor saw on site, against an item or an indicator.

    `internal_note` is for the audit team and managers only; the applicant
    never sees it.
    """

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings")
    item = models.ForeignKey(
        "scoring.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("item"),
    )
    indicator = models.ForeignKey(
        "scoring.Indicator", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("indicator"),
    )
    description = models.TextField(_("what was found"))
    internal_note = models.TextField(_("internal note (never shown to the applicant)"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.description[:60]


class FindingEvidence(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
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
