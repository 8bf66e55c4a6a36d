from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone


class TrellisUserManager(UserManager["User"]):
    """Users sign in by e-mail; there is no username."""

    def _create_user_object(self, username: Any, email: str | None, password: str | None, **extra: Any) -> "User":
        user = self.model(email=self.normalize_email(email), **extra)
        user.password = ""
        if password is not None:
            user.set_password(password)
        return user

    def create_user(  # type: ignore[override]
        self, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        user = self._create_user_object(None, email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("e-mail address", unique=True)
    name = models.CharField(
        "your name",
        max_length=80,
        blank=True,
        help_text="How Trellis greets you. Each polycule also has its own display name for you.",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[TrellisUserManager] = TrellisUserManager()

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class OutboundMailQuerySet(models.QuerySet["OutboundMail"]):
    def queued(self) -> "OutboundMailQuerySet":
        return self.filter(status=OutboundMail.Status.QUEUED)

    def overdue(self, now: datetime, *, late: timedelta) -> "OutboundMailQuerySet":
        """Queued mails whose try should have happened more than `late` ago."""
        before = now - late
        return self.queued().filter(
            models.Q(next_try_at__lt=before) | models.Q(next_try_at__isnull=True, enqueued_at__lt=before)
        )


class OutboundMail(models.Model):
    """A mail on its way, sent by the task worker (`accounts.tasks.deliver`), never in a request.

    Either rendered (subject, bodies and headers stored until sent, as allauth's mails are) or
    built when sent by a function an app registered (`builder`, `ref`), so that nothing private,
    such as an invitation's link, waits in the queue. Once sent, the stored words are cleared.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        # The builder found nothing to send any more (an invitation revoked meanwhile).
        CANCELLED = "cancelled", "Nothing to send"
        FAILED = "failed", "Failed"

    to = models.JSONField(default=list)
    # What mail this is for the operator (a template name), never its words.
    name = models.CharField(max_length=100, blank=True)
    builder = models.CharField(max_length=100, blank=True)
    ref = models.BigIntegerField(null=True, blank=True)
    from_email = models.CharField(max_length=320, blank=True)
    subject = models.TextField(blank=True)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    tries = models.PositiveSmallIntegerField(default=0)
    # When the next try is due; empty while a delivery task is on its way.
    next_try_at = models.DateTimeField(null=True, blank=True)
    # When the last delivery task was enqueued, to enqueue again one the worker lost.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    # The exception's class and SMTP code only, never what the server said about the content.
    last_error = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[OutboundMailQuerySet] = OutboundMailQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering: ClassVar[list[str]] = ["created_at", "id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["next_try_at"], name="outbound_mail_queued", condition=models.Q(status="queued")),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(builder="", ref__isnull=True)
                | (~models.Q(builder="") & models.Q(ref__isnull=False)),
                name="outbound_mail_rendered_or_built",
            ),
        ]

    def __str__(self) -> str:
        return f"Mail {self.pk} to {', '.join(self.to)}"

    def mark_sent(self, now: datetime) -> None:
        self.status = self.Status.SENT
        self.sent_at = now
        self._forget_words()

    def cancel(self) -> None:
        self.status = self.Status.CANCELLED
        self._forget_words()

    def try_failed(self, error: str, now: datetime, *, retry_in: timedelta | None) -> None:
        """Counts a try that failed with `error`; the next comes in `retry_in`, or never (failed)."""
        self.tries += 1
        self.last_error = error[:100]
        if retry_in is None:
            self.status = self.Status.FAILED
            self.next_try_at = None
        else:
            self.next_try_at = now + retry_in

    def _forget_words(self) -> None:
        self.subject = self.body = self.html = ""
        self.headers = {}
        self.next_try_at = None


class SecurityEvent(models.Model):
    """Something that happened to a person's account, kept so that they can see it (the audit
    log's lines go to standard output; these rows are the part of it a person may read).

    Only ids, an address and a time: never anyone's words, a token, a password or a session key.
    What happens in a polycule (invitations, removals) and refusals go to the log only: the
    polycule's own pages show the first, and the second would let anyone fill this table.
    Kept for ``SECURITY_EVENT_DAYS`` (older rows are pruned when a new one is written).
    """

    class Action(models.TextChoices):
        SIGNED_UP = "signed_up", "Account created"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Someone tried to sign in with a wrong password"
        LOGOUT = "logout", "Signed out"
        REAUTHENTICATED = "reauthenticated", "Confirmed it was you"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_SET = "password_set", "Password set"
        PASSWORD_RESET = "password_reset", "Password reset through an e-mailed link"
        EMAIL_ADDED = "email_added", "E-mail address added"
        EMAIL_REMOVED = "email_removed", "E-mail address removed"
        EMAIL_PRIMARY_CHANGED = "email_primary_changed", "Main e-mail address changed"
        EMAIL_CONFIRMED = "email_confirmed", "E-mail address confirmed"
        MFA_ADDED = "mfa_added", "Second factor added"
        MFA_REMOVED = "mfa_removed", "Second factor removed"
        RECOVERY_CODES_REGENERATED = "recovery_codes_regenerated", "New recovery codes made"
        MFA_FAILED = "mfa_failed", "A second-factor code was refused"
        EXPORT = "export", "Downloaded your data"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_events")
    action = models.CharField(max_length=32, choices=Action.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["user", "-at"], name="security_event_user_at"),
            models.Index(fields=["at"], name="security_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.at:%Y-%m-%d %H:%M})"
