"""Promise 15 and the invitation rules of DESIGN.md, tested on relationships.services."""

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import OperationalError, connection, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.models import User
from relationships import services
from relationships.invitations import token_for
from relationships.models import Invitation, Membership
from relationships.services import STATUS_MESSAGES, RuleError
from tests.accounts.worker import DATABASE_TASKS, run_worker
from tests.conftest import client_for
from tests.factories import InvitationFactory, UserFactory, token

LINK = re.compile(r"https?://[^/\s]+/invitations/(?P<token>[^/\s]+)/")


def _invite(ana: Membership, email: str, capture: DjangoCaptureOnCommitCallbacks, note: str = "") -> Invitation:
    with capture(execute=True):
        return services.invite(by=ana, email=email, note=note)


def _token_from_mail(message: EmailMessage) -> str:
    found = LINK.search(str(message.body))
    assert found, message.body
    return found.group("token")


def _expire(invitation: Invitation) -> Invitation:
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save(update_fields=["expires_at"])
    return invitation


def _accept(invitation: Invitation, user: User) -> Membership:
    return services.accept_invitation(invitation=invitation, user=user, display_name="Eli")


# Tokens


def test_the_link_token_has_at_least_128_bits(
    ana: Membership, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    _invite(ana, "eli@example.com", django_capture_on_commit_callbacks)
    _invite(ana, "cy@example.com", django_capture_on_commit_callbacks)
    first, second = (_token_from_mail(m) for m in mailoutbox)
    assert re.fullmatch(r"[0-9a-f]+", first)
    assert len(first) * 4 >= 128
    assert first != second


def test_each_invitation_gets_its_own_random_salt(ana: Membership) -> None:
    salts = {services.invite(by=ana, email=f"p{n}@example.com").salt for n in range(5)}
    assert len(salts) == 5
    assert all(len(bytes.fromhex(salt)) * 8 >= 128 for salt in salts)


def test_only_the_sha256_of_the_token_is_stored(
    ana: Membership, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    invitation = _invite(ana, "eli@example.com", django_capture_on_commit_callbacks)
    raw = _token_from_mail(mailoutbox[0])
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    for field in Invitation._meta.concrete_fields:
        assert raw not in str(field.value_from_object(invitation)), field.name


def test_the_database_alone_cannot_rebuild_a_link(ana: Membership) -> None:
    invitation = services.invite(by=ana, email="eli@example.com")
    with override_settings(SECRET_KEY="another-secret-key-entirely-0123456789-abcdefghijklmnop"):
        forged = token_for(invitation.salt)
    assert services.find_invitation(forged) is None
    assert services.find_invitation(token(invitation)) == invitation


@pytest.mark.parametrize("bad", ["", "x", "0" * 64, "a" * 129])
def test_find_invitation_refuses_unknown_tokens(bad: str, ana: Membership) -> None:
    invitation = services.invite(by=ana, email="eli@example.com")
    assert services.find_invitation(bad) is None
    assert services.find_invitation(token(invitation)[:-1]) is None


# Inviting


def test_invite_refuses_an_address_already_in_the_polycule(ana: Membership, ben: Membership) -> None:
    with pytest.raises(RuleError, match="already in this polycule"):
        services.invite(by=ana, email=ben.user.email.upper())
    assert not Invitation.objects.exists()


def test_invite_refuses_a_verified_second_address_of_a_member(ana: Membership, ben: Membership) -> None:
    EmailAddress.objects.create(user=ben.user, email="ben.second@example.com", verified=True)
    with pytest.raises(RuleError, match="already in this polycule"):
        services.invite(by=ana, email="Ben.Second@example.com")


def test_invite_refuses_an_address_with_a_pending_invitation(ana: Membership) -> None:
    services.invite(by=ana, email="eli@example.com")
    with pytest.raises(RuleError, match="already has an invitation waiting"):
        services.invite(by=ana, email="  ELI@example.com ")
    assert Invitation.objects.count() == 1


def test_invite_accepts_an_address_whose_last_invitation_expired_or_was_revoked(ana: Membership) -> None:
    _expire(services.invite(by=ana, email="eli@example.com"))
    services.invite(by=ana, email="eli@example.com")
    services.revoke_invitation(by=ana, invitation=Invitation.objects.pending().get())
    services.invite(by=ana, email="eli@example.com")
    assert Invitation.objects.count() == 3
    assert Invitation.objects.pending().count() == 1


def test_the_same_address_may_be_invited_to_two_polycules(ana: Membership, zed: Membership) -> None:
    services.invite(by=ana, email="eli@example.com")
    services.invite(by=zed, email="eli@example.com")
    assert Invitation.objects.pending().count() == 2


def test_the_invitation_expires_after_the_configured_days(ana: Membership) -> None:
    with override_settings(INVITATION_DAYS=3):
        invitation = services.invite(by=ana, email="eli@example.com")
    assert timedelta(days=3) - timedelta(minutes=1) < invitation.expires_at - timezone.now() <= timedelta(days=3)


def test_the_invitation_mail_has_a_text_part_an_html_part_and_the_link(
    ana: Membership, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    invitation = _invite(ana, "eli@example.com", django_capture_on_commit_callbacks, note="Come and join us.")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["eli@example.com"]
    assert "Ana" in message.subject
    assert ana.polycule.name in message.subject
    link = f"/invitations/{token(invitation)}/"
    assert link in message.body
    assert "Come and join us." in message.body
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    assert isinstance(html, str)
    assert link in html
    assert "Come and join us." in html
    invitation.refresh_from_db()
    assert invitation.sent_at is not None


def _invite_and_roll_back(ana: Membership) -> None:
    with transaction.atomic():
        services.invite(by=ana, email="eli@example.com")
        raise RuntimeError("the invitation is rolled back")


def test_the_mail_waits_for_the_commit_and_the_worker(ana: Membership, mailoutbox: list[EmailMessage]) -> None:
    with DATABASE_TASKS:
        with pytest.raises(RuntimeError, match="rolled back"):
            _invite_and_roll_back(ana)
        run_worker()
        assert mailoutbox == []
        services.invite(by=ana, email="eli@example.com")
        assert mailoutbox == []
        run_worker()
    assert [message.to for message in mailoutbox] == [["eli@example.com"]]


def test_a_revoked_invitation_is_not_mailed(ana: Membership, mailoutbox: list[EmailMessage]) -> None:
    with DATABASE_TASKS:
        invitation = services.invite(by=ana, email="eli@example.com")
        services.revoke_invitation(by=ana, invitation=invitation)
        run_worker()
    assert mailoutbox == []
    invitation.refresh_from_db()
    assert invitation.sent_at is None


# Accepting


def test_accept_makes_a_member_under_the_chosen_name(ana: Membership) -> None:
    invitation = InvitationFactory.create(invited_by=ana, email="eli@example.com")
    eli = UserFactory.create(email="eli@example.com")
    membership = services.accept_invitation(invitation=invitation, user=eli, display_name="Elijah", pronouns="he/him")
    assert membership.polycule == ana.polycule
    assert membership.user == eli
    assert membership.display_name == "Elijah"
    assert membership.pronouns == "he/him"
    assert membership.role == Membership.Role.MEMBER
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_membership == membership


def test_accept_matches_the_address_whatever_its_case(ana: Membership) -> None:
    invitation = InvitationFactory.create(invited_by=ana, email="Eli@Example.com")
    eli = UserFactory.create(email="eli@example.com")
    assert _accept(invitation, eli).is_active


def test_accept_works_with_a_verified_second_address(ana: Membership) -> None:
    invitation = InvitationFactory.create(invited_by=ana, email="eli.work@example.com")
    eli = UserFactory.create(email="eli@example.com")
    EmailAddress.objects.create(user=eli, email="eli.work@example.com", verified=True)
    assert _accept(invitation, eli).is_active


def test_accept_refuses_someone_with_another_address(ana: Membership) -> None:
    invitation = InvitationFactory.create(invited_by=ana, email="eli@example.com")
    with pytest.raises(RuleError, match="different e-mail address"):
        _accept(invitation, UserFactory.create(email="mallory@example.com"))
    assert not Membership.objects.filter(display_name="Eli").exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_accept_refuses_a_matching_address_that_is_not_verified(ana: Membership) -> None:
    invitation = InvitationFactory.create(invited_by=ana, email="eli@example.com")
    eli = UserFactory.create(email="eli@example.com", verified=False)
    EmailAddress.objects.create(user=eli, email="eli@example.com", verified=False, primary=True)
    with pytest.raises(RuleError):
        _accept(invitation, eli)
    assert not Membership.objects.filter(user=eli).exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


def _expired(ana: Membership) -> Invitation:
    return _expire(InvitationFactory.create(invited_by=ana, email="eli@example.com"))


def _used(ana: Membership) -> Invitation:
    invitation = InvitationFactory.create(invited_by=ana, email="eli@example.com")
    _accept(invitation, UserFactory.create(email="eli@example.com"))
    return invitation


def _revoked(ana: Membership) -> Invitation:
    invitation = InvitationFactory.create(invited_by=ana, email="eli@example.com")
    return services.revoke_invitation(by=ana, invitation=invitation)


@pytest.mark.parametrize(
    ("make", "status"),
    [
        (_expired, Invitation.Status.EXPIRED),
        (_used, Invitation.Status.ACCEPTED),
        (_revoked, Invitation.Status.REVOKED),
    ],
)
def test_a_dead_invitation_refuses_with_its_own_message(
    make: Callable[[Membership], Invitation], status: Invitation.Status, ana: Membership
) -> None:
    invitation = make(ana)
    eli = User.objects.filter(email="eli@example.com").first() or UserFactory.create(email="eli@example.com")
    memberships = Membership.objects.count()
    with pytest.raises(RuleError) as refused:
        _accept(invitation, eli)
    assert refused.value.message == STATUS_MESSAGES[status]
    assert Membership.objects.count() == memberships


def test_each_dead_state_has_a_different_message() -> None:
    messages = [
        STATUS_MESSAGES[s] for s in (Invitation.Status.EXPIRED, Invitation.Status.ACCEPTED, Invitation.Status.REVOKED)
    ]
    assert len(set(messages)) == 3
    assert "expired" in messages[0]
    assert "already been used" in messages[1]
    assert "withdrawn" in messages[2]


def test_an_invitation_is_single_use_even_for_the_same_person(ana: Membership) -> None:
    invitation = InvitationFactory.create(invited_by=ana, email="eli@example.com")
    eli = UserFactory.create(email="eli@example.com")
    _accept(invitation, eli)
    with pytest.raises(RuleError, match="already been used"):
        _accept(invitation, eli)
    assert Membership.objects.filter(user=eli).count() == 1


def test_accept_refuses_someone_already_in_the_polycule(ana: Membership, ben: Membership) -> None:
    invitation = InvitationFactory.create(invited_by=ana, email=ben.user.email)
    with pytest.raises(RuleError, match="already in this polycule"):
        _accept(invitation, ben.user)
    invitation.refresh_from_db()
    assert invitation.is_pending


def test_a_former_member_can_be_invited_back_and_accepted(ana: Membership, dee: Membership) -> None:
    invitation = services.invite(by=ana, email=dee.user.email)
    again = services.accept_invitation(invitation=invitation, user=dee.user, display_name="Dee again")
    assert again.pk != dee.pk
    assert again.is_active
    dee.refresh_from_db()
    assert dee.left_at is not None
    assert dee.display_name == "Dee"
    assert Membership.objects.filter(user=dee.user, polycule=ana.polycule).count() == 2


# Resending and revoking


def test_resend_extends_the_expiry_and_mails_again(
    ana: Membership, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    invitation = _invite(ana, "eli@example.com", django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        resent = services.resend_invitation(by=ana, invitation=invitation)
    assert resent.expires_at > timezone.now() + timedelta(days=6)
    assert len(mailoutbox) == 2
    assert _token_from_mail(mailoutbox[1]) == _token_from_mail(mailoutbox[0])


def test_resend_brings_an_expired_invitation_back(
    ana: Membership, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    invitation = _expired(ana)
    with django_capture_on_commit_callbacks(execute=True):
        resent = services.resend_invitation(by=ana, invitation=invitation)
    assert resent.is_pending
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("make", [_used, _revoked])
def test_resend_is_refused_for_a_used_or_revoked_invitation(
    make: Callable[[Membership], Invitation],
    ana: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    invitation = make(ana)
    expires_at = Invitation.objects.get(pk=invitation.pk).expires_at
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuleError, match="cannot be resent"):
        services.resend_invitation(by=ana, invitation=invitation)
    assert mailoutbox == []
    assert Invitation.objects.get(pk=invitation.pk).expires_at == expires_at


def test_revoke_makes_the_link_stop_working(ana: Membership) -> None:
    invitation = InvitationFactory.create(invited_by=ana, email="eli@example.com")
    revoked = services.revoke_invitation(by=ana, invitation=invitation)
    assert revoked.status == Invitation.Status.REVOKED
    assert not Invitation.objects.pending().exists()
    with pytest.raises(RuleError, match="withdrawn"):
        _accept(invitation, UserFactory.create(email="eli@example.com"))


def test_revoking_twice_keeps_the_first_time(ana: Membership) -> None:
    invitation = services.revoke_invitation(by=ana, invitation=InvitationFactory.create(invited_by=ana))
    first = invitation.revoked_at
    assert services.revoke_invitation(by=ana, invitation=invitation).revoked_at == first


def test_revoke_is_refused_for_an_accepted_invitation(ana: Membership) -> None:
    invitation = _used(ana)
    with pytest.raises(RuleError, match="already accepted"):
        services.revoke_invitation(by=ana, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# Two accepts at once


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_make_exactly_one_membership(ana: Membership) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs PostgreSQL row locks: run with DATABASE_URL=postgres://...")
    invitation = InvitationFactory.create(invited_by=ana, email="eli@example.com")
    eli = UserFactory.create(email="eli@example.com")
    barrier = threading.Barrier(2, timeout=10)
    results: list[object] = []

    def accept() -> None:
        try:
            barrier.wait()
            results.append(_accept(invitation, eli))
        except RuleError as exc:
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == 2
    assert sum(isinstance(r, Membership) for r in results) == 1
    refused = next(r for r in results if isinstance(r, RuleError))
    assert refused.message in {STATUS_MESSAGES[Invitation.Status.ACCEPTED], "You are already in this polycule."}
    assert Membership.objects.filter(user=eli, polycule=ana.polycule).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_membership is not None


# Logs


def _outage(token: str) -> None:
    raise OperationalError("the database went away")


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Everything logged at DEBUG or above, including loggers that do not propagate."""
    caplog.set_level(logging.DEBUG)
    quiet = [logging.getLogger(name) for name in ("trellis.security", "django.server")]
    for logger in quiet:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in quiet:
        logger.removeHandler(caplog.handler)


def test_the_token_is_never_logged(
    ana: Membership,
    all_logs: pytest.LogCaptureFixture,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ana).post(
            reverse("relationships:invitation_create", args=[ana.polycule.public_id]),
            {"email": "eli@example.com", "note": "Hello"},
        )
    assert response.status_code == 302
    raw = _token_from_mail(mailoutbox[0])
    eli = UserFactory.create(email="eli@example.com")
    client = client_for(eli)
    assert client.get(f"/invitations/{raw}/").status_code == 302
    assert client.get(reverse("relationships:invitation_landing")).status_code == 200
    # A link copied in part, a link posted to: both answered without writing the path to the log.
    assert Client().get(f"/invitations/{raw[:-2]}/").status_code == 404
    assert Client().post(f"/invitations/{raw}/").status_code == 405
    assert Client(enforce_csrf_checks=True).post(f"/invitations/{raw}/").status_code == 403
    accepted = client.post(reverse("relationships:invitation_accept"), {"display_name": "Eli"})
    assert accepted.status_code == 302
    # A database outage while the link is opened: a 500, logged without the path.
    monkeypatch.setattr(services, "find_invitation", _outage)
    assert Client(raise_request_exception=False).get(f"/invitations/{raw}/").status_code == 500
    # The capture works: an ordinary 404 is in it.
    assert client.get("/no-such-page/").status_code == 404
    assert "/no-such-page/" in all_logs.text
    assert "Internal Server Error: /invitations/" in all_logs.text
    assert "Forbidden (CSRF cookie not set.): /invitations/" in all_logs.text
    text = all_logs.text + "".join(str(r.args) for r in all_logs.records)
    for start in range(0, len(raw) - 16, 8):
        assert raw[start : start + 16] not in text


def test_the_development_server_log_drops_the_token_too(all_logs: pytest.LogCaptureFixture) -> None:
    raw = "0123456789abcdef" * 4
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /invitations/{raw}/ HTTP/1.1", 302, 0)
    assert "GET /invitations/" in all_logs.text
    assert raw[:16] not in all_logs.text
