import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from certify.uploads import UploadValidator, upload_path


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_manager", True)
        extra_fields.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **extra_fields)


class User(AbstractBaseUser):
    """A person who signs in. Roles are a set: one person may hold several.

    Users are deactivated, never deleted: the event log points at them.
    """

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        AUDITOR = "auditor", _("Auditor")
        MANAGER = "manager", _("Manager")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_applicant = models.BooleanField(_("applicant"), default=False)
    is_auditor = models.BooleanField(_("auditor"), default=False)
    is_manager = models.BooleanField(_("manager"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        indexes = [
            # The staff (a hundred among thousands of applicants), counted and
            # listed by name on the managers' pages.
            models.Index(
                fields=["full_name", "email"],
                condition=models.Q(is_auditor=True) | models.Q(is_manager=True),
                name="user_staff_by_name",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Users are deactivated, never deleted."))

    @property
    def roles(self):
        return {
            role
            for role, held in (
                (self.Role.APPLICANT, self.is_applicant),
                (self.Role.AUDITOR, self.is_auditor),
                (self.Role.MANAGER, self.is_manager),
            )
            if held
        }

    @property
    def is_staff_member(self):
        return self.is_auditor or self.is_manager

    # The Django admin is the managers' housekeeping tool; nobody else enters it.
    @property
    def is_staff(self):
        return self.is_active and self.is_manager

    @property
    def is_superuser(self):
        return False

    def has_perm(self, perm, obj=None):
        # The admin is read-only housekeeping, third-party models included:
        # a manager may look, never add, change or delete there. Every change
        # goes through a service function that checks the actor and leaves
        # an event.
        _app_label, _dot, codename = perm.partition(".")
        return self.is_active and self.is_manager and codename.startswith("view_")

    def has_perms(self, perm_list, obj=None):
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label):
        return self.is_active and self.is_manager

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name


class Event(models.Model):
    """One row per lifecycle or business event; rows are never changed.

    `actor` is empty for events caused by periodic jobs. The object is a
    generic reference because `certify` imports no other app; cases, audits,
    certificates and organisations are never deleted, so no event loses it.
    On PostgreSQL a trigger refuses UPDATE and DELETE on this table.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    verb = models.CharField(_("action"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "id"]
        indexes = [
            # The history panel of a detail page: one object's events in order.
            models.Index(
                fields=["content_type", "object_id", "created_at"], name="event_object_time"
            ),
        ]

    def __str__(self):
        return f"{self.verb} {self.content_type_id}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("Events are append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Events are append-only."))


class Notification(models.Model):
    """An in-app notice for one person, rendered in their language when created."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The bell's unread count and the newest-first list.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self):
        return self.title


class Email(models.Model):
    """An e-mail to send. A task sends it once; `sent_at` makes the task idempotent.

    A secret link in the body (verification, password, invitation) is
    replaced by a placeholder in the same update that records the sending,
    and until then the row is shown nowhere.
    """

    to = models.EmailField()
    template = models.CharField(max_length=64, blank=True)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class OutboxMessage(models.Model):
    """A job, written in the same transaction as the change that asks for it,
    and its outcome.

    After commit the row is published to the worker with a short broker
    timeout; the worker runs it and records the outcome here. A row the
    broker did not take, a failed attempt (retried after a backoff) and a
    job published but not done after OUTBOX_RUN_TIMEOUT are taken up by the
    sweep. After OUTBOX_MAX_ATTEMPTS failures the job is failed: counted by
    /healthz and listed for managers, who can try it again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        PUBLISHED = "published", _("Handed to the worker")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    task_name = models.CharField(_("job"), max_length=200)
    args = models.JSONField(default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        indexes = [
            # The sweep's queue: jobs waiting for their next attempt, and jobs
            # handed to the worker that may have been lost.
            models.Index(
                fields=["status", "next_attempt_at"],
                name="outbox_pending",
                condition=models.Q(status__in=["queued", "published"]),
            ),
            models.Index(
                fields=["created_at"], name="outbox_failed", condition=models.Q(status="failed")
            ),
        ]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"


class JobRun(models.Model):
    """One run of a periodic job. A run claims its period (the job's minute,
    five minutes or day) by inserting this row, so however many schedulers
    fire, each period runs once."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("job"), max_length=100)
    period = models.CharField(_("period"), max_length=40)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    error = models.TextField(_("error"), blank=True)
    # Set when a manager has had a failed run tried again.
    retried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="job_run_once_per_period")]
        indexes = [
            models.Index(
                fields=["started_at"],
                name="job_run_failed",
                condition=models.Q(outcome="failed", retried_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.job} {self.period}"


class RateHit(models.Model):
    """One counted submission of an abuse-sensitive form (registration,
    password reset, verification resend, complaint), for its limits.

    Counted in the database, like the login lockout, so a limit holds across
    processes and with the cache down. `key` is a hash of the address or
    e-mail counted, never the value itself.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "created_at"], name="ratehit_window")]

    def __str__(self):
        return f"{self.scope}:{self.key[:8]}"


class BodyProfile(models.Model):
    """The certification body itself: printed on every document it issues.

    There is one row; `body_profile_get` creates it on first use.
    """

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    address_zh = models.CharField(_("address (Chinese)"), max_length=300, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    approval_number = models.CharField(
        _("CNCA approval number"),
        max_length=40,
        blank=True,
        help_text=_("For example CNCA-R-2002-001, or CNCA-RF-2010-01 for a foreign-invested body."),
    )
    body_code = models.CharField(
        _("body code"),
        max_length=3,
        blank=True,
        help_text=_("Three digits, the start of every certificate number."),
    )
    certificate_number_template = models.CharField(
        _("certificate number template"),
        max_length=120,
        default="{cb_code}{yy}{scheme_code}{serial:05}R{cycle}",
    )
    signatory_name = models.CharField(_("authorised signatory"), max_length=100, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to=upload_path,
        blank=True,
        validators=[UploadValidator(kinds=("png", "jpeg"), max_bytes=2 * 1024 * 1024)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("certification body profile")
        verbose_name_plural = _("certification body profile")

    def __str__(self):
        return self.name_zh


class WorkingDayOverride(models.Model):
    """A day the holiday package does not know yet, entered by a manager.

    China announces each year's holidays and adjusted workdays late in the
    year before; until the package catches up these rows decide.
    """

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date}: {'working' if self.is_working_day else 'off'}"


class ApiToken(models.Model):
    """A personal token for the REST API. Only the SHA-256 of the secret is
    kept: the token is shown once, when it is made. `key_id`, the token's
    public first part, finds the row and names it in lists."""

    class Scope(models.TextChoices):
        READ = "read", pgettext_lazy("api token scope", "Read")
        WRITE = "write", pgettext_lazy("api token scope", "Read and write")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(
        pgettext_lazy("api token", "scope"), max_length=5, choices=Scope.choices, default=Scope.READ
    )
    key_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_sha256 = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.key_id})"

    def usable(self, now):
        return self.revoked_at is None and self.expires_at > now and self.user.is_active


class WebhookEndpoint(models.Model):
    """A receiver the managers registered for some events. The secret signs
    every delivery (HMAC-SHA256), so it is kept as it is: shown once when
    made, never in lists or the admin."""

    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(max_length=64, editable=False)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event posted to one endpoint: its body as first sent, and the
    outcome of its last attempt (the response's code and first kilobyte)."""

    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=60)
    payload = models.JSONField()
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # A manager's resend is a delivery of its own, of the same body.
    resent_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response"), null=True, blank=True)
    response_body = models.TextField(_("response body (first kilobyte)"), blank=True)
    error = models.TextField(_("error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_recent")]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"
