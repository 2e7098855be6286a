import secrets
import uuid
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from simple_history.models import HistoricalRecords

from applications.models import Case, Organisation
from certify.choices import ChoiceLabels


class ReasonCode(ChoiceLabels, models.Model):
    """Why a certificate was suspended, withdrawn, cancelled or revised: a
    list the managers keep, one per action (DESIGN.md "The certificate")."""

    class Action(models.TextChoices):
        SUSPEND = "suspend", _("Suspension")
        REINSTATE = "reinstate", _("Reinstatement")
        WITHDRAW = "withdraw", _("Withdrawal")
        CANCEL = "cancel", _("Cancellation")
        REVISE = "revise", _("Revision")

    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    code = models.CharField(_("code"), max_length=30)
    label_zh = models.CharField(_("label (Chinese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reason code")
        verbose_name_plural = _("reason codes")
        ordering = ["action", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "code"], name="reason_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.label_zh}"


class Decision(ChoiceLabels, models.Model):
    """The certification decision on a case, by a manager who was on none of
    its audit teams (ISO/IEC 17065 7.5, 7.6), with what they saw."""

    class Outcome(models.TextChoices):
        # The decision is an act (予以认证), the case's state its result (已获证).
        CERTIFIED = "certified", pgettext_lazy("decision", "Certified")
        NOT_CERTIFIED = "not_certified", pgettext_lazy("decision", "Not certified")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("decision"), max_length=16, choices=Outcome.choices)
    level_code = models.CharField(_("level granted"), max_length=20, blank=True)
    # What the decider saw: the final sheet, its score and level, and the
    # lead auditor's recommendation.
    sheet = models.ForeignKey(
        "scoring.ScoreSheet", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    scored_level_code = models.CharField(_("level scored"), max_length=20, blank=True)
    recommendation = models.CharField(_("recommended level"), max_length=20, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at"]

    def __str__(self):
        return f"{self.case} {self.outcome}"


class NumberCounter(models.Model):
    """The last serial given out per number prefix; it only grows, so no
    number is ever given twice (DOMAIN.md 5.6)."""

    prefix = models.CharField(max_length=60, unique=True)
    last_serial = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.prefix}: {self.last_serial}"


def _token():
    return secrets.token_urlsafe(18)


class Certificate(ChoiceLabels, models.Model):
    """One issued certificate (or one revision of it), with a snapshot of
    what it certifies as issued: later edits of the organisation never
    change it. Only service functions change `status`."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("certificate", "Valid")
        SUSPENDED = "suspended", pgettext_lazy("certificate", "Suspended")
        WITHDRAWN = "withdrawn", pgettext_lazy("certificate", "Withdrawn")
        CANCELLED = "cancelled", pgettext_lazy("certificate", "Cancelled")
        EXPIRED = "expired", pgettext_lazy("certificate", "Expired")
        # No national status of its own: a replaced certificate is cancelled
        # (注销) for its replacement (换证), by a revision 变更换证.
        SUPERSEDED = "superseded", pgettext_lazy("certificate", "Cancelled (replaced)")

    ALLOWED_TRANSITIONS = {
        Status.ACTIVE: {
            Status.SUSPENDED,
            Status.WITHDRAWN,
            Status.CANCELLED,
            Status.EXPIRED,
            Status.SUPERSEDED,
        },
        Status.SUSPENDED: {
            Status.ACTIVE,
            Status.WITHDRAWN,
            Status.CANCELLED,
            Status.EXPIRED,
            Status.SUPERSEDED,
        },
        # An expired certificate is superseded only by a renewal applied for
        # before it expired (the service checks that).
        Status.EXPIRED: {Status.SUPERSEDED},
        Status.WITHDRAWN: set(),
        Status.CANCELLED: set(),
        Status.SUPERSEDED: set(),
    }
    STATUS_TONES = {
        Status.ACTIVE: "success",
        Status.SUSPENDED: "warning",
        Status.WITHDRAWN: "danger",
        Status.CANCELLED: "danger",
        Status.EXPIRED: "danger",
    }
    # The national platform's words for the statuses, in Chinese whatever
    # the reader's language (DOMAIN.md decision 9): a replaced certificate
    # is reported cancelled, for its replacement.
    NATIONAL_STATUS = {
        Status.ACTIVE: "有效",
        Status.SUSPENDED: "暂停",
        Status.WITHDRAWN: "撤销",
        Status.CANCELLED: "注销",
        Status.SUPERSEDED: "注销",
        Status.EXPIRED: "过期失效",
    }
    # Statuses a holder still "has" a certificate in, for the register and
    # for finding the one a renewal or revision replaces.
    CURRENT = {Status.ACTIVE, Status.SUSPENDED}

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The QR code's key: unguessable, unlike the number.
    token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    number = models.CharField(_("certificate number"), max_length=60, unique=True)
    base_number = models.CharField(_("number without revision"), max_length=60)
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    cycle = models.PositiveSmallIntegerField(_("recertifications"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="certificates")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="certificates")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="certificates"
    )
    predecessor = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="successor"
    )

    # The snapshot (DOMAIN.md 5.5).
    holder_name = models.CharField(_("certified organisation"), max_length=200)
    holder_uscc = models.CharField(_("unified social credit code"), max_length=18)
    holder_address = models.CharField(_("address"), max_length=300, blank=True)
    scope = models.TextField(_("scope"))
    scheme_code = models.CharField(_("scheme"), max_length=40)
    scheme_name_zh = models.CharField(max_length=200)
    scheme_name_en = models.CharField(max_length=200, blank=True)
    scheme_version = models.PositiveIntegerField(_("scheme version"))
    level_code = models.CharField(_("level"), max_length=20)
    level_name_zh = models.CharField(max_length=50)
    level_name_en = models.CharField(max_length=50, blank=True)
    body = models.JSONField(_("certification body"), default=dict)
    # The case's outlets as certified: [{"name", "address"}, ...].
    sites = models.JSONField(_("certified sites"), default=list, blank=True)

    granted_on = models.DateField(_("certification granted on"))
    # The issue date of the first certificate of the chain this one
    # continues (renewals and revisions keep it).
    first_issued_on = models.DateField(_("first issued on"))
    issued_on = models.DateField(_("issued on"))
    # A revision keeps the validity of the certificate it replaces.
    valid_from = models.DateField(_("valid from"))
    expires_on = models.DateField(_("valid until"))
    last_surveillance_on = models.DateField(_("last surveillance"), null=True, blank=True)

    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    status_reason = models.ForeignKey(
        ReasonCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_note = models.TextField(_("note"), blank=True)
    suspended_until = models.DateField(_("suspended at most until"), null=True, blank=True)
    # When the managers were told the suspension reached its limit.
    withdrawal_proposed_at = models.DateTimeField(null=True, blank=True)
    # Days before expiry on which the holder was told the renewal window is open.
    renewal_notices = models.JSONField(default=list, blank=True)

    pdf = models.FileField(upload_to="certificates/pdf/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-id"]
        indexes = [
            # Prefix searches of the public register: LIKE 'x%' on PostgreSQL
            # needs the pattern operator class outside the C collation (the
            # unique number gets such an index from Django already).
            models.Index(
                fields=["holder_uscc"], name="cert_uscc_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["holder_name"], name="cert_name_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # The register's searches, one per field: a search reads the
            # matches' keys from these alone (an index-only scan), as a
            # number prefix can match a whole year of certificates.
            *(
                models.Index(
                    fields=[field],
                    name=f"cert_register_{name}",
                    opclasses=["varchar_pattern_ops"],
                    include=["expires_on", "issued_on", "id"],
                    condition=models.Q(status="active"),
                )
                for field, name in (("number", "number"), ("holder_uscc", "uscc"), ("holder_name", "name"))
            ),
            models.Index(fields=["status", "-issued_on"], name="cert_status_issued"),
            # The managers' list, newest first, unfiltered.
            models.Index(fields=["-issued_on", "-id"], name="cert_recent"),
            models.Index(fields=["base_number", "revision"], name="cert_revisions"),
            models.Index(fields=["status", "expires_on"], name="cert_status_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["active", "suspended", "withdrawn", "cancelled", "expired", "superseded"]
                ),
                name="certificate_status_valid",
            ),
            models.UniqueConstraint(fields=["base_number", "revision"], name="certificate_revision_unique"),
        ]

    def __str__(self):
        return self.number

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(_("Certificates are never deleted."), {self})

    def transition_refused(self, to_state):
        return _("This is not possible while the certificate is “%(status)s”.") % {
            "status": self.get_status_display()
        }

    @property
    def is_current(self):
        return self.status in self.CURRENT

    @property
    def replaced_by_revision(self):
        # A revision replaces the certificate with its reason code (action
        # "revise"); a renewal with none.
        return self.status == self.Status.SUPERSEDED and self.status_reason_id is not None

    def get_status_display(self):
        if self.replaced_by_revision:
            return pgettext("certificate", "Cancelled (revised)")
        return self._get_FIELD_display(self._meta.get_field("status"))

    def public_status(self, today):
        """The status the public sees: a valid or suspended certificate past
        its validity shows as expired even before the nightly job ran."""
        if self.status in self.CURRENT and self.expires_on < today:
            return self.Status.EXPIRED
        return self.Status(self.status)

    def national_status(self, today):
        return self.NATIONAL_STATUS[self.public_status(today)]

    def public_status_since(self, today):
        """When the public status began: for a validity that lapsed before
        the nightly job, the first day after the validity."""
        if self.public_status(today) != self.status:
            day_after = self.expires_on + timedelta(days=1)
            return datetime.combine(day_after, time.min, tzinfo=timezone.get_current_timezone())
        return self.status_changed_at


class Surveillance(ChoiceLabels, models.Model):
    """One year's surveillance of a certificate (DESIGN.md "The certificate"):
    due every interval from issue; its audit, created the lead days before;
    reminders, the overdue flag, the suspension candidacy; the outcome a
    manager records. The audits app never sees this row."""

    class Outcome(models.TextChoices):
        MAINTAINED = "maintained", _("Maintained")
        LEVEL_LOWERED = "level_lowered", _("Level lowered")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", pgettext_lazy("surveillance outcome", "Withdrawn")

    # A surveillance's state is its outcome: open ("") until a manager
    # records one, then final.
    STATE_FIELD = "outcome"
    ALLOWED_TRANSITIONS = {
        "": set(Outcome.values),
        **{outcome: set() for outcome in Outcome.values},
    }

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="surveillances")
    number = models.PositiveSmallIntegerField(_("surveillance"))
    due_on = models.DateField(_("due"))
    audit = models.OneToOneField(
        "audits.Audit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminders_sent = models.JSONField(default=list, blank=True)
    overdue_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)
    suspension_candidate_at = models.DateTimeField(_("suspension candidate since"), null=True, blank=True)
    managers_reminded_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note"), blank=True)
    outcome_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("surveillance")
        verbose_name_plural = _("surveillances")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "number"], name="surveillance_number_unique"),
        ]
        indexes = [models.Index(fields=["outcome", "due_on"], name="surveillance_open_due")]

    def __str__(self):
        return f"{self.certificate} #{self.number}"

    def transition_refused(self, to_state):
        return _("The outcome of this surveillance is recorded already.")

    @property
    def is_open(self):
        return not self.outcome


class Renewal(models.Model):
    """A renewal case applied for before the certificate expired; when it is
    certified its certificate supersedes this one."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="renewals")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="renewal")
    applied_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")

    def __str__(self):
        return f"{self.certificate} → {self.case}"


