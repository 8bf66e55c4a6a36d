"""Running the database task worker inside a test, the way production runs it."""

from unittest.mock import patch

from django.core.management import call_command
from django.test import override_settings

# The production backend: a task is a row, committed (or not) with the transaction that made it.
DATABASE_TASKS = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


def run_worker() -> None:
    """`manage.py db_worker --batch`: runs every task that is ready, then returns.

    Between tasks the worker closes "old" connections; inside a test's transaction that would
    close the test's own connection, so here it keeps it."""
    with patch("django_tasks_db.management.commands.db_worker.close_old_connections", new=lambda **kwargs: None):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
