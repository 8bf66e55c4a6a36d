"""Issue 10, point 2: the task worker outlives a PostgreSQL restart, and so does the mail.

A real `manage.py worker` process (production settings) works on a throwaway PostgreSQL
cluster of its own (tests/pgcluster.py) while the test stops the database under it and starts
it again: the next task still runs, in the same process. The outbox (promise 24) is proven the
same way, through allauth's password reset, against a real SMTP server that is down when the
mail is queued.
"""

import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoDbBlocker

from accounts.mail import retry_due
from accounts.models import OutboundMail
from tests.factories import UserFactory
from tests.pgcluster import Cluster, pointed_at, skip_reason, throwaway_cluster

from .test_outbox_smtp import MailServer, _parsed, _text
from .worker import DATABASE_TASKS
from .worker_tasks import echo

SKIP = skip_reason()
pytestmark = [pytest.mark.postgres, pytest.mark.skipif(SKIP is not None, reason=SKIP or "")]

DATABASE = "trellis"
# What `manage.py worker` logs when it loses the database and when it has it again.
LOST = "Lost the database"
BACK = "The database is back"
WAIT = 30.0

OnCluster = Callable[[], AbstractContextManager[None]]


@pytest.fixture(scope="module")
def cluster(django_db_blocker: DjangoDbBlocker) -> Iterator[Cluster]:
    """A throwaway cluster with a migrated database, shared by this module's tests."""
    with throwaway_cluster() as cluster:
        cluster.create_database(DATABASE)
        with django_db_blocker.unblock(), pointed_at(cluster, DATABASE):
            call_command("migrate", verbosity=0)
        yield cluster


@pytest.fixture
def on_cluster(cluster: Cluster, django_db_blocker: DjangoDbBlocker) -> Iterator[OnCluster]:
    """`with on_cluster():` this process reads and writes the cluster's database (autocommit, like a
    web process) and enqueues tasks in it."""

    @contextmanager
    def connected() -> Iterator[None]:
        with DATABASE_TASKS, django_db_blocker.unblock(), pointed_at(cluster, DATABASE):
            yield

    yield connected
    # A test that failed with the database stopped leaves it running for the next one.
    cluster.start()


class WorkerProcess:
    """`manage.py <command>` in a process of its own, with production settings, on the cluster."""

    def __init__(self, command: str, cluster: Cluster, folder: Path, email_url: str) -> None:
        self.worker_id = f"test-{command}-{secrets.token_hex(4)}"
        self.log = folder / f"{self.worker_id}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DATABASE_URL": cluster.url(DATABASE),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "EMAIL_URL": email_url,
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("REDIS_URL", None)
        arguments = ["--no-reload", "--no-startup-delay", "--interval", "0.1", "--worker-id", self.worker_id]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", command, *arguments],
                cwd=settings.BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, text: str) -> None:
        until(lambda: text in self.output(), f"the worker to say {text!r}", self)

    def stop(self) -> None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


StartWorker = Callable[..., WorkerProcess]


@pytest.fixture
def start_worker(cluster: Cluster) -> Iterator[StartWorker]:
    """Starts worker processes; each is stopped and its log removed, whatever the test did."""
    started: list[WorkerProcess] = []
    with tempfile.TemporaryDirectory(prefix="trellis-worker-") as folder:

        def start(command: str = "worker", email_url: str = "console://") -> WorkerProcess:
            worker = WorkerProcess(command, cluster, Path(folder), email_url)
            started.append(worker)
            return worker

        try:
            yield start
        finally:
            for worker in started:
                worker.stop()


