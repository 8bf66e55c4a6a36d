"""Every mail Trellis sends, built one way (like healthchecks' `hc/lib/emails.py`).

A mail called `name` is three templates under `templates/emails/`: `<name>_subject.txt`
(one line), `<name>.txt` (the plain text) and `<name>.html` (the HTML alternative). The
bodies extend `emails/layout.txt` and `emails/layout.html`, which carry the Trellis name,
the signature and a footer saying why the mail came (the `why` block each mail may fill).

allauth's mails come here too (`accounts.adapters.AccountAdapter.render_mail`): its
template prefix loses its `/email/` folder, so `account/email/password_reset_key` is the
mail `account/password_reset_key` (`templates/emails/account/password_reset_key.txt`, ...)
and `mfa/email/totp_activated` is `mfa/totp_activated`.

No mail is sent where it is made: `queue` (a rendered mail) and `queue_built` (a mail an app
builds when it goes, see `register`) put it in the outbox (`accounts.models.OutboundMail`) and
the task worker sends it (`accounts.tasks.deliver`). A mail server that is down or refuses
loses nothing: each try that fails is retried later (`retry_due`, run by `manage.py tick`),
and after the last one the mail is marked failed for `manage.py mail_status` to show.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundMail

# A delivery task not done after this long was lost (a worker killed mid-task): enqueue another.
LOST_AFTER = timedelta(minutes=15)
# A queued mail whose try is this late shows as overdue in `manage.py mail_status`.
LATE = timedelta(minutes=30)
# At most this many mails are enqueued per `retry_due`, so a tick stays short; the next takes the rest.
RETRY_BATCH = 500


def site_url(path: str) -> str:
    """The absolute URL of a path on this site, for links that leave it (in mail)."""
    return f"{settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL}://{settings.SITE_HOST}{path}"


def make_message(
    name: str, to: str | list[str], context: dict[str, Any], *, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    """The mail `name` to `to`, rendered with `context`; the caller sends it."""
    subject = render_to_string(f"emails/{name}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(line.strip() for line in subject.splitlines() if line.strip()),
        body=_tidy(render_to_string(f"emails/{name}.txt", context)),
        to=[to] if isinstance(to, str) else to,
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"emails/{name}.html", context), "text/html")
    return message


def _tidy(text: str) -> str:
    # Template tags leave blank lines behind; a plain-text mail keeps one between paragraphs.
    return re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n"


# The outbox


@dataclass(frozen=True)
class _Builder:
    build: Callable[[int], EmailMultiAlternatives | None]
    sent: Callable[[int], None] | None


_builders: dict[str, _Builder] = {}


def register(
    builder: str,
    build: Callable[[int], EmailMultiAlternatives | None],
    *,
    sent: Callable[[int], None] | None = None,
) -> None:
    """Lets apps above queue the mail `builder` by reference (`queue_built`), built when it goes.

    `build(ref)` returns the message, or None when there is nothing to send any more (an
    invitation revoked meanwhile): the mail is then marked cancelled. `sent(ref)`, if given,
    runs once the mail went, in the transaction that marks it sent. Apps register in their
    AppConfig.ready().
    """
    known = _builders.get(builder)
    if known is not None and known.build != build:
        raise ValueError(f"Another function already builds the mail {builder!r}.")
    _builders[builder] = _Builder(build, sent)


def queue(message: EmailMultiAlternatives, *, name: str = "") -> OutboundMail:
    """Stores a rendered mail and has the task worker send it. `name` says what mail it is,
    for the operator (`mail_status`)."""
    html = [str(content) for content, mimetype in message.alternatives if mimetype == "text/html"]
    if message.cc or message.bcc or message.reply_to or message.attachments or len(html) != len(message.alternatives):
        raise ValueError("The outbox keeps recipients, a subject, a text body, HTML and headers; nothing else.")
    if len(html) > 1:
        raise ValueError("The outbox keeps one HTML alternative.")
    mail = OutboundMail.objects.create(
        to=list(message.to),
        name=name,
        from_email=message.from_email or "",
        subject=str(message.subject),
        body=str(message.body),
        html=html[0] if html else "",
        headers={str(key): str(value) for key, value in message.extra_headers.items()},
        enqueued_at=timezone.now(),
    )
    _enqueue(mail.pk)
    return mail


def queue_built(builder: str, ref: int, to: str) -> OutboundMail:
    """Has the task worker build (see `register`) and send the mail `builder` about `ref` to `to`.
    Nothing of it but the address is stored; the builder addresses the mail itself."""
    if builder not in _builders:
        raise LookupError(f"No app registered a builder for the mail {builder!r}.")
    mail = OutboundMail.objects.create(to=[to], name=builder, builder=builder, ref=ref, enqueued_at=timezone.now())
    _enqueue(mail.pk)
    return mail


def message_for(mail: OutboundMail) -> EmailMultiAlternatives | None:
    """The message to send for `mail`: its stored words, or what its builder makes now."""
    if mail.builder and mail.ref is not None:
        return _builders[mail.builder].build(mail.ref)
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=mail.from_email or None,
        to=mail.to,
        headers=mail.headers,
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message


def after_sent(mail: OutboundMail) -> None:
    """Runs the hook the builder of `mail` registered for when it went."""
    registered = _builders.get(mail.builder) if mail.builder else None
    if registered is not None and registered.sent is not None and mail.ref is not None:
        registered.sent(mail.ref)


def retry_due(now: datetime | None = None) -> int:
    """Enqueues delivery of the queued mails whose next try has come (and again of any whose
    task the worker lost); returns how many. Idempotent and cheap: `manage.py tick` runs it
    every few minutes, twice at once does no harm."""
    now = now or timezone.now()
    due = OutboundMail.objects.queued().filter(
        Q(next_try_at__lte=now) | Q(next_try_at__isnull=True, enqueued_at__lte=now - LOST_AFTER)
    )
    with transaction.atomic():
        ids = list(due.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)[:RETRY_BATCH])
        OutboundMail.objects.filter(pk__in=ids).update(next_try_at=None, enqueued_at=now)
        for mail_id in ids:
            _enqueue(mail_id)
    return len(ids)


def requeue(mail_id: int) -> bool:
    """Puts a failed mail back in the queue for a fresh round of tries; False if `mail_id` is
    not a failed mail."""
    with transaction.atomic():
        updated = OutboundMail.objects.filter(pk=mail_id, status=OutboundMail.Status.FAILED).update(
            status=OutboundMail.Status.QUEUED, tries=0, next_try_at=None, enqueued_at=timezone.now()
        )
        if updated:
            _enqueue(mail_id)
    return bool(updated)


def _enqueue(mail_id: int) -> None:
    # With the database backend the task row commits (or not) with the caller's transaction;
    # the immediate backend (development, tests) sends at once.
    from .tasks import deliver  # accounts.tasks imports this module

    deliver.enqueue(mail_id)
