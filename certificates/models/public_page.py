"""The body's public pages (ISO/IEC 17065 4.6)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class PublicPage(models.Model):
    """One of the body's public pages (ISO/IEC 17065 4.6): the certification
    process, the fee principles, the complaints and appeals procedure. The
    texts ship with the app (certificates/catalogue_pages.py); managers edit
    them, and every version is kept."""

    slug = models.SlugField(_("address"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_zh = models.TextField(
        _("text (Chinese)"),
        help_text=_("Plain text: an empty line starts a new paragraph. HTML is shown as typed."),
    )
    body_en = models.TextField(_("text (English)"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public page")
        verbose_name_plural = _("public pages")
        ordering = ["position", "slug"]

    def __str__(self):
        return self.slug
