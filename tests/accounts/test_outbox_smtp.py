"""Promise 24 against a real SMTP server (aiosmtpd) that is stopped and started again:
the mail arrives once it is back, exactly once, and after the last try it is failed and listed."""

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from io import StringIO
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.core.management import call_command
from django.utils import timezone
from pytest_django import Settings

from accounts.mail import make_message, queue, retry_due
from accounts.models import OutboundMail
from accounts.tasks import TRIES
from config.settings.env import mailer_from_url
from relationships import services
from relationships.models import Invitation, Membership
from tests.factories import token

from .worker import DATABASE_TASKS, run_worker

Status = OutboundMail.Status


class Inbox:
    """What the SMTP server received; it answers `refuse` (a 4xx or 5xx line) while that is set."""

    def __init__(self) -> None:
        self.received: list[Envelope] = []
        self.refuse = ""

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return self.refuse
        self.received.append(envelope)
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        return [_parsed(envelope)["Subject"] for envelope in self.received]


class MailServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def _parsed(envelope: Envelope) -> Any:
    content = envelope.original_content or b""
    return message_from_bytes(content)


def _text(envelope: Envelope) -> str:
    """The plain-text part, decoded from its transfer encoding."""
    return str(_parsed(envelope).get_payload(0).get_payload(decode=True).decode())


@pytest.fixture
def server(settings: Settings) -> Iterator[MailServer]:
    server = MailServer()
    settings.MAILERS = {"default": mailer_from_url(f"smtp+plain://127.0.0.1:{server.port}?timeout=5")}
    server.start()
    yield server
    server.stop()


def _send(subject: str, to: str = "eli@example.com") -> OutboundMail:
    message = make_message("account/password_changed", to, {"timestamp": timezone.now()})
    message.subject = subject
    return queue(message, name="account/password_changed")


def _fresh(row: OutboundMail) -> OutboundMail:
    return OutboundMail.objects.get(pk=row.pk)


def test_mail_sent_while_the_server_is_stopped_arrives_once_when_it_is_started_again(
    db: None, server: MailServer
) -> None:
    assert _fresh(_send("Before")).status == Status.SENT
    assert server.inbox.subjects() == ["Before"]

    server.stop()
    row = _fresh(_send("While it was down"))
    assert (row.status, row.tries, row.last_error) == (Status.QUEUED, 1, "ConnectionRefusedError")
    assert row.next_try_at is not None
    assert server.inbox.subjects() == ["Before"]

    server.start()
    assert retry_due(row.next_try_at - timedelta(seconds=1)) == 0, "not before its backoff"
    assert retry_due(row.next_try_at) == 1
    assert server.inbox.subjects() == ["Before", "While it was down"]
    arrived = _parsed(server.inbox.received[-1])
    assert arrived["To"] == "eli@example.com"
    assert "The password of your Trellis account was changed." in _text(server.inbox.received[-1])
    row = _fresh(row)
    assert (row.status, row.tries, row.subject, row.body) == (Status.SENT, 1, "", "")

    assert retry_due(timezone.now() + timedelta(days=1)) == 0
    assert server.inbox.subjects() == ["Before", "While it was down"]


def test_a_server_that_refuses_for_a_while_gets_the_mail_once_it_accepts(db: None, server: MailServer) -> None:
    server.inbox.refuse = "451 4.3.0 Mailbox busy, try again later"
    row = _fresh(_send("Refused at first"))
    assert (row.status, row.tries, row.last_error) == (Status.QUEUED, 1, "SMTPDataError 451")
    assert row.next_try_at is not None
    assert retry_due(row.next_try_at) == 1
    row = _fresh(row)
    assert (row.status, row.tries) == (Status.QUEUED, 2)
    assert server.inbox.received == []

    server.inbox.refuse = ""
    assert row.next_try_at is not None
    assert retry_due(row.next_try_at) == 1
    assert server.inbox.subjects() == ["Refused at first"]
    assert _fresh(row).status == Status.SENT


def test_after_the_last_try_the_mail_is_failed_listed_and_can_be_sent_again(db: None, server: MailServer) -> None:
    server.stop()
    row = _send("Never while down")
    while (row := _fresh(row)).status == Status.QUEUED:
        assert row.next_try_at is not None
        assert retry_due(row.next_try_at) == 1
    assert (row.status, row.tries, row.last_error) == (Status.FAILED, TRIES, "ConnectionRefusedError")

    out = StringIO()
    call_command("mail_status", stdout=out)
    report = out.getvalue()
    assert f"#{row.pk} failed to eli@example.com (account/password_changed): {TRIES} tries" in report
    assert "1 failed" in report
    assert "Never while down" not in report

    server.start()
    call_command("mail_status", "--retry", str(row.pk), stdout=StringIO())
    assert server.inbox.subjects() == ["Never while down"]
    assert retry_due(timezone.now() + timedelta(days=1)) == 0
    assert server.inbox.subjects() == ["Never while down"]


def test_the_worker_sends_an_invitation_through_smtp_once_the_server_is_back(
    ana: Membership, server: MailServer
) -> None:
    server.stop()
    with DATABASE_TASKS:
        invitation = services.invite(by=ana, email="eli@example.com")
        run_worker()
        (row,) = OutboundMail.objects.all()
        assert (row.status, row.tries) == (Status.QUEUED, 1)
        assert Invitation.objects.get(pk=invitation.pk).sent_at is None

        server.start()
        row = _fresh(row)
        assert row.next_try_at is not None
        assert retry_due(row.next_try_at) == 1
        run_worker()
        run_worker()
    (envelope,) = server.inbox.received
    assert envelope.rcpt_tos == ["eli@example.com"]
    assert f"/invitations/{token(invitation)}/" in _text(envelope)
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None
