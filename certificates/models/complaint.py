"""Complaints and appeals (ISO/IEC 17065 7.13). Only the service functions
in certificates/services/complaint.py change a complaint's `status`."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certify.choices import ChoiceLabels


class Complaint(ChoiceLabels, models.Model):
    """A complaint (about a certified organisation or about the body itself,
    from anyone) or an appeal (against a certification decision, from the
    applicant). Each is acknowledged, investigated, decided and closed by
    managers not involved in the matter; the decision is the handler's, the
    manager who took the investigation."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        APPEAL = "appeal", _("Appeal")

    class About(models.TextChoices):
        ORGANISATION = "organisation", _("A certified organisation")
        BODY = "body", _("The certification body")
        DECISION = "decision", _("A certification decision")

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("complaint", "Received")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("complaint", "Acknowledged")
        INVESTIGATING = "investigating", pgettext_lazy("complaint", "Under investigation")
        DECIDED = "decided", pgettext_lazy("complaint", "Decided")
        CLOSED = "closed", pgettext_lazy("complaint", "Closed")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        PARTLY_UPHELD = "partly_upheld", _("Partly upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")

    ALLOWED_TRANSITIONS = {
        Status.RECEIVED: {Status.ACKNOWLEDGED},
        Status.ACKNOWLEDGED: {Status.INVESTIGATING},
        Status.INVESTIGATING: {Status.DECIDED},
        Status.DECIDED: {Status.CLOSED},
        Status.CLOSED: set(),
    }
    STATUS_TONES = {
        Status.RECEIVED: "warning",
        Status.ACKNOWLEDGED: "info",
        Status.INVESTIGATING: "primary",
        Status.DECIDED: "success",
    }
    OPEN = {Status.RECEIVED, Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.DECIDED}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # TS (投诉) or SS (申诉), the year and a serial that only grows: TS202600001.
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    about = models.CharField(_("about"), max_length=12, choices=About.choices)
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.RECEIVED
    )

    # What it is about: the organisation and certificate number as the filer
    # gave them (the certificate linked when the number exists), or, for an
    # appeal, the case and its decision.
    organisation_name = models.CharField(_("certified organisation"), max_length=200, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    certificate = models.ForeignKey(
        "certificates.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    case = models.ForeignKey(
        "applications.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="appeals"
    )
    appealed_decision = models.ForeignKey(
        "certificates.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("decision appealed"),
    )
    description = models.TextField(_("description"))

    # Who filed it: an account when signed in, and always the contact details.
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact_name = models.CharField(_("contact name"), max_length=150)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    # The page's language when filed: e-mails to a filer without an account use it.
    language = models.CharField(max_length=10, blank=True)
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)

    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handler"),
    )
    investigation_started_at = models.DateTimeField(_("investigation started at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, blank=True)
    decision_text = models.TextField(_("decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("complaint or appeal")
        verbose_name_plural = _("complaints and appeals")
        ordering = ["-filed_at", "-id"]
        indexes = [
            # The managers' list, filtered by status, newest first.
            models.Index(fields=["status", "-filed_at"], name="complaint_status_filed"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["received", "acknowledged", "investigating", "decided", "closed"]
                ),
                name="complaint_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="complaint", about__in=["organisation", "body"])
                | models.Q(
                    kind="appeal",
                    about="decision",
                    case__isnull=False,
                    appealed_decision__isnull=False,
                ),
                name="complaint_kind_matches_subject",
            ),
            # One open appeal per case: a second waits until the first is closed.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(kind="appeal") & ~models.Q(status="closed"),
                name="complaint_one_open_appeal_per_case",
            ),
        ]

    def __str__(self):
        return self.reference

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(_("Complaints and appeals are never deleted."), {self})

    def transition_refused(self, to_state):
        return _("%(reference)s is “%(status)s”: this step is not possible now.") % {
            "reference": self.reference,
            "status": self.get_status_display(),
        }

    @property
    def is_open(self):
        return self.status in self.OPEN

    @property
    def is_appeal(self):
        return self.kind == self.Kind.APPEAL
