from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from accounts.mail import LATE, requeue
from accounts.models import OutboundMail


class Command(BaseCommand):
    help = (
        "Shows the outbox: how many mails are queued, sent, cancelled and failed, and lists the failed"
        " and the overdue ones (addresses, tries, last error, dates; never their words)."
        " --retry ID puts a failed mail back in the queue for a fresh round of tries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--retry", type=int, metavar="ID", help="Put the failed mail ID back in the queue.")

    def handle(self, *args: Any, retry: int | None, **options: Any) -> None:
        if retry is not None:
            if not requeue(retry):
                raise CommandError(f"No failed mail has the id {retry}.")
            self.stdout.write(f"Mail {retry} is back in the queue.")
            return
        now = timezone.now()
        failed = list(OutboundMail.objects.filter(status=OutboundMail.Status.FAILED))
        overdue = list(OutboundMail.objects.overdue(now, late=LATE))
        for mail in [*failed, *overdue]:
            self.stdout.write(_line(mail))
        counts = dict(OutboundMail.objects.values_list("status").annotate(Count("id")).order_by())
        summary = ", ".join(f"{counts.get(status, 0)} {status.label.lower()}" for status in OutboundMail.Status)
        self.stdout.write(f"Outbox: {summary}; {len(overdue)} overdue.")


def _line(mail: OutboundMail) -> str:
    due = mail.next_try_at or mail.enqueued_at
    return (
        f"#{mail.pk} {mail.get_status_display().lower()} to {', '.join(mail.to)}"
        f" ({mail.name or 'a mail'}): {mail.tries} tries, last error {mail.last_error or 'none'};"
        f" queued {mail.created_at:%Y-%m-%d %H:%M %Z}, due {f'{due:%Y-%m-%d %H:%M %Z}' if due else '-'}"
    )
