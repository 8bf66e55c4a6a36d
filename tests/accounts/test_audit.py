"""Promise 25: the audit log. Each security event is one JSON line with the account, the client
address and the time, and never anyone's words, a password, a token or a session key; a person
sees the events of their own account, and nobody else's."""

import io
import json
import logging
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.mail import EmailMessage
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from accounts import audit
from accounts.jsonlog import JSONFormatter
from accounts.models import SecurityEvent, User
from conversations.models import JournalEntry
from relationships.models import Invitation, Membership
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory, token
from values import services as values

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

NEW_PASSWORD = "a long and happy password"
WRONG_PASSWORD = "not the password at all"
LOGIN = reverse("account_login")


class AuditLog:
    """What the logger ``trellis.audit`` wrote during a test, through the project's formatter."""

    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]

    def of(self, action: str) -> list[dict[str, Any]]:
        return [event for event in self.events() if event["event"] == action]

    def one(self, action: str, user: User | None, ip: str = "127.0.0.1") -> dict[str, Any]:
        """The single event of that kind, for that account, from that address, just now."""
        found = self.of(action)
        assert len(found) == 1, (action, found)
        event = found[0]
        assert event["user_id"] == (user.pk if user is not None else None), event
        assert event["ip"] == ip, event
        at = datetime.fromisoformat(event["at"])
        assert timezone.now() - timedelta(minutes=1) < at <= timezone.now(), event
        return event


@pytest.fixture
def audit_log() -> Iterator[AuditLog]:
    log = AuditLog()
    handler = logging.StreamHandler(log.stream)
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("trellis.audit")
    logger.addHandler(handler)
    yield log
    logger.removeHandler(handler)


def _sign_in(client: Client, email: str, password: str = PASSWORD) -> "TestResponse":
    return client.post(LOGIN, {"login": email, "password": password})


def _signed_in_client(user: User) -> Client:
    """Signed in through the form, as a person would be."""
    client = Client()
    assert _sign_in(client, user.email).status_code == 302
    return client


def _reauthenticated_client(user: User) -> Client:
    """Signed in, and asked again, as changing addresses and second factors need."""
    client = _signed_in_client(user)
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    return client


def _path_in(message: EmailMessage, pattern: str) -> str:
    found = re.search(rf"https?://[^/\s]+(?P<path>{pattern})", str(message.body))
    assert found, message.body
    return found.group("path")


def _stored(user: User) -> list[str]:
    return list(SecurityEvent.objects.filter(user=user).values_list("action", flat=True))


# Each kind of event, once, with the account, the address and the time


