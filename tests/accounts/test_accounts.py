"""Promises 7-11, where allauth provides them, through the test client."""

import time
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import EmailMessage
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from accounts.adapters import MFAAdapter
from accounts.models import User
from relationships.models import Membership
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LOGIN = reverse("account_login")
NEW_PASSWORD = "a long and happy password"


def _sign_in(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> "TestResponse":
    return client.post(LOGIN, {"login": email, "password": password}, **extra)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _signed_in_client(user: User) -> Client:
    """Signed in through the form, as a person would be, so the sign-in counts as fresh."""
    client = Client()
    response = _sign_in(client, user.email)
    assert response.status_code == 302, response.content[:300]
    return client


def _reauthenticate(client: Client) -> None:
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content[:300]


def _templates(response: "TestResponse") -> list[str | None]:
    return [t.name for t in response.templates]


# Promise 7: verified e-mail; no telling who has an account


def test_an_unverified_address_cannot_sign_in(db: None, mailoutbox: list[EmailMessage]) -> None:
    user = UserFactory.create(verified=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client = Client()
    response = _sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not _signed_in(client)
    assert client.get(reverse("relationships:polycule_list"))["Location"].startswith(LOGIN)
    assert [m.to for m in mailoutbox] == [[user.email]]


def test_a_verified_address_signs_in(user: User) -> None:
    client = Client()
    response = _sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == resolve_url(settings.LOGIN_REDIRECT_URL)
    assert _signed_in(client)


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(user: User) -> None:
    wrong = _sign_in(Client(), user.email, "not the password")
    unknown = _sign_in(Client(), "nobody@example.com", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    assert _templates(wrong) == _templates(unknown)
    assert "not correct" in wrong.content.decode()
    assert "not correct" in unknown.content.decode()


def _sign_up(email: str) -> "TestResponse":
    return Client().post(
        reverse("account_signup"),
        {"name": "Eli", "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )


def test_sign_up_answers_the_same_for_known_and_unknown_addresses(user: User, mailoutbox: list[EmailMessage]) -> None:
    known = _sign_up(user.email)
    unknown = _sign_up("newcomer@example.com")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert _templates(known) == _templates(unknown)
    assert User.objects.filter(email=user.email).count() == 1
    # Each address gets a mail: the owner of the known one learns someone tried.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([user.email, "newcomer@example.com"])


def _reset(email: str) -> "TestResponse":
    return Client().post(reverse("account_reset_password"), {"email": email}, follow=True)


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(user: User) -> None:
    known = _reset(user.email)
    unknown = _reset("nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("account_reset_password_done"), 302)]
    assert _templates(known) == _templates(unknown)


# Promise 8: throttled per account, from wherever the attempts come


def test_failed_sign_ins_are_throttled_per_account_across_addresses(user: User) -> None:
    for n in range(5):
        response = _sign_in(Client(), user.email, "wrong password", REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert response.status_code == 200
    client = Client()
    refused = _sign_in(client, user.email, REMOTE_ADDR="10.0.1.1")
    assert not _signed_in(client)
    assert "Too many failed login attempts" in refused.content.decode()


def test_throttling_one_account_leaves_others_alone(user: User) -> None:
    other = UserFactory.create()
    for n in range(5):
        _sign_in(Client(), user.email, "wrong password", REMOTE_ADDR=f"10.0.0.{n + 1}")
    client = Client()
    assert _sign_in(client, other.email, REMOTE_ADDR="10.0.1.1").status_code == 302
    assert _signed_in(client)


# Promise 9: MFA secrets encrypted, codes single use


def test_the_totp_secret_is_stored_encrypted(user: User) -> None:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data
    assert secret not in str(stored)
    assert secret.lower() not in str(stored).lower()
    assert MFAAdapter().decrypt(stored["secret"]) == secret


def test_the_totp_secret_is_encrypted_when_set_up_through_the_page(user: User) -> None:
    client = _signed_in_client(user)
    _reauthenticate(client)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    code = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302, response.content[:2000]
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data
    assert secret not in str(stored)
    assert MFAAdapter().decrypt(stored["secret"]) == secret


def test_a_totp_code_works_once(user: User) -> None:
    secret = generate_totp_secret()
    totp = TOTP.activate(user, secret)
    code = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))
    assert totp.validate_code(code)
    assert not totp.validate_code(code)


def test_recovery_codes_are_single_use_and_their_seed_is_encrypted(user: User) -> None:
    codes = RecoveryCodes.activate(user)
    first, second, *_ = codes.generate_codes()
    seed = codes.instance.data["seed"]
    assert seed.startswith("fernet:")
    fresh = RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk))
    assert fresh.validate_code(first)
    assert not RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).validate_code(first)
    assert RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).validate_code(second)
    assert first not in RecoveryCodes(Authenticator.objects.get(pk=codes.instance.pk)).get_unused_codes()


# Promise 10: sessions


def test_signing_in_gives_a_new_session_key(user: User) -> None:
    client = Client()
    session = client.session
    session["before"] = "sign-in"
    session.save()
    before = session.session_key
    assert _sign_in(client, user.email).status_code == 302
    assert client.session.session_key != before
    assert _signed_in(client)


def test_changing_the_password_ends_other_sessions_but_keeps_this_one(user: User) -> None:
    here = _signed_in_client(user)
    elsewhere = _signed_in_client(user)
    response = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    home = reverse("relationships:polycule_list")
    assert here.get(home).status_code == 200
    assert elsewhere.get(home)["Location"].startswith(LOGIN)


@override_settings(SESSION_ABSOLUTE_SECONDS=60)
def test_a_session_ends_after_its_absolute_limit_however_active(user: User, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = SimpleNamespace(now=time.time())
    monkeypatch.setattr("accounts.middleware.time", SimpleNamespace(time=lambda: clock.now))
    client = Client()
    client.force_login(user)
    home = reverse("relationships:polycule_list")
    for _ in range(5):
        assert client.get(home).status_code == 200
        clock.now += 10
    clock.now += 11
    response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not _signed_in(client)


def test_the_idle_limit_is_renewed_every_few_minutes_not_on_every_request(
    user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = SimpleNamespace(now=time.time())
    monkeypatch.setattr("accounts.middleware.time", SimpleNamespace(time=lambda: clock.now))
    client = Client()
    client.force_login(user)  # signing in saves the session, fresh
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    saved = Session.objects.get(session_key=key).expire_date
    home = reverse("relationships:polycule_list")
    clock.now += settings.SESSION_RENEW_SECONDS - 1
    response = client.get(home)
    assert settings.SESSION_COOKIE_NAME not in response.cookies, "renewed too soon"
    assert Session.objects.get(session_key=key).expire_date == saved, "written too soon"
    clock.now += 1
    response = client.get(home)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE == 60 * 60 * 24 * 7
    assert Session.objects.get(session_key=key).expire_date > saved


def test_the_sessions_page_lists_this_session(user: User) -> None:
    client = _signed_in_client(user)
    page = client.get(reverse("usersessions_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "127.0.0.1" in text
    assert "This browser" in text
    assert UserSession.objects.filter(user=user).count() == 1


def test_a_member_can_end_their_other_sessions(user: User) -> None:
    here = _signed_in_client(user)
    elsewhere = _signed_in_client(user)
    assert here.post(reverse("usersessions_list")).status_code == 302
    home = reverse("relationships:polycule_list")
    assert here.get(home).status_code == 200
    assert elsewhere.get(home)["Location"].startswith(LOGIN)


# Promise 11: re-authentication before sensitive changes


def _asks_to_reauthenticate(response: "TestResponse") -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))


@pytest.fixture
def stale(ana: Membership) -> Client:
    """Ana, alone in her polycule, signed in but not freshly (force_login records no authentication)."""
    return client_for(ana)


def test_leaving_a_polycule_asks_for_reauthentication(ana: Membership, stale: Client) -> None:
    url = reverse("relationships:polycule_leave", args=[ana.polycule.public_id])
    assert _asks_to_reauthenticate(stale.get(url))
    assert _asks_to_reauthenticate(stale.post(url))
    ana.refresh_from_db()
    assert ana.is_active


def test_changing_the_email_address_asks_for_reauthentication(stale: Client) -> None:
    response = stale.post(reverse("account_email"), {"action_add": "", "email": "new@example.com"})
    assert _asks_to_reauthenticate(response)
    assert not EmailAddress.objects.filter(email="new@example.com").exists()


def test_changing_mfa_asks_for_reauthentication(stale: Client) -> None:
    assert _asks_to_reauthenticate(stale.get(reverse("mfa_activate_totp")))


def test_reauthenticating_with_the_password_lets_the_person_leave(
    ana: Membership, stale: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    url = reverse("relationships:polycule_leave", args=[ana.polycule.public_id])
    response = stale.post(f"{reverse('account_reauthenticate')}?next={url}", {"password": PASSWORD, "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    # The page, once it was her: 4 of its 7 queries are allauth's, asking how she could confirm it.
    with django_assert_max_num_queries(7):
        assert stale.get(url).status_code == 200
    assert stale.post(url).status_code == 302
    ana.refresh_from_db()
    assert not ana.is_active


def test_a_confirmation_older_than_five_minutes_asks_again(ana: Membership, stale: Client) -> None:
    url = reverse("relationships:polycule_leave", args=[ana.polycule.public_id])
    stale.post(f"{reverse('account_reauthenticate')}?next={url}", {"password": PASSWORD, "next": url})
    assert stale.get(url).status_code == 200
    session = stale.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        record["at"] -= 301
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()
    assert _asks_to_reauthenticate(stale.get(url))
    assert _asks_to_reauthenticate(stale.post(url))
    ana.refresh_from_db()
    assert ana.is_active


# The settings page and signing out


def test_the_settings_page_saves_the_name(user: User) -> None:
    client = Client()
    client.force_login(user)
    response = client.post(reverse("accounts:settings"), {"name": "Ana Lou"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:settings")
    user.refresh_from_db()
    assert user.name == "Ana Lou"
    assert "Saved." in client.get(response["Location"]).content.decode()


def test_the_settings_page_refuses_a_name_too_long(user: User) -> None:
    client = Client()
    client.force_login(user)
    before = user.name
    response = client.post(reverse("accounts:settings"), {"name": "x" * 200})
    assert response.status_code == 422
    assert 'id="id_name_error"' in response.content.decode()
    user.refresh_from_db()
    assert user.name == before


def test_the_settings_page_never_takes_other_fields_from_the_request(user: User) -> None:
    client = Client()
    client.force_login(user)
    email = user.email
    client.post(reverse("accounts:settings"), {"name": "Ana", "email": "evil@example.com", "is_superuser": "on"})
    user.refresh_from_db()
    assert user.email == email
    assert not user.is_superuser
    assert not user.is_staff


def test_signing_out_clears_site_data(user: User) -> None:
    client = Client()
    client.force_login(user)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert not _signed_in(client)


def test_the_sign_out_page_itself_signs_nobody_out(user: User) -> None:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("account_logout"))
    assert "Clear-Site-Data" not in response
    assert _signed_in(client)
