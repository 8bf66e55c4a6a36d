"""Every mail goes through accounts.mail.make_message and one layout: the invitation and allauth's."""

import re
from pathlib import Path

import allauth
import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from accounts.adapters import AccountAdapter
from accounts.mail import make_message, queue_built, site_url
from accounts.models import OutboundMail, User
from relationships import services
from relationships.models import Invitation, Membership
from relationships.tasks import INVITATION_MAIL
from tests.factories import PASSWORD, InvitationFactory, UserFactory, token

NEW_PASSWORD = "a long and happy password"
PRIVACY = "Trellis keeps private things private"

# allauth's template prefix for each mail, and a word or link its Trellis version must show.
ALLAUTH_MAILS = {
    "account/email/email_confirmation_signup": "http://testserver/accounts/confirm-email/KEY/",
    "account/email/email_confirmation": "http://testserver/accounts/confirm-email/KEY/",
    "account/email/email_confirm": "confirmed",
    "account/email/password_reset_key": "http://testserver/accounts/password/reset/key/KEY/",
    "account/email/password_reset_code": "CODE-123456",
    "account/email/password_reset": "reset",
    "account/email/password_changed": "changed",
    "account/email/password_set": "set",
    "account/email/unknown_account": "http://testserver/accounts/signup/",
    "account/email/account_already_exists": "http://testserver/accounts/password/reset/",
    "account/email/email_changed": "o'neill@example.com",
    "account/email/email_deleted": "old&gone@example.com",
    "account/email/login_code": "CODE-123456",
    "mfa/email/totp_activated": "authenticator app",
    "mfa/email/totp_deactivated": "authenticator app",
    "mfa/email/recovery_codes_generated": "recovery codes",
    "mfa/email/webauthn_added": "security key",
    "mfa/email/webauthn_removed": "security key",
}

CODE_MAILS = {"account/email/login_code", "account/email/password_reset_code"}

CONTEXT = {
    "email": "ana@example.com",
    "activate_url": "http://testserver/accounts/confirm-email/KEY/",
    "key": "KEY",
    "password_reset_url": "http://testserver/accounts/password/reset/key/KEY/",
    "signup_url": "http://testserver/accounts/signup/",
    "timestamp": timezone.now(),
    "ip": "10.0.0.1",
    "user_agent": "Firefox on Linux",
    "from_email": "o'neill@example.com",
    "to_email": "ana@example.com",
    "deleted_email": "old&gone@example.com",
}


def _html(message: EmailMessage) -> str:
    assert isinstance(message, EmailMultiAlternatives)
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return str(html)


def _invite(ana: Membership, capture: DjangoCaptureOnCommitCallbacks, note: str = "") -> Invitation:
    with capture(execute=True):
        return services.invite(by=ana, email="eli@example.com", note=note)


def _assert_in_the_layout(message: EmailMessage) -> None:
    body = str(message.body)
    assert body.startswith("Hello,\n")
    assert "\nTrellis\n\n-- \nYou get this mail because " in body
    assert body.rstrip().endswith(PRIVACY + ": a mail from it says no more than it needs to.")
    html = _html(message)
    assert html.startswith("<!DOCTYPE html>")
    assert "You get this mail because " in html
    assert PRIVACY in html
    for said in (message.subject, body, html):
        assert "Hello from" not in said
        assert "Thank you for using" not in said


# The helper


def test_site_url_is_the_configured_protocol_and_host(settings: Settings) -> None:
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
    settings.SITE_HOST = "trellis.example"
    assert site_url("/invitations/abc/") == "https://trellis.example/invitations/abc/"


def test_make_message_renders_a_one_line_subject_a_text_body_and_an_html_alternative(ana: Membership) -> None:
    ana.polycule.name = "The Garden"
    ana.polycule.save()
    invitation = InvitationFactory.create(invited_by=ana)
    message = make_message("invitation", "eli@example.com", {"invitation": invitation, "link": "http://x/"})
    assert message.subject == "Ana invites you to The Garden on Trellis"
    assert message.to == ["eli@example.com"]
    assert "\n\n\n" not in message.body
    assert "http://x/" in _html(message)