def test_signing_up_confirming_and_signing_out_are_logged(
    db: None, audit_log: AuditLog, mailoutbox: list[EmailMessage]
) -> None:
    client = Client()
    data = {"name": "Eli", "email": "newcomer@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(reverse("account_signup"), data).status_code == 302
    user = User.objects.get(email="newcomer@example.com")
    audit_log.one("signed_up", user)
    confirm = _path_in(mailoutbox[-1], r"/accounts/confirm-email/[^/\s]+/")
    assert client.post(confirm).status_code == 302
    audit_log.one("email_confirmed", user)
    audit_log.one("login", user)
    assert client.post(reverse("account_logout")).status_code == 302
    audit_log.one("logout", user)
    assert _stored(user) == ["logout", "login", "email_confirmed", "signed_up"]


def test_a_sign_in_is_logged_with_the_address_it_came_from(user: User, audit_log: AuditLog) -> None:
    assert Client().post(LOGIN, {"login": user.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9").status_code
    audit_log.one("login", user, ip="203.0.113.9")
    assert SecurityEvent.objects.get(user=user).ip == "203.0.113.9"


def test_a_failed_sign_in_names_the_account_never_the_address_typed(user: User, audit_log: AuditLog) -> None:
    assert _sign_in(Client(), user.email, WRONG_PASSWORD).status_code == 200
    audit_log.one("login_failed", user)
    assert _stored(user) == ["login_failed"]
    assert _sign_in(Client(), "nobody-here@example.com", WRONG_PASSWORD).status_code == 200
    assert [event["user_id"] for event in audit_log.of("login_failed")] == [user.pk, None]
    assert "nobody-here" not in audit_log.text
    assert user.email not in audit_log.text
    assert WRONG_PASSWORD not in audit_log.text


def test_changing_the_password_is_logged(user: User, audit_log: AuditLog) -> None:
    client = _signed_in_client(user)
    data = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(reverse("account_change_password"), data).status_code == 302
    audit_log.one("password_changed", user)


def test_resetting_the_password_is_logged(user: User, audit_log: AuditLog, mailoutbox: list[EmailMessage]) -> None:
    client = Client()
    assert client.post(reverse("account_reset_password"), {"email": user.email}).status_code == 302
    link = _path_in(mailoutbox[-1], r"/accounts/password/reset/key/[^/\s]+/")
    set_password = client.get(link)
    assert set_password.status_code == 302
    response = client.post(set_password["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content[:500]
    audit_log.one("password_reset", user)
    assert link.rsplit("/", 2)[-2] not in audit_log.text


def test_email_changes_are_logged(user: User, audit_log: AuditLog, mailoutbox: list[EmailMessage]) -> None:
    client = _reauthenticated_client(user)
    page = reverse("account_email")
    assert client.post(page, {"action_add": "", "email": "second@example.com"}).status_code == 302
    audit_log.one("email_added", user)
    assert client.post(_path_in(mailoutbox[-1], r"/accounts/confirm-email/[^/\s]+/")).status_code == 302
    audit_log.one("email_confirmed", user)
    assert client.post(page, {"action_primary": "", "email": "second@example.com"}).status_code == 302
    audit_log.one("email_primary_changed", user)
    assert client.post(page, {"action_remove": "", "email": user.email}).status_code == 302
    audit_log.one("email_removed", user)
    assert "@example.com" not in audit_log.text


def _totp_code(client: Client) -> str:
    secret = str(client.session["mfa.totp.secret"])
    code: str = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))
    return code


# allauth announces second-factor changes once their transaction commits, within the request.
@pytest.mark.django_db(transaction=True)
def test_second_factor_changes_and_reauthentication_are_logged(audit_log: AuditLog) -> None:
    user = UserFactory.create()
    client = _signed_in_client(user)
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    audit_log.one("reauthenticated", user)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert client.post(reverse("mfa_activate_totp"), {"code": _totp_code(client)}).status_code == 302
    added = audit_log.of("mfa_added")
    assert {event["kind"] for event in added} == {"totp", "recovery_codes"}
    assert all(event["user_id"] == user.pk and event["ip"] == "127.0.0.1" for event in added)
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert client.post(reverse("mfa_generate_recovery_codes")).status_code == 302
    audit_log.one("recovery_codes_regenerated", user)
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert {event["kind"] for event in audit_log.of("mfa_removed")} >= {"totp"}
    assert "mfa.totp.secret" not in audit_log.text


def test_invitations_sent_and_accepted_and_members_removed_are_logged(
    ana: Membership,
    ben: Membership,
    audit_log: AuditLog,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    steward = client_for(ana)
    polycule = ana.polycule.public_id
    with django_capture_on_commit_callbacks(execute=True):
        sent = steward.post(reverse("relationships:invitation_create", args=[polycule]), {"email": "eli@example.com"})
    assert sent.status_code == 302
    assert audit_log.one("invitation_sent", ana.user)["polycule_id"] == ana.polycule_id
    eli = UserFactory.create(email="eli@example.com")
    invitation = Invitation.objects.get(email="eli@example.com")
    newcomer = client_for(eli)
    assert newcomer.get(f"/invitations/{token(invitation)}/").status_code == 302
    assert newcomer.post("/invitation/accept/", {"display_name": "Eli"}).status_code == 302
    assert audit_log.one("invitation_accepted", eli)["invitation_id"] == invitation.pk
    url = reverse("relationships:member_remove", args=[polycule, ben.public_id])
    assert steward.post(url).status_code == 302
    assert audit_log.one("member_removed", ana.user)["member_user_id"] == ben.user_id
    assert token(invitation) not in audit_log.text
    assert ana.polycule.name not in audit_log.text


def test_export_and_account_deletion_are_logged_and_deletion_takes_the_events(user: User, audit_log: AuditLog) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7")
    request.user = user
    audit.record("export", request=request)
    audit_log.one("export", user, ip="198.51.100.7")
    assert _stored(user) == ["export"]
    audit.record("account_deleted", request=request, user=user)
    audit_log.one("account_deleted", user, ip="198.51.100.7")
    assert _stored(user) == ["export"]  # the log keeps it; the account page has no one to show it to
    user.delete()
    assert not SecurityEvent.objects.exists()


def test_fields_carry_ids_and_fixed_words_only(user: User, audit_log: AuditLog) -> None:
    audit.record("export", user=user, kind="json", count=3, note="I am tired of saying yes")
    event = audit_log.one("export", user, ip="")
    assert (event["kind"], event["count"], event["note"]) == ("json", 3, "(withheld)")
    assert "tired" not in audit_log.text


# Refusals: 404 for what exists, 403 and 429


def test_an_outsider_at_an_existing_polycule_is_logged_and_answered_as_if_it_did_not_exist(
    ana: Membership, zed: Membership, audit_log: AuditLog
) -> None:
    outsider = client_for(zed)
    existing = outsider.get(reverse("relationships:polycule_detail", args=[ana.polycule.public_id]))
    missing = outsider.get(reverse("relationships:polycule_detail", args=[uuid.uuid4()]))
    assert existing.status_code == missing.status_code == 404
    assert [t.name for t in existing.templates] == [t.name for t in missing.templates]
    assert _without_nonce(existing) == _without_nonce(missing)
    denied = audit_log.one("access_denied", zed.user)
    assert (denied["what"], denied["polycule_id"]) == ("polycule", ana.polycule_id)
    assert ana.polycule.name not in audit_log.text
    assert _stored(zed.user) == ["login"]  # refusals go to the log only


def _without_nonce(response: "TestResponse") -> bytes:
    """The page without what differs on every response: the CSP nonce and the masked CSRF token."""
    content = re.sub(rb'nonce="[^"]*"', b"", response.content)
    content = re.sub(rb'"X-CSRFToken": "[^"]*"', b"", content)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def test_a_former_member_is_logged_too(ana: Membership, dee: Membership, audit_log: AuditLog) -> None:
    assert client_for(dee).get(reverse("relationships:polycule_detail", args=[ana.polycule.public_id])).status_code
    assert audit_log.one("access_denied", dee.user)["polycule_id"] == ana.polycule_id


def test_a_member_outside_an_items_audience_is_logged_and_answered_404(
    ana: Membership, ben: Membership, cy: Membership, audit_log: AuditLog
) -> None:
    item = values.create_boundary(
        owner=ana, title="CANARY-T", text="CANARY-X", why="CANARY-W", everyone=False, audience=[ben.public_id]
    )
    url = reverse("values:item_detail", args=[ana.polycule.public_id, item.public_id])
    assert client_for(cy).get(url).status_code == 404
    denied = audit_log.one("access_denied", cy.user)
    assert (denied["what"], denied["object_id"]) == ("item", item.pk)
    missing = reverse("values:item_detail", args=[ana.polycule.public_id, uuid.uuid4()])
    assert client_for(cy).get(missing).status_code == 404
    assert len(audit_log.of("access_denied")) == 1
    assert "CANARY" not in audit_log.text


def test_talk_outside_ones_audience_and_someone_elses_journal_are_logged_and_answered_404(
    ana: Membership, ben: Membership, cy: Membership, audit_log: AuditLog
) -> None:
    from conversations.services import journal
    from tests.conversations.routes_rounds import ask

    round = ask(ana, ben, prompt="CANARY-P what if?")
    entry = journal.write_entry(author=ana.user, text="CANARY-J")
    for url, what in [
        (reverse("conversations:round_detail", args=[ana.polycule.public_id, round.public_id]), "round"),
        (reverse("conversations:journal_entry", args=[entry.public_id]), "journal"),
    ]:
        assert client_for(cy).get(url).status_code == 404
        assert audit_log.of("access_denied")[-1]["what"] == what
    missing = reverse("conversations:round_detail", args=[ana.polycule.public_id, uuid.uuid4()])
    assert client_for(cy).get(missing).status_code == 404
    assert len(audit_log.of("access_denied")) == 2, "nothing is logged for what does not exist"
    assert "CANARY" not in audit_log.text


def test_a_csrf_refusal_is_logged_by_view_name_never_by_path(
    ana: Membership, audit_log: AuditLog, mailoutbox: list[EmailMessage]
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(ana.user)
    url = reverse("relationships:invitation_create", args=[ana.polycule.public_id])
    assert client.post(url, {"email": "eli@example.com"}).status_code == 403
    refused = audit_log.one("forbidden", ana.user)
    assert (refused["reason"], refused["view"]) == ("csrf", "relationships:invitation_create")
    assert str(ana.polycule.public_id) not in audit_log.text


def test_a_permission_refusal_and_a_rate_limit_are_logged(user: User, audit_log: AuditLog) -> None:
    def answer(status: int) -> HttpResponse:
        middleware = audit.DenialMiddleware(lambda request: HttpResponse(status=status))
        request = RequestFactory().get("/accounts/password/reset/key/1-secret-key/", REMOTE_ADDR="192.0.2.1")
        request.user = user
        request.csrf_processing_done = True  # type: ignore[attr-defined]
        return middleware(request)

    assert answer(403).status_code == 403
    assert audit_log.one("forbidden", user, ip="192.0.2.1")["reason"] == "permission"
    assert answer(429).status_code == 429
    audit_log.one("rate_limited", user, ip="192.0.2.1")
    assert answer(404).status_code == 404
    assert len(audit_log.events()) == 2
    assert "secret-key" not in audit_log.text


# The client's address


def _request(remote: str, forwarded: str | None = None) -> HttpRequest:
    if forwarded is None:
        return RequestFactory().get("/", REMOTE_ADDR=remote)
    return RequestFactory().get("/", REMOTE_ADDR=remote, headers={"X-Forwarded-For": forwarded})


def test_the_address_is_remote_addr_unless_proxies_are_trusted() -> None:
    assert audit.client_address(_request("10.0.0.2", "203.0.113.5")) == "10.0.0.2"
    assert audit.client_address(_request("not an address")) == ""
    assert audit.client_address(None) == ""


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_the_address_it_saw_wins_over_what_the_client_wrote() -> None:
    assert audit.client_address(_request("10.0.0.2", "198.51.100.1, 203.0.113.5")) == "203.0.113.5"
    assert audit.client_address(_request("10.0.0.2")) == "10.0.0.2"
    assert audit.client_address(_request("10.0.0.2", "<script>")) == ""


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_behind_two_trusted_proxies_the_second_from_the_right_is_the_client() -> None:
    assert audit.client_address(_request("10.0.0.2", "198.51.100.1, 203.0.113.5, 10.0.0.9")) == "203.0.113.5"


# Stored events stay bounded


@override_settings(SECURITY_EVENT_DAYS=90)
def test_events_older_than_the_retention_are_pruned_when_a_new_one_comes(user: User, zed: Membership) -> None:
    now = timezone.now()
    old = SecurityEvent.objects.create(user=zed.user, action="login", at=now - timedelta(days=91))
    recent = SecurityEvent.objects.create(user=zed.user, action="login", at=now - timedelta(days=89))
    audit.record("login", user=user)
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()
    assert SecurityEvent.objects.filter(pk=recent.pk).exists()
    assert _stored(user) == ["login"]


# The lines themselves


def test_the_settings_send_audit_lines_to_standard_output_as_json() -> None:
    script = (
        "import django; django.setup()\nfrom accounts import audit\naudit.record('login', user_id=7, kind='password')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    (line,) = done.stdout.splitlines()
    event = json.loads(line)
    assert event["event"] == "login"
    assert (event["user_id"], event["ip"], event["kind"]) == (7, "", "password")
    datetime.fromisoformat(event["at"])
    assert "login" not in done.stderr


def test_other_records_through_the_formatter_are_json_without_their_arguments_traceback() -> None:
    try:
        raise ValueError("JOURNAL-CANARY")
    except ValueError:
        record = logging.getLogger("x").makeRecord("x", logging.ERROR, "f", 1, "failed %s", ("once",), sys.exc_info())
    line = json.loads(JSONFormatter().format(record))
    assert line["message"] == "failed once"
    assert "JOURNAL-CANARY" not in json.dumps(line)


# A whole journey, searched for secrets


def _secrets_of(client: Client) -> set[str]:
    found = {client.session.session_key or ""}
    found |= {morsel.value for morsel in client.cookies.values()}
    return {value for value in found if value}


def test_a_whole_journey_leaves_no_secret_or_word_in_the_log(
    db: None,
    audit_log: AuditLog,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    secrets: set[str] = {PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, "ana@example.com", "ben@example.com"}
    canaries = {"CANARY-POLY", "CANARY-NAME", "CANARY-TITLE", "CANARY-TEXT", "CANARY-WHY", "CANARY-JOURNAL"}

    def sign_up(email: str) -> Client:
        client = Client()
        data = {"name": "Eli", "email": email, "password1": PASSWORD, "password2": PASSWORD}
        assert client.post(reverse("account_signup"), data).status_code == 302
        confirm = _path_in(mailoutbox[-1], r"/accounts/confirm-email/[^/\s]+/")
        secrets.add(confirm.rstrip("/").rsplit("/", 1)[-1])
        assert client.post(confirm).status_code == 302
        secrets.update(_secrets_of(client))
        return client

    ana = sign_up("ana@example.com")
    assert _sign_in(Client(), "ana@example.com", WRONG_PASSWORD).status_code == 200
    data = {"name": "CANARY-POLY", "display_name": "CANARY-NAME"}
    assert ana.post(reverse("relationships:polycule_create"), data).status_code == 302
    steward = Membership.objects.get(user__email="ana@example.com")
    invite = reverse("relationships:invitation_create", args=[steward.polycule.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        assert ana.post(invite, {"email": "ben@example.com", "note": "CANARY-NOTE"}).status_code == 302
    canaries.add("CANARY-NOTE")
    link = _path_in(mailoutbox[-1], r"/invitations/[^/\s]+/")
    secrets.add(link.rstrip("/").rsplit("/", 1)[-1])

    ben = sign_up("ben@example.com")
    assert ben.get(link).status_code == 302
    assert ben.post("/invitation/accept/", {"display_name": "CANARY-BEN"}).status_code == 302
    canaries.add("CANARY-BEN")

    item = reverse("values:item_create", args=[steward.polycule.public_id, "boundary"])
    words = {"title": "CANARY-TITLE", "text": "CANARY-TEXT", "why": "CANARY-WHY", "category": "other", "everyone": "1"}
    assert ana.post(item, words).status_code == 302
    assert ana.post(reverse("conversations:entry_create"), {"text": "CANARY-JOURNAL"}).status_code == 302
    assert JournalEntry.objects.filter(text__contains="CANARY-JOURNAL").exists()

    assert ana.post(reverse("account_reset_password"), {"email": "ana@example.com"}).status_code == 302
    reset = _path_in(mailoutbox[-1], r"/accounts/password/reset/key/[^/\s]+/")
    secrets.add(reset.rstrip("/").rsplit("/", 1)[-1].split("-", 1)[-1])
    fresh = Client()
    assert _sign_in(fresh, "ana@example.com").status_code == 302
    change = {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert fresh.post(reverse("account_change_password"), change).status_code == 302
    secrets.update(_secrets_of(fresh) | _secrets_of(ana) | _secrets_of(ben))
    assert fresh.post(reverse("account_logout")).status_code == 302

    kinds = {event["event"] for event in audit_log.events()}
    assert kinds >= {
        "signed_up",
        "email_confirmed",
        "login",
        "login_failed",
        "invitation_sent",
        "invitation_accepted",
        "password_changed",
        "logout",
    }
    for event in audit_log.events():
        assert set(event) >= {"event", "user_id", "ip", "at"}
    text = audit_log.text
    for secret in secrets | canaries:
        assert secret not in text, f"{secret!r} reached the audit log"


# The account's security page


def test_the_security_page_shows_ones_own_events_in_plain_words(user: User, zed: Membership) -> None:
    SecurityEvent.objects.create(user=zed.user, action="login", ip="192.0.2.77")
    client = Client()
    assert client.post(LOGIN, {"login": user.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.4").status_code
    assert _sign_in(Client(), user.email, WRONG_PASSWORD).status_code == 200
    page = client.get(reverse("accounts:security")).content.decode()
    assert "Signed in from 203.0.113.4" in page
    assert "Someone tried to sign in with a wrong password from 127.0.0.1" in page
    assert "change your password" in page
    assert "192.0.2.77" not in page
    assert "Recent activity on your account" in client.get(reverse("accounts:settings")).content.decode()


def test_the_security_page_shows_the_latest_twenty_within_a_query_budget(
    user: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    now = timezone.now()
    SecurityEvent.objects.bulk_create(
        SecurityEvent(user=user, action="login", ip=f"198.51.100.{n}", at=now - timedelta(minutes=n))
        for n in range(1, 40)
    )
    client = client_for(user)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("accounts:security"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<li class="row">') == 20
    assert "198.51.100.1 " in page.replace("<", " <")
    assert "198.51.100.21" not in page


def test_the_security_page_needs_sign_in_and_refuses_posts(user: User) -> None:
    url = reverse("accounts:security")
    assert Client().get(url)["Location"].startswith(LOGIN)
    assert client_for(user).post(url).status_code == 405


def test_someone_with_no_events_sees_a_calm_page(db: None) -> None:
    person = UserFactory.create()
    client = Client()
    client.force_login(person)
    SecurityEvent.objects.filter(user=person).delete()
    assert "Nothing yet." in client.get(reverse("accounts:security")).content.decode()
