"""Promise 24 for mail: every mail goes through the outbox and the task worker, and a mail
server that is down or refuses loses nothing (accounts.mail, accounts.tasks)."""

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from io import StringIO
from smtplib import SMTPDataError, SMTPRecipientsRefused

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import DjangoAssertNumQueries, Settings

from accounts import mail
from accounts.mail import make_message, queue, queue_built, register, requeue, retry_due
from accounts.models import OutboundMail
from accounts.tasks import BACKOFF, TRIES, deliver
from relationships import services
from relationships.models import Invitation, Membership
from tests.factories import token

from .worker import DATABASE_TASKS, run_worker

Status = OutboundMail.Status
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SECRET = "OUTBOX-CANARY"


class FailingBackend(BaseEmailBackend):
    """A mail server that is down, or refuses: raises `FailingBackend.error` on every send."""

    error: Exception = ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise self.error


FAILING = {"default": {"BACKEND": f"{__name__}.FailingBackend"}}


@pytest.fixture(autouse=True)
def _own_builders(monkeypatch: pytest.MonkeyPatch) -> None:
    # Builders registered by a test are forgotten after it.
    monkeypatch.setattr(mail, "_builders", dict(mail._builders))


@pytest.fixture
def server_down(settings: Settings) -> Iterator[None]:
    settings.MAILERS = FAILING
    FailingBackend.error = ConnectionRefusedError(111, "Connection refused")
    yield
    settings.MAILERS = LOCMEM


def _message(to: str = "eli@example.com") -> EmailMultiAlternatives:
    message = make_message("account/password_changed", to, {"timestamp": timezone.now()})
    message.subject = f"Trellis: {SECRET} subject"
    message.extra_headers["List-Unsubscribe"] = "<https://trellis.example/unsubscribe/abc/>"
    return message


def _fresh(row: OutboundMail) -> OutboundMail:
    return OutboundMail.objects.get(pk=row.pk)


def _until_failed(row: OutboundMail) -> OutboundMail:
    while (row := _fresh(row)).status == Status.QUEUED:
        assert row.next_try_at is not None
        assert retry_due(row.next_try_at) == 1
    return row


class Greetings:
    """A builder an app would register: builds the mail for `ref` when it goes."""

    def __init__(self) -> None:
        self.built: list[int] = []
        self.sent: list[int] = []
        self.nothing_for: set[int] = set()

    def build(self, ref: int) -> EmailMultiAlternatives | None:
        self.built.append(ref)
        if ref in self.nothing_for:
            return None
        return EmailMultiAlternatives(subject=f"Greeting {ref}", body="Hello", to=["eli@example.com"])

    def mark_sent(self, ref: int) -> None:
        self.sent.append(ref)


@pytest.fixture
def greetings() -> Greetings:
    built = Greetings()
    register("tests.greeting", built.build, sent=built.mark_sent)
    return built


# A rendered mail


def test_a_queued_mail_goes_out_as_it_was_made_and_its_words_are_then_forgotten(
    db: None, mailoutbox: list[EmailMessage]
) -> None:
    made = _message()
    row = queue(made, name="account/password_changed")
    (sent,) = mailoutbox
    assert isinstance(sent, EmailMultiAlternatives)
    assert (sent.subject, sent.body, sent.alternatives, sent.to) == (
        made.subject,
        made.body,
        made.alternatives,
        made.to,
    )
    assert sent.from_email == made.from_email
    assert sent.extra_headers["List-Unsubscribe"] == "<https://trellis.example/unsubscribe/abc/>"
    row = _fresh(row)
    assert (row.status, row.tries, row.name) == (Status.SENT, 0, "account/password_changed")
    assert row.sent_at is not None
    assert (row.subject, row.body, row.html, row.headers) == ("", "", "", {})
    assert row.to == ["eli@example.com"]


def test_the_outbox_refuses_what_it_cannot_keep(db: None) -> None:
    with_copy = EmailMultiAlternatives("Hi", "Hello", to=["eli@example.com"], cc=["cy@example.com"])
    with_file = EmailMultiAlternatives("Hi", "Hello", to=["eli@example.com"])
    with_file.attach("notes.txt", "words", "text/plain")
    for message in (with_copy, with_file):
        with pytest.raises(ValueError, match="nothing else"):
            queue(message)
    assert not OutboundMail.objects.exists()


# A mail built when it goes


def test_a_built_mail_is_built_only_when_it_is_sent(
    db: None, greetings: Greetings, mailoutbox: list[EmailMessage]
) -> None:
    row = queue_built("tests.greeting", 7, "eli@example.com")
    assert greetings.built == [7]
    assert greetings.sent == [7]
    assert [m.subject for m in mailoutbox] == ["Greeting 7"]
    row = _fresh(row)
    assert (row.status, row.builder, row.ref, row.subject, row.body) == (Status.SENT, "tests.greeting", 7, "", "")


