from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from conversations.demo import seed_conversations
from relationships.demo import DEMO_PASSWORD, DEMO_PEOPLE, DEMO_POLYCULE, seed_invitations, seed_people
from values.demo import seed_values


class Command(BaseCommand):
    help = (
        "Create the demo accounts (ana, ben, cy @example.com) in one polycule, with its items and its talk."
        " Safe to run twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")
        parser.add_argument("--dry-run", action="store_true", help="Show what would happen; change nothing.")

    def handle(self, *args: Any, force: bool, dry_run: bool, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like production. Use --force to add demo accounts anyway.")
        with transaction.atomic():
            people = seed_people()
            seed_invitations(people)
            seed_values(people)
            seed_conversations(people)
            if dry_run:
                transaction.set_rollback(True)
        accounts = ", ".join(email for email, _, _ in DEMO_PEOPLE)
        verb = "Would create" if dry_run else "Demo data ready"
        self.stdout.write(f"{verb}: {accounts} (password {DEMO_PASSWORD}) in '{DEMO_POLYCULE}'.")
