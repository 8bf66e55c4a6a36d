"""The task that sends the outbox's mails (see `accounts.mail`)."""

import logging
from datetime import timedelta
from smtplib import SMTPRecipientsRefused, SMTPResponseException

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from .mail import after_sent, message_for
from .models import OutboundMail

logger = logging.getLogger(__name__)

# How long to wait after each failed try; one more try after the last wait, then the mail failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
)
TRIES = len(BACKOFF) + 1


@task
def deliver(mail_id: int) -> None:
    """Sends the queued mail `mail_id`, or schedules its next try when the server is down or refuses.

    Skips a mail that is not queued (sent, cancelled, failed), that another worker is sending
    (its row is locked), or that waits out its backoff (a second task for it, which
    `accounts.mail.retry_due` will enqueue again when its time comes).
    """
    with transaction.atomic():
        mail = OutboundMail.objects.select_for_update(skip_locked=True).filter(pk=mail_id).first()
        if mail is None or mail.status != OutboundMail.Status.QUEUED or mail.next_try_at is not None:
            return
        try:
            # A savepoint: a database error while building leaves this transaction usable.
            with transaction.atomic():
                message = message_for(mail)
                if message is not None:
                    message.send()
        except Exception as error:
            _try_failed(mail, error)
            mail.save()
            return
        if message is None:
            mail.cancel()
            mail.save()
            return
        mail.mark_sent(timezone.now())
        mail.save()
        try:
            with transaction.atomic():
                after_sent(mail)
        except Exception:
            # The mail went: a failing hook must not make it look unsent, or it would go twice.
            logger.exception("Mail %s was sent, but its builder's hook failed.", mail.pk)


def _try_failed(mail: OutboundMail, error: Exception) -> None:
    retry_in = BACKOFF[mail.tries] if mail.tries < len(BACKOFF) else None
    mail.try_failed(_describe(error), timezone.now(), retry_in=retry_in)
    # What the server said can quote the mail or its addresses: only the class and the code are kept.
    if retry_in is None:
        logger.error("Mail %s failed after %s tries (%s).", mail.pk, mail.tries, mail.last_error)
    elif isinstance(error, OSError):
        logger.warning("Mail %s not sent, try %s of %s (%s).", mail.pk, mail.tries, TRIES, mail.last_error)
    else:
        logger.error("Mail %s could not be built or sent (%s).", mail.pk, mail.last_error, exc_info=error)


def _describe(error: Exception) -> str:
    """The exception's class and SMTP code(s), never the server's words (they may quote the mail)."""
    name = type(error).__name__
    if isinstance(error, SMTPResponseException):
        return f"{name} {error.smtp_code}"
    if isinstance(error, SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _ in error.recipients.values()})
        return f"{name} {'/'.join(codes)}"
    return name