def test_a_builder_with_nothing_to_send_any_more_cancels_the_mail(
    db: None, greetings: Greetings, mailoutbox: list[EmailMessage]
) -> None:
    greetings.nothing_for.add(8)
    row = _fresh(queue_built("tests.greeting", 8, "eli@example.com"))
    assert mailoutbox == []
    assert greetings.sent == []
    assert (row.status, row.sent_at, row.tries) == (Status.CANCELLED, None, 0)
    assert retry_due(timezone.now() + timedelta(days=1)) == 0


def test_a_mail_whose_builder_nobody_registered_is_refused(db: None) -> None:
    with pytest.raises(LookupError):
        queue_built("tests.nobody", 1, "eli@example.com")
    assert not OutboundMail.objects.exists()


def test_two_functions_cannot_build_the_same_mail(greetings: Greetings) -> None:
    register("tests.greeting", greetings.build)
    with pytest.raises(ValueError, match="already builds"):
        register("tests.greeting", Greetings().build)


def test_a_builder_that_breaks_counts_as_a_failed_try(
    db: None, mailoutbox: list[EmailMessage], caplog: pytest.LogCaptureFixture
) -> None:
    def broken(ref: int) -> EmailMultiAlternatives | None:
        raise KeyError(SECRET)

    register("tests.broken", broken)
    row = _fresh(queue_built("tests.broken", 1, "eli@example.com"))
    assert (row.status, row.tries, row.last_error) == (Status.QUEUED, 1, "KeyError")
    assert mailoutbox == []


def test_a_hook_that_breaks_does_not_make_a_sent_mail_look_unsent(
    db: None, mailoutbox: list[EmailMessage], caplog: pytest.LogCaptureFixture
) -> None:
    def hook(ref: int) -> None:
        raise RuntimeError("the hook broke")

    register("tests.hooked", Greetings().build, sent=hook)
    row = _fresh(queue_built("tests.hooked", 1, "eli@example.com"))
    assert row.status == Status.SENT
    assert len(mailoutbox) == 1
    assert retry_due(timezone.now() + timedelta(days=1)) == 0
    assert len(mailoutbox) == 1


# Faults and retries


def test_a_mail_server_that_is_down_loses_nothing(
    db: None, server_down: None, settings: Settings, mailoutbox: list[EmailMessage]
) -> None:
    before = timezone.now()
    row = _fresh(queue(_message()))
    assert (row.status, row.tries, row.last_error) == (Status.QUEUED, 1, "ConnectionRefusedError")
    assert row.next_try_at is not None
    assert before + BACKOFF[0] <= row.next_try_at <= timezone.now() + BACKOFF[0]
    assert SECRET in row.subject
    assert mailoutbox == []

    settings.MAILERS = LOCMEM
    assert retry_due(row.next_try_at - timedelta(seconds=1)) == 0
    assert mailoutbox == []
    assert retry_due(row.next_try_at) == 1
    assert [m.subject for m in mailoutbox] == [f"Trellis: {SECRET} subject"]
    row = _fresh(row)
    assert (row.status, row.tries, row.subject) == (Status.SENT, 1, "")
    assert retry_due(timezone.now() + timedelta(days=1)) == 0
    assert len(mailoutbox) == 1


def test_each_try_waits_longer_and_after_the_last_the_mail_is_failed(
    db: None, server_down: None, mailoutbox: list[EmailMessage], caplog: pytest.LogCaptureFixture
) -> None:
    row = queue(_message())
    waits: list[timedelta] = []
    while (row := _fresh(row)).status == Status.QUEUED:
        assert row.next_try_at is not None
        tried_at = timezone.now()
        waits.append(row.next_try_at - tried_at)
        assert retry_due(row.next_try_at) == 1
    assert [round(wait.total_seconds() / 60) for wait in waits] == [1, 5, 15, 60, 240]
    assert (row.status, row.tries, row.next_try_at, row.last_error) == (
        Status.FAILED,
        TRIES,
        None,
        "ConnectionRefusedError",
    )
    assert SECRET in row.subject, "a failed mail keeps its words, to be retried"
    assert retry_due(timezone.now() + timedelta(days=30)) == 0
    assert mailoutbox == []
    assert f"Mail {row.pk} failed after {TRIES} tries (ConnectionRefusedError)." in caplog.messages


