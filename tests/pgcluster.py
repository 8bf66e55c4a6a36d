"""A throwaway PostgreSQL cluster for the tests that stop a database, never the shared server.

`throwaway_cluster()` makes a cluster under a temporary folder (initdb, as the user postgres
when the tests run as root, as CI does), serves it on its own port of 127.0.0.1 and its own
unix socket folder, and stops it and removes the folder afterwards, whatever happened in
between. `Cluster.stop()` and `Cluster.start()` take the database away from whoever uses it
and bring it back on the same port.

`skip_reason()` says why these tests cannot run here: they run when PostgreSQL is the test
database (DATABASE_URL=postgres://...) and PostgreSQL's server programs are installed.
"""

import atexit
import contextlib
import os
import pwd
import random
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, connections
from django.db.utils import load_backend

SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
# Ports tried for a cluster: away from the shared server's 5432, random so that several test
# runs on one machine rarely meet.
PORTS = range(5440, 5940)


def bindir() -> Path | None:
    """The folder of the newest installed PostgreSQL server programs, or None."""
    found = sorted(
        (
            folder
            for folder in Path("/usr/lib/postgresql").glob("*/bin")
            if all((folder / name).exists() for name in SERVER_PROGRAMS)
        ),
        key=lambda folder: _version(folder.parent.name),
    )
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    if initdb is not None:
        folder = Path(initdb).resolve().parent
        if all((folder / name).exists() for name in SERVER_PROGRAMS):
            return folder
    return None


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name))


def _as_root() -> bool:
    return os.geteuid() == 0


def skip_reason() -> str | None:
    """Why the throwaway-cluster tests cannot run here, or None when they can."""
    if connection.vendor != "postgresql":
        return "needs PostgreSQL as the test database (DATABASE_URL=postgres://...)"
    if bindir() is None:
        return "needs PostgreSQL's server programs (initdb, pg_ctl) to make a throwaway cluster"
    if _as_root():
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, a throwaway cluster needs the user postgres to run initdb"
    return None


class ClusterError(RuntimeError):
    pass


class Cluster:
    """A PostgreSQL cluster of its own: superuser postgres, trust authentication, 127.0.0.1."""

    def __init__(self, programs: Path, folder: Path) -> None:
        self.programs = programs
        self.folder = folder
        self.data = folder / "data"
        self.sockets = folder / "sockets"
        self.log = folder / "postgres.log"
        self.port = 0
        self.running = False

    # Addresses

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def settings(self, name: str) -> dict[str, Any]:
        """A Django database settings entry for the database `name` (no pooled connections)."""
        return {
            **connections["default"].settings_dict,
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": "postgres",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "CONN_MAX_AGE": 0,
        }

    # Life

    def init(self) -> None:
        self.sockets.mkdir(mode=0o700)
        if _as_root():
            postgres = pwd.getpwnam("postgres")
            for folder in (self.folder, self.sockets):
                os.chown(folder, postgres.pw_uid, postgres.pw_gid)
        self.folder.chmod(0o700)
        self._run("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8", "-N")
        settings = [
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{self.sockets}'",
            # Throwaway data: nothing needs to survive a crash of the machine.
            "fsync = off",
            "synchronous_commit = off",
            "full_page_writes = off",
            "max_connections = 30",
        ]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# Throwaway test cluster (tests/pgcluster.py)\n" + "\n".join(settings) + "\n")

    def start(self) -> None:
        """Starts the server, on the port it had before if it had one, and waits until it answers."""
        if self.running:
            return
        # Its own port again after a stop (PostgreSQL binds it despite connections in TIME_WAIT).
        ports = [self.port] if self.port else [port for port in random.sample(PORTS, 10) if _free(port)][:5]
        for port in ports:
            try:
                self._run("pg_ctl", "-D", self.data, "-l", self.log, "-o", f"-p {port}", "-w", "-t", "60", "start")
            except ClusterError:
                if self.port or "could not bind" not in self.log_text():
                    raise
                continue
            self.port = port
            self.running = True
            return
        raise ClusterError(f"no free port for a throwaway cluster among {ports}")

    def stop(self, mode: str = "fast") -> None:
        """Stops the server (`fast`: connections are cut, as in a restart; `immediate`: a crash)."""
        if not self.running:
            return
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_database(self, name: str) -> None:
        self._run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(), "-c", f'CREATE DATABASE "{name}"')

    def destroy(self) -> None:
        """Stops the server if it runs and removes every file of the cluster. Safe to call twice."""
        try:
            if self.running or (self.data / "postmaster.pid").exists():
                self.running = True
                self.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def _run(self, program: str, *args: object) -> None:
        found = self.programs / program
        command = [str(found) if found.exists() else program, *map(str, args)]
        if _as_root():
            command = ["runuser", "-u", "postgres", "--", *command]
        # No inherited descriptors (a postmaster would keep them open) and a session of its own,
        # so that Ctrl-C in the test run does not reach the server before its teardown does.
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            close_fds=True,
            start_new_session=True,
            cwd=self.folder,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            said = f"{done.stdout}{done.stderr}\n{self.log_text()[-2000:]}"
            raise ClusterError(f"{' '.join(command)} failed ({done.returncode}):\n{said}")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A started cluster under a new temporary folder; stopped and removed on the way out."""
    programs = bindir()
    if programs is None:
        raise ClusterError("PostgreSQL's server programs are not installed")
    # /tmp, which the user postgres can reach, even when TMPDIR points into root's home.
    parent = "/tmp" if _as_root() and Path("/tmp").is_dir() else None
    cluster = Cluster(programs, Path(tempfile.mkdtemp(prefix="trellis-pgcluster-", dir=parent)))
    # Also when the test run is interrupted between setup and teardown.
    atexit.register(cluster.destroy)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()
        atexit.unregister(cluster.destroy)


@contextlib.contextmanager
def pointed_at(cluster: Cluster, name: str) -> Iterator[None]:
    """Points this process's `default` database at the database `name` of the cluster, in
    autocommit like a web process, and back to the test database on the way out.

    Callers also lift pytest-django's block on the database (`django_db_blocker.unblock()`)."""
    original = connections["default"]
    settings = cluster.settings(name)
    wrapper = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "default")
    # Content type ids differ from database to database; their cache is the process's.
    ContentType.objects.clear_cache()
    connections["default"] = wrapper
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError):
            wrapper.close()
        connections["default"] = original
        ContentType.objects.clear_cache()
