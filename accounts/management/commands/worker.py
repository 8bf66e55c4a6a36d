"""`manage.py worker`: django-tasks-db's `db_worker` that outlives a database restart.

The library's worker leaves its loop on the first error from the database, so a PostgreSQL
restart (an upgrade, a failover, `docker compose restart db`) stops every mail until someone
starts the worker again. This one takes the same options and runs the same loop; when the
database goes away it drops its connections, waits for the database with a growing pause
(`FIRST_WAIT` doubling up to `LONGEST_WAIT`) and carries on where it was. Only the database's
operational errors (a connection lost or refused, a server shutting down) are waited out; any
other error still stops the worker, loudly, for its supervisor to restart it.

A task the database lost in the middle of its run stays marked running; the outbox enqueues a
mail's delivery again once its task is overdue (`accounts.mail.retry_due`, run by `tick`).
"""

import contextlib
import logging
import os
import time
from typing import Any

from django.core.management.base import CommandError
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("django_tasks_db")

# Seconds between tries to reach the database again: the first pause, doubled up to the longest.
FIRST_WAIT = 0.5
LONGEST_WAIT = 30.0

LostDatabase = (OperationalError, InterfaceError)


def drop_connections() -> None:
    """Forgets every open database connection; the next query opens a new one."""
    for connection in connections.all(initialized_only=True):
        # Closing a connection whose server went away can fail; it is forgotten all the same.
        with contextlib.suppress(DatabaseError):
            connection.close()


class Worker(db_worker.Worker):
    """The library's worker, resumed after the database comes back."""

    def run(self) -> None:
        while self.running:
            try:
                super().run()
                return
            except LostDatabase as error:
                logger.warning("Lost the database (%s); waiting for it to come back.", _first_line(error))
                self.wait_for_database()
                # The worker already waited: no startup delay when it resumes.
                self.startup_delay = False

    def wait_for_database(self) -> None:
        """Returns once the task database answers again (or the worker is stopping)."""
        wait = FIRST_WAIT
        alias = DBTaskResult.objects.db
        while self.running:
            drop_connections()
            time.sleep(wait)
            try:
                with connections[alias].cursor() as cursor:
                    cursor.execute("SELECT 1")
            except LostDatabase as error:
                wait = min(wait * 2, LONGEST_WAIT)
                logger.info("The database is still unreachable (%s); next try in %.1f s.", _first_line(error), wait)
                continue
            logger.warning("The database is back; the worker carries on.")
            return


def _first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


class Command(db_worker.Command):
    help = (
        "Run the database task worker (django-tasks-db's db_worker, same options) so that it waits out"
        " a database restart instead of exiting."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        # db_worker.Command.handle with this module's Worker (django-tasks-db 0.13).
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("Warning: --reload and --batch cannot be specified together. Disabling autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