@pytest.mark.parametrize(
    ("error", "kept"),
    [
        (SMTPDataError(554, f"5.7.1 Rejected: {SECRET} looks like spam".encode()), "SMTPDataError 554"),
        (SMTPDataError(451, b"4.3.0 Try again later"), "SMTPDataError 451"),
        (
            SMTPRecipientsRefused({"eli@example.com": (550, f"no mailbox {SECRET}".encode())}),
            "SMTPRecipientsRefused 550",
        ),
        (TimeoutError("timed out"), "TimeoutError"),
    ],
)
def test_a_refusal_keeps_the_error_class_and_code_never_the_servers_words(
    error: Exception,
    kept: str,
    db: None,
    server_down: None,
    mailoutbox: list[EmailMessage],
    caplog: pytest.LogCaptureFixture,
) -> None:
    FailingBackend.error = error
    row = _fresh(queue(_message()))
    assert (row.status, row.tries, row.last_error) == (Status.QUEUED, 1, kept)
    assert mailoutbox == []
    assert caplog.messages
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert "eli@example.com" not in record.getMessage()


def test_a_second_task_for_a_mail_waiting_out_its_backoff_does_nothing(
    db: None, server_down: None, settings: Settings, mailoutbox: list[EmailMessage]
) -> None:
    row = queue(_message())
    settings.MAILERS = LOCMEM
    deliver.enqueue(row.pk)
    row = _fresh(row)
    assert (row.status, row.tries) == (Status.QUEUED, 1)
    assert mailoutbox == []


def test_a_failed_mail_can_be_put_back_in_the_queue(
    db: None, server_down: None, settings: Settings, mailoutbox: list[EmailMessage]
) -> None:
    row = _until_failed(queue(_message()))
    assert not requeue(row.pk + 1)
    settings.MAILERS = LOCMEM
    assert requeue(row.pk)
    row = _fresh(row)
    assert (row.status, row.tries) == (Status.SENT, 0)
    assert len(mailoutbox) == 1
    assert not requeue(row.pk), "a sent mail is not sent again"
    assert len(mailoutbox) == 1


# Retrying is cheap and idempotent: `tick` runs it every few minutes, maybe twice at once.


def test_retry_due_enqueues_each_due_mail_once(db: None, settings: Settings, mailoutbox: list[EmailMessage]) -> None:
    settings.MAILERS = FAILING
    FailingBackend.error = ConnectionRefusedError(111, "Connection refused")
    with DATABASE_TASKS:
        row = queue(_message())
        assert DBTaskResult.objects.count() == 1
        assert retry_due(timezone.now() + timedelta(minutes=5)) == 0, "its task is on its way"
        run_worker()
        row = _fresh(row)
        assert (row.status, row.tries) == (Status.QUEUED, 1)
        assert row.next_try_at is not None
        assert retry_due(row.next_try_at) == 1
        assert retry_due(row.next_try_at) == 0
        assert retry_due(row.next_try_at + mail.LOST_AFTER - timedelta(seconds=1)) == 0, "its task is on its way"
        assert DBTaskResult.objects.count() == 2
        settings.MAILERS = LOCMEM
        run_worker()
    assert _fresh(row).status == Status.SENT
    assert len(mailoutbox) == 1


def test_a_task_the_worker_lost_is_enqueued_again(db: None, mailoutbox: list[EmailMessage]) -> None:
    with DATABASE_TASKS:
        row = queue(_message())
        DBTaskResult.objects.all().delete()  # a worker killed while it held the task
        later = timezone.now() + mail.LOST_AFTER
        assert retry_due(later - timedelta(minutes=1)) == 0
        assert retry_due(later + timedelta(minutes=1)) == 1
        run_worker()
    assert _fresh(row).status == Status.SENT
    assert len(mailoutbox) == 1


