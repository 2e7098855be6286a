import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models.organisation import Organisation


class SelfAssessment(models.Model):
    """An organisation scores itself against a published scheme. Private to
    the organisation and never used in a decision."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="self_assessments"
    )
    # The current sheet: a revision moves this to the correcting sheet, and
    # the earlier ones stay readable through ScoreSheet.supersedes.
    sheet = models.OneToOneField(
        "scoring.ScoreSheet", on_delete=models.PROTECT, related_name="self_assessment"
    )
    title = models.CharField(_("title"), max_length=120)
    target_level = models.CharField(_("target level"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The last PDF rendered, and the fingerprint of what it shows
    # (scoring.components.sheet_pdf_fingerprint).
    pdf = models.FileField(_("PDF"), upload_to="applications/self_assessments/", blank=True)
    pdf_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title
