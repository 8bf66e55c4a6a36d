"""manage.py tick: thin, with a dry run and one summary line; it records each run for the
health page, collects, sends what is due and retries the outbox."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts import mail as outbox
from notifications.management.commands.tick import Command
from notifications.models import Letter, Notice, Tick
from relationships.models import Membership
from tests.values.build import boundary

from .telling import mails_to

pytestmark = pytest.mark.usefixtures("mailoutbox")


def _tick(*args: str) -> str:
    out = StringIO()
    call_command("tick", *args, stdout=out)
    return out.getvalue()


def test_tick_sends_what_is_due_records_its_run_and_says_so_in_one_line(ana: Membership, ben: Membership) -> None:
    boundary(ben)
    said = _tick()
    assert said.count("\n") == 1
    assert said.startswith("Recorded ")
    assert "sent 1 mail(s)" in said
    run = Tick.objects.get()
    assert run.finished_at is not None
    assert run.finished_at >= run.started_at
    assert run.mails == 1
    assert run.notices == Notice.objects.count()
    assert len(mails_to(ana)) == 1


def test_a_second_tick_records_and_sends_nothing_more(ana: Membership, ben: Membership) -> None:
    boundary(ben)
    _tick()
    said = _tick()
    assert "Recorded 0 notice(s), sent 0 mail(s)" in said
    assert len(mails_to(ana)) == 1
    assert Tick.objects.count() == 2


def test_a_dry_run_says_what_would_happen_and_changes_nothing(ana: Membership, ben: Membership) -> None:
    boundary(ben)
    said = _tick("--dry-run")
    assert said.startswith("Dry run: would record 2 notice(s) and write to 1 person(s)")
    assert not Notice.objects.exists()
    assert not Letter.objects.exists()
    assert not Tick.objects.exists()
    assert not mails_to(ana)


def test_tick_retries_the_outbox(monkeypatch: pytest.MonkeyPatch, db: None) -> None:
    calls: list[object] = []

    def retry_due(now: object = None) -> int:
        calls.append(now)
        return 4

    monkeypatch.setattr(outbox, "retry_due", retry_due)
    assert "retried 4 mail(s)" in _tick()
    assert len(calls) == 1


def test_tick_explains_itself() -> None:
    text = Command().create_parser("manage.py", "tick").format_help()
    assert "every few" in text
    assert "--dry-run" in text