class SlowBackend(LocmemBackend):
    """A mail server that takes its time, so that two workers meet on one mail."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        time.sleep(0.5)
        return super().send_messages(messages)


def _at_once(work: Callable[[], object], times: int = 2) -> None:
    barrier = threading.Barrier(times, timeout=10)

    def run() -> None:
        try:
            barrier.wait()
            work()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_one_mail_send_it_once(settings: Settings, mailoutbox: list[EmailMessage]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL row locks: run with DATABASE_URL=postgres://...")
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.SlowBackend"}}
    with DATABASE_TASKS:
        row = queue(_message())
    _at_once(lambda: deliver.call(row.pk))
    assert len(mailoutbox) == 1
    assert _fresh(row).status == Status.SENT


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_enqueue_a_due_mail_once(server_down: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL row locks: run with DATABASE_URL=postgres://...")
    row = _fresh(queue(_message()))
    assert row.next_try_at is not None
    due = row.next_try_at
    with DATABASE_TASKS:
        _at_once(lambda: retry_due(due), times=4)
        assert DBTaskResult.objects.count() == 1
    row = _fresh(row)
    assert (row.next_try_at, row.enqueued_at) == (None, due)


def test_retry_due_costs_the_same_however_many_mails_wait(
    db: None, server_down: None, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(20):
        queue(_message(f"p{n}@example.com"))
    with django_assert_max_num_queries(3):
        assert retry_due() == 0


# No mail is sent in a web request


@pytest.mark.parametrize(
    ("url", "data", "name"),
    [
        (
            "account_signup",
            {
                "name": "Cam",
                "email": "cam@example.com",
                "password1": "a long and happy password",
                "password2": "a long and happy password",
            },
            "account/email_confirmation_signup",
        ),
        ("account_reset_password", {"email": "nobody@example.com"}, "account/unknown_account"),
    ],
)
def test_allauth_mail_is_queued_in_the_request_and_sent_by_the_worker(
    url: str, data: dict[str, str], name: str, db: None, mailoutbox: list[EmailMessage]
) -> None:
    with DATABASE_TASKS:
        response = Client().post(reverse(url), data)
        assert response.status_code == 302
        (row,) = OutboundMail.objects.all()
        assert (row.status, row.name, row.to) == (Status.QUEUED, name, [data["email"]])
        assert mailoutbox == []
        run_worker()
    (message,) = mailoutbox
    assert message.to == [data["email"]]
    assert message.subject.startswith("Trellis: ")
    assert "http://testserver/accounts/" in message.body
    row = _fresh(row)
    assert (row.status, row.subject, row.body, row.html) == (Status.SENT, "", "", "")


def test_the_invitation_link_never_waits_in_the_queue_and_sent_at_means_mailed(
    ana: Membership, settings: Settings, mailoutbox: list[EmailMessage]
) -> None:
    settings.MAILERS = FAILING
    with DATABASE_TASKS:
        invitation = services.invite(by=ana, email="eli@example.com", note="Come and join us.")
        link = token(invitation)
        (row,) = OutboundMail.objects.all()
        (task,) = DBTaskResult.objects.all()
        stored = [str(field.value_from_object(row)) for field in OutboundMail._meta.concrete_fields]
        assert not [value for value in [*stored, str(task.args_kwargs)] if link in value or "Come and join" in value]
        assert (row.builder, row.ref, task.args_kwargs["args"]) == ("relationships.invitation", invitation.pk, [row.pk])

        run_worker()
        assert Invitation.objects.get(pk=invitation.pk).sent_at is None, "not mailed while the server is down"
        settings.MAILERS = LOCMEM
        row = _fresh(row)
        assert row.next_try_at is not None
        assert retry_due(row.next_try_at) == 1
        run_worker()
    (message,) = mailoutbox
    assert f"/invitations/{link}/" in message.body
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None


# The operator's command


def _status(*args: str) -> str:
    out = StringIO()
    call_command("mail_status", *args, stdout=out)
    return out.getvalue()


def test_mail_status_counts_and_lists_failed_and_overdue_mail_without_its_words(
    db: None, server_down: None, settings: Settings
) -> None:
    failed = _until_failed(queue(_message("eli@example.com")))
    settings.MAILERS = LOCMEM
    queue(_message("ok@example.com"))
    with DATABASE_TASKS:
        late = queue(_message("late@example.com"))
    OutboundMail.objects.filter(pk=late.pk).update(enqueued_at=timezone.now() - timedelta(hours=1))
    report = _status()
    lines = report.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(
        f"#{failed.pk} failed to eli@example.com (a mail): 6 tries, last error ConnectionRefusedError;"
    )
    assert lines[1].startswith(f"#{late.pk} queued to late@example.com (a mail): 0 tries, last error none;")
    assert lines[-1] == "Outbox: 1 queued, 1 sent, 0 nothing to send, 1 failed; 1 overdue."
    assert SECRET not in report
    assert "Hello" not in report


def test_mail_status_retry_puts_a_failed_mail_back(
    db: None, server_down: None, settings: Settings, mailoutbox: list[EmailMessage]
) -> None:
    failed = _until_failed(queue(_message()))
    settings.MAILERS = LOCMEM
    assert _status("--retry", str(failed.pk)) == f"Mail {failed.pk} is back in the queue.\n"
    assert len(mailoutbox) == 1
    assert _status().splitlines() == ["Outbox: 0 queued, 1 sent, 0 nothing to send, 0 failed; 0 overdue."]
    with pytest.raises(CommandError, match=f"No failed mail has the id {failed.pk}"):
        _status("--retry", str(failed.pk))
