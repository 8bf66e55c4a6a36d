"""Issue 10, point 7: a backup made the README's way restores whole.

A database holding a whole polycule (the demo's: items with their versions, acknowledgments
and consents, proposals, discussions, rounds, check-ins and a journal, plus an invitation and its
mail in the outbox) is dumped with `pg_dump -Fc` and restored with `pg_restore` into a new database:
every table has the same rows, every sequence goes on from where it was, and the append-only
triggers (promise 19) still refuse to change or delete history.
"""

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pgtrigger
import psycopg
import pytest
from django.db import connection, transaction
from psycopg import sql

from conversations.demo import seed_conversations
from conversations.models import Discussion, JournalEntry, Round
from relationships import services
from relationships.demo import seed_people
from values.demo import seed_values
from values.models import Acknowledgment, AppendOnly, Item, Proposal, Version

SKIP = (
    "backups are PostgreSQL's (DATABASE_URL=postgres://...)"
    if connection.vendor != "postgresql"
    else "needs pg_dump and pg_restore"
    if not (shutil.which("pg_dump") and shutil.which("pg_restore"))
    else None
)
pytestmark = [pytest.mark.postgres, pytest.mark.skipif(SKIP is not None, reason=SKIP or "")]


def _params(name: str) -> dict[str, Any]:
    """How to reach the database `name` on the test database's server."""
    settings = connection.settings_dict
    return {
        "dbname": name,
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }


def _client_env(name: str) -> dict[str, str]:
    """The same, for pg_dump and pg_restore (libpq's environment variables)."""
    names = {"dbname": "PGDATABASE", "host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    return {**os.environ, **{names[key]: str(value) for key, value in _params(name).items() if value}}


@contextmanager
def _new_database() -> Iterator[str]:
    """A new, empty database on the test database's server, named after the test database, and
    dropped on the way out."""
    name = f"{connection.settings_dict['NAME']}_restored_{secrets.token_hex(4)}"
    with psycopg.connect(**{**_params("postgres"), "autocommit": True}) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(**{**_params("postgres"), "autocommit": True}) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _fingerprint(name: str) -> dict[str, tuple[int, str]]:
    """Each table of the database `name`: its number of rows and a digest of all of them."""
    found: dict[str, tuple[int, str]] = {}
    with psycopg.connect(**_params(name)) as db:
        tables = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()
        for (table,) in tables:
            row = db.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM {} AS t"
                ).format(sql.Identifier(table))
            ).fetchone()
            assert row is not None
            found[table] = (row[0], row[1])
    return found


def _sequences(name: str) -> dict[str, int | None]:
    with psycopg.connect(**_params(name)) as db:
        rows = db.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'").fetchall()
    return dict(rows)


def _triggers(name: str) -> set[tuple[str, str]]:
    with psycopg.connect(**_params(name)) as db:
        rows = db.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'"
        ).fetchall()
    return {(table, trigger) for table, trigger in rows}


def _a_whole_polycule() -> None:
    with transaction.atomic():
        people = seed_people()
        seed_values(people)
        seed_conversations(people)
        services.invite(by=people["Ana"], email="dee@example.com")
    for model in (Item, Version, Acknowledgment, Proposal, Discussion, Round, JournalEntry):
        assert model.objects.exists(), f"the demo made no {model.__name__}"


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_a_new_database_has_every_row_and_refuses_to_rewrite_history() -> None:
    _a_whole_polycule()
    source = str(connection.settings_dict["NAME"])

    with tempfile.TemporaryDirectory(prefix="trellis-backup-") as folder, _new_database() as restored:
        dump = Path(folder) / "trellis.dump"
        # The README's commands.
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump)], env=_client_env(source), check=True)
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", restored, str(dump)],
            env=_client_env(restored),
            check=True,
        )

        before, after = _fingerprint(source), _fingerprint(restored)
        assert after == before
        assert sum(1 for rows, _ in after.values() if rows) >= 20, "a whole polycule fills many tables"
        assert _sequences(restored) == _sequences(source)
        assert _triggers(restored) == _triggers(source)

        append_only = sorted(
            {model._meta.db_table for model, trigger in pgtrigger.registered() if isinstance(trigger, AppendOnly)}
        )
        assert {Version._meta.db_table, Acknowledgment._meta.db_table} <= {
            table for table in append_only if after[table][0]
        }
        with psycopg.connect(**_params(restored), autocommit=True) as db:
            for table in append_only:
                if not after[table][0]:
                    continue  # a row trigger has no row to refuse
                for statement in ("UPDATE {} SET id = id", "DELETE FROM {}"):
                    with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
                        db.execute(sql.SQL(statement).format(sql.Identifier(table)))
        assert _fingerprint(restored) == before
