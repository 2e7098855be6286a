import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from certify.choices import ChoiceLabels


class Organisation(models.Model):
    """An enterprise that applies for certification. Never deleted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    legal_name = models.CharField(_("legal name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    uscc_override_reason = models.TextField(
        _("reason for accepting a code that fails the checksum"), blank=True
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    # The profile (issue 4 item 1). Everything is optional at creation and
    # filled in by the organisation's administrator before it applies.
    registration_date = models.DateField(
        _("date of registration"),
        null=True,
        blank=True,
        help_text=_("The date on the business licence."),
    )
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    employee_count = models.PositiveIntegerField(_("number of employees"), null=True, blank=True)
    # Eligibility and the extended schemes' gates count whole months from
    # here (selectors.months_in_operation).
    service_started_on = models.DateField(
        _("after-sales service system in operation since"), null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["legal_name"]
        indexes = [
            # The managers' home lists the newest organisations.
            models.Index(fields=["-created_at"], name="organisation_recent"),
        ]

    def __str__(self):
        return self.legal_name

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Organisations are never deleted."))


class OpenMembershipManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(ended_at__isnull=True)


class Membership(ChoiceLabels, models.Model):
    """A person's membership of an organisation. Ended, never deleted: who
    was a member stays known, so nobody who was can judge the organisation
    (ISO/IEC 17065 4.2)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("joined at"), default=timezone.now)
    ended_at = models.DateTimeField(_("left at"), null=True, blank=True)

    with_ended = models.Manager()
    # The default (Meta): the open memberships, also through user.memberships
    # and organisation.memberships. Joins across `memberships__` must add
    # `memberships__ended_at__isnull=True` themselves.
    objects = OpenMembershipManager()

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-role", "created_at"]
        constraints = [
            # An applicant belongs to one organisation at a time: every page
            # shows "its" organisation, and a case's access follows it.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(ended_at__isnull=True),
                name="membership_one_open_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"


class ServiceOutlet(models.Model):
    """A sales or service outlet: the quote charges per additional outlet and
    a case's scope names the outlets it covers."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="outlets"
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service outlet")
        verbose_name_plural = _("service outlets")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="service_outlet_unique_name"
            ),
        ]

    def __str__(self):
        return self.name


class ProductCategory(models.Model):
    """One product or service category of the organisation. Rows rather than
    a text list: the number of categories feeds audit days and the fee, and a
    case's scope names the categories it covers."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="categories"
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product or service category")
        verbose_name_plural = _("product and service categories")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="product_category_unique_name"
            ),
        ]

    def __str__(self):
        return self.name


def invitation_token():
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_DAYS)


class Invitation(ChoiceLabels, models.Model):
    """An administrator's invitation of a colleague, sent by e-mail. The
    token is the only proof the invitee holds, so it is long and random."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token = models.CharField(max_length=64, unique=True, default=invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The people page lists an organisation's open invitations.
            models.Index(
                fields=["organisation", "email"],
                name="invitation_open",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    def status_on(self, now=None):
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if (now or timezone.now()) >= self.expires_at:
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def status(self):
        return self.status_on()
