"""Helpers for the tests of what is told, to whom and when: ticks at chosen moments, people's
choices, and reading the mail they got."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from notifications import services
from notifications.kinds import Delivery, Kind
from notifications.models import KindChoice, Notice, Preferences
from relationships.models import Membership


def digest_hour() -> int:
    """The digest's hour in these tests, for whoever did not choose one: twelve hours from now
    (08:00 UTC, the real default, made them fail when run between 06:00 and 08:00 UTC), so that
    "a few hours later" never reaches it and ``tomorrow_after_the_digest`` always has."""
    return (timezone.now().astimezone(UTC).hour + 12) % 24


def tick(now: datetime | None = None) -> services.TickReport:
    return services.tick(now=now)


def later(**delta: float) -> datetime:
    return timezone.now() + timedelta(**delta)


def tomorrow_after_the_digest() -> datetime:
    """A moment after the digest hour (``digest_hour``) has come round once."""
    return later(days=1, hours=1)


def choose(member: Membership, kind: Kind, delivery: Delivery) -> None:
    KindChoice.objects.update_or_create(user=member.user, kind=kind, defaults={"delivery": delivery})


def prefer(member: Membership, **fields: Any) -> Preferences:
    defaults = {"digest_hour": digest_hour(), **fields}
    preferences, _ = Preferences.objects.update_or_create(user=member.user, defaults=defaults)
    return preferences


def mails_to(member: Membership) -> list[EmailMessage]:
    return [m for m in mail.outbox if member.user.email in m.to]


def text_of(message: EmailMessage) -> str:
    return str(message.body)


def html_of(message: EmailMessage) -> str:
    return "".join(str(content) for content, _ in getattr(message, "alternatives", []))


def everything(message: EmailMessage) -> str:
    """A mail's subject, headers, text and HTML, as one string to search."""
    headers = "".join(f"{k}: {v}\n" for k, v in message.extra_headers.items())
    return f"{message.subject}\n{headers}{message.body}\n{html_of(message)}"


def notices_of(member: Membership, kind: Kind | None = None) -> list[Notice]:
    notices = Notice.objects.filter(user=member.user)
    if kind is not None:
        notices = notices.filter(kind=kind)
    return list(notices.order_by("happened_at", "id"))


def quiet() -> None:
    """Forgets the mail sent so far (the people joining, in setting up a test)."""
    mail.outbox.clear()