# The invitation


def test_the_invitation_mail_has_a_text_and_an_html_body_in_the_layout(
    ana: Membership, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    invitation = _invite(ana, django_capture_on_commit_callbacks, note="Come and join us.")
    (message,) = mailoutbox
    assert message.to == ["eli@example.com"]
    assert message.subject == f"Ana invites you to {ana.polycule.name} on Trellis"
    link = site_url(f"/invitations/{token(invitation)}/")
    assert f"\n{link}\n" in message.body
    assert "Come and join us." in message.body
    assert "someone invited this address to a polycule on Trellis" in message.body
    html = _html(message)
    assert f'href="{link}"' in html
    assert "Come and join us." in html
    assert "someone invited this address to a polycule on Trellis" in html
    _assert_in_the_layout(message)
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def test_the_html_body_escapes_an_invitation_note(
    ana: Membership, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _invite(ana, django_capture_on_commit_callbacks, note="<script>alert('hi')</script>")
    html = _html(mailoutbox[0])
    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_the_subject_and_text_body_are_not_html_escaped(
    ana: Membership, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    ana.polycule.name = "Ana & Ben's"
    ana.polycule.save()
    _invite(ana, django_capture_on_commit_callbacks, note="Tea & cake <3")
    (message,) = mailoutbox
    assert message.subject == "Ana invites you to Ana & Ben's on Trellis"
    assert "Ana & Ben's" in message.body
    assert "Tea & cake <3" in message.body
    assert "&amp;" not in message.body


def test_an_invitation_no_longer_pending_is_not_mailed(ana: Membership, mailoutbox: list[EmailMessage]) -> None:
    invitation = InvitationFactory.create(invited_by=ana, revoked_at=timezone.now())
    queued = queue_built(INVITATION_MAIL, invitation.pk, invitation.email)
    assert mailoutbox == []
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    queued.refresh_from_db()
    assert queued.status == OutboundMail.Status.CANCELLED


# allauth's mails, sent by allauth's own flows


def test_signing_up_sends_the_verification_mail_in_the_layout(db: None, mailoutbox: list[EmailMessage]) -> None:
    Client().post(
        reverse("account_signup"),
        {"name": "Cam", "email": "cam@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    (message,) = mailoutbox
    assert message.to == ["cam@example.com"]
    assert message.subject == "Trellis: Confirm your e-mail address"
    assert "http://testserver/accounts/confirm-email/" in message.body
    assert "http://testserver/accounts/confirm-email/" in _html(message)
    assert "someone signed up for Trellis with this address" in message.body
    _assert_in_the_layout(message)


def test_a_known_address_gets_the_password_reset_mail(user: User, mailoutbox: list[EmailMessage]) -> None:
    Client().post(reverse("account_reset_password"), {"email": user.email})
    (message,) = mailoutbox
    assert message.to == [user.email]
    assert message.subject == "Trellis: Reset your password"
    assert "http://testserver/accounts/password/reset/key/" in message.body
    assert "http://testserver/accounts/password/reset/key/" in _html(message)
    _assert_in_the_layout(message)


def test_an_unknown_address_gets_the_unknown_account_mail(db: None, mailoutbox: list[EmailMessage]) -> None:
    Client().post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    (message,) = mailoutbox
    assert message.to == ["nobody@example.com"]
    assert message.subject == "Trellis: No account uses this address"
    assert f"\nhttp://testserver{reverse('account_signup')}\n" in message.body
    assert "someone gave this address to Trellis" in message.body
    _assert_in_the_layout(message)


def test_changing_the_password_sends_a_security_notice(user: User, mailoutbox: list[EmailMessage]) -> None:
    client = Client()
    assert client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 302
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.to == [user.email]
    assert message.subject == "Trellis: Your password was changed"
    assert "The password of your Trellis account was changed." in message.body
    assert "\nWhen: " in message.body
    assert "reset your password straight away" in message.body
    _assert_in_the_layout(message)


# Every allauth mail


@pytest.mark.parametrize("prefix", ALLAUTH_MAILS)
def test_every_allauth_mail_renders_in_trellis_words_and_layout(prefix: str) -> None:
    context = {**CONTEXT, "code": "CODE-123456"} if prefix in CODE_MAILS else CONTEXT
    message = AccountAdapter(RequestFactory().get("/")).render_mail(prefix, "ana@example.com", context)
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["ana@example.com"]
    assert message.from_email == "Trellis <hello@trellis.localhost>"
    assert message.subject.startswith("Trellis: ")
    assert "\n" not in message.subject
    shows = ALLAUTH_MAILS[prefix]
    assert shows.lower() in message.body.lower()
    assert "127.0.0.1:8000" not in message.body
    assert "127.0.0.1:8000" not in _html(message)
    _assert_in_the_layout(message)


def test_a_verification_by_code_shows_the_code_instead_of_a_link() -> None:
    context = {**CONTEXT, "code": "CODE-123456"}
    del context["activate_url"]
    for prefix in ("account/email/email_confirmation_signup", "account/email/email_confirmation"):
        message = AccountAdapter(RequestFactory().get("/")).render_mail(prefix, "ana@example.com", context)
        assert "\nCODE-123456\n" in message.body
        assert "CODE-123456" in _html(message)
        assert "http" not in message.body


def test_every_mail_allauth_can_send_has_a_trellis_version() -> None:
    stock = Path(allauth.__file__).parent / "templates"
    prefixes = {
        path.relative_to(stock).as_posix().removesuffix("_subject.txt")
        for folder in ("account/email", "mfa/email")
        for path in (stock / folder).glob("*_subject.txt")
    }
    assert prefixes == set(ALLAUTH_MAILS)


def test_a_notice_keeps_addresses_as_written_in_the_text_and_escapes_them_in_html() -> None:
    message = AccountAdapter(RequestFactory().get("/")).render_mail(
        "account/email/email_deleted", "ana@example.com", CONTEXT
    )
    assert "old&gone@example.com was removed" in message.body
    assert "old&amp;gone@example.com was removed" in _html(message)


def test_no_mail_sent_in_a_visit_greets_with_the_site_name(db: None, mailoutbox: list[EmailMessage]) -> None:
    known = UserFactory.create()
    for email in (known.email, "new@example.com"):
        Client().post(
            reverse("account_signup"),
            {"name": "Eli", "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        Client().post(reverse("account_reset_password"), {"email": email})
    assert len(mailoutbox) == 4
    for message in mailoutbox:
        first_line = message.body.splitlines()[0]
        assert first_line == "Hello,"
        assert "Hello from" not in message.body
        assert "testserver" not in first_line
        assert "127.0.0.1:8000" not in message.body


def test_mails_from_a_development_server_say_trellis_never_its_address(
    user: User, mailoutbox: list[EmailMessage]
) -> None:
    # allauth's own mails open with "Hello from {{ site_name }}", which is the host when no Site
    # is set up ("Hello from 127.0.0.1:8000"): Trellis's say Trellis, and the host is in links only.
    client = Client(headers={"host": "127.0.0.1:8000"})
    client.post(
        reverse("account_signup"),
        {"name": "Cam", "email": "cam@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert message.subject.startswith("Trellis: ")
        for said in (str(message.subject), str(message.body), _html(message)):
            assert "127.0.0.1:8000" not in re.sub(r"https?://127\.0\.0\.1:8000/\S*", "", said)
            assert "Hello from" not in said
        assert "\nTrellis\n" in str(message.body)
        _assert_in_the_layout(message)