def until(condition: Callable[[], bool], what: str, worker: WorkerProcess, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Waited {timeout:.0f} s for {what}. The worker said:\n{worker.output()}")
        time.sleep(0.05)


def _task(on_cluster: OnCluster, result_id: str) -> DBTaskResult[[str], str]:
    with on_cluster():
        return DBTaskResult.objects.get(id=result_id)


def _ran(on_cluster: OnCluster, result_id: str, worker: WorkerProcess) -> DBTaskResult[[str], str]:
    until(
        lambda: _task(on_cluster, result_id).status == TaskResultStatus.SUCCESSFUL,
        f"task {result_id} to run",
        worker,
    )
    return _task(on_cluster, result_id)


def _restart_under(worker: WorkerProcess, cluster: Cluster) -> None:
    """Stops the database, waits until the worker has felt it, and starts it again."""
    cluster.stop()
    worker.wait_for(LOST)
    time.sleep(0.3)  # the worker's first tries to reconnect meet a database that is still down
    assert worker.alive(), worker.output()
    cluster.start()


def test_the_worker_waits_out_postgresql_restarts_and_runs_the_next_task(
    cluster: Cluster, on_cluster: OnCluster, start_worker: StartWorker
) -> None:
    worker = start_worker()
    with on_cluster():
        before = echo.enqueue("before the restart")
    assert _ran(on_cluster, before.id, worker).return_value == "before the restart"

    _restart_under(worker, cluster)
    worker.wait_for(BACK)

    with on_cluster():
        after = echo.enqueue("after the restart")
    ran = _ran(on_cluster, after.id, worker)
    assert ran.return_value == "after the restart"
    # The same process ran both: it was never restarted.
    assert ran.worker_ids == _task(on_cluster, before.id).worker_ids == [worker.worker_id]
    assert worker.alive()

    # A database that stays down: the worker keeps trying, with a pause that doubles each time,
    # and still stops cleanly when asked to.
    cluster.stop()
    until(lambda: "next try in 4.0 s" in worker.output(), "three tries", worker)
    output = worker.output()
    assert output.index("next try in 1.0 s") < output.index("next try in 2.0 s") < output.index("next try in 4.0 s")
    assert worker.alive()
    worker.process.send_signal(signal.SIGTERM)
    assert worker.process.wait(10) == 0
    assert "Traceback" not in worker.output()


def test_the_librarys_own_db_worker_dies_when_postgresql_restarts(
    cluster: Cluster, on_cluster: OnCluster, start_worker: StartWorker
) -> None:
    """Why `manage.py worker` exists. When this fails, django-tasks-db reconnects by itself and
    accounts/management/commands/worker.py can go (compose and the Makefile run db_worker again)."""
    worker = start_worker("db_worker")
    with on_cluster():
        task = echo.enqueue("once")
    _ran(on_cluster, task.id, worker)
    cluster.stop()
    until(lambda: not worker.alive(), "db_worker to exit", worker)
    assert worker.process.returncode != 0
    assert "OperationalError" in worker.output()


def test_a_password_reset_mail_queued_while_smtp_is_down_arrives_once_after_a_database_restart(
    cluster: Cluster, on_cluster: OnCluster, start_worker: StartWorker
) -> None:
    smtp = MailServer()  # not started: the mail server is down
    worker = start_worker(email_url=f"smtp+plain://127.0.0.1:{smtp.port}?timeout=5")
    try:
        with on_cluster():
            user = UserFactory.create(email="eli@example.com")
            response = Client().post(reverse("account_reset_password"), {"email": user.email})
            assert response.status_code == 302
            mail = OutboundMail.objects.get(to=[user.email])
        assert mail.name == "account/password_reset_key"

        def tried() -> OutboundMail:
            with on_cluster():
                return OutboundMail.objects.get(pk=mail.pk)

        until(lambda: tried().tries == 1, "the worker's first try", worker)
        mail = tried()
        assert (mail.status, mail.last_error) == (OutboundMail.Status.QUEUED, "ConnectionRefusedError")
        assert mail.next_try_at is not None

        _restart_under(worker, cluster)
        worker.wait_for(BACK)
        smtp.start()

        # The scheduler's `tick` when the backoff is over.
        with on_cluster():
            assert retry_due(mail.next_try_at - timedelta(seconds=1)) == 0
            assert retry_due(mail.next_try_at) == 1
        until(lambda: tried().status == OutboundMail.Status.SENT, "the mail to be sent", worker)
        with on_cluster():
            assert retry_due(timezone.now() + timedelta(days=1)) == 0
        time.sleep(0.5)  # a second delivery would have come by now

        (envelope,) = smtp.inbox.received
        assert envelope.rcpt_tos == [user.email]
        assert _parsed(envelope)["To"] == user.email
        assert "http://testserver/accounts/password/reset/key/" in _text(envelope)
        assert tried().tries == 1
        assert worker.alive()
    finally:
        smtp.stop()
