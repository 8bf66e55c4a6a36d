from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from notifications import services


class Command(BaseCommand):
    help = (
        "Collects what is worth telling people, sends the mail that is due (at once, digests, reminders, "
        "what waited for quiet hours to end) and retries mail that failed. Idempotent: run it every few minutes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen; change and send nothing.")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        self.stdout.write(str(services.tick(dry_run=dry_run)))
