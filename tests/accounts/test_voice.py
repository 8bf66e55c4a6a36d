"""The account pages (allauth's views) speak as the rest of Trellis does (issue 9, point 1):
sentence case, no "Email:" labels, no "for user ...", no "contact us", the tab named like the
page, one message after confirming, the name asked at sign-up and the invited address filled in."""

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.adapters import MFAAdapter
from accounts.forms import PASSWORD_HELP
from accounts.models import User
from accounts.templatetags.allauth_onload import allauth_onload
from relationships import services
from relationships.models import Membership
from tests.factories import PASSWORD, UserFactory, token

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

NEW_PASSWORD = "a long and happy password"
# Words a generic kit uses and Trellis does not: as written, and in any case.
KIT_WORDS = ("Email:", "Password:", "Sign Up", "Sign In", "Signup", "Sign Out", "Remember Me", "Email Address")
KIT_PHRASES = ("for user", "contact us", "hello from")
# Capitalised words that may stand inside a sentence-case phrase.
PROPER = {"Trellis", "I", "QR", "JavaScript"}


class _Words(HTMLParser):
    """Collects the words of the tab title, headings, labels, legends and buttons, and where
    each text sits (inside <main> or after the footer)."""

    TAGS = frozenset({"title", "h1", "h2", "h3", "label", "legend", "button", "summary"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, list[str]]] = []
        self.phrases: list[tuple[str, str]] = []
        self.after_footer: list[str] = []
        self.footer_closed = False
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_script = tag == "script"
        classes = (dict(attrs).get("class") or "").split()
        if tag in self.TAGS or (tag == "a" and "button" in classes):
            self.open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "footer":
            self.footer_closed = True
        if tag == "script":
            self.in_script = False
        if self.open and self.open[-1][0] == tag:
            name, parts = self.open.pop()
            self.phrases.append((name, " ".join("".join(parts).split())))

    def handle_data(self, data: str) -> None:
        for _, parts in self.open:
            parts.append(data)
        if self.footer_closed and data.strip() and not self.in_script:
            self.after_footer.append(data.strip())


def _words(html: str) -> _Words:
    parser = _Words()
    parser.feed(html)
    return parser


def _title_cased(phrase: str) -> list[str]:
    """The words after the first that start with a capital and are no name: "Sign In" -> ["In"]."""
    words = re.findall(r"[A-Za-z][\w'-]*", phrase.removesuffix(" · Trellis"))
    return [w for w in words[1:] if w[0].isupper() and w not in PROPER and "@" not in w]


def _assert_in_trellis_voice(response: "TestResponse") -> None:
    assert response.status_code == 200
    html = response.content.decode()
    for word in KIT_WORDS:
        assert word not in html, word
    for phrase in KIT_PHRASES:
        assert phrase not in html.lower(), phrase
    found = _words(html)
    for tag, phrase in found.phrases:
        assert not _title_cased(phrase), f"{tag} in Title Case: {phrase!r}"
        if tag == "label":
            assert not phrase.rstrip(" *").endswith(":"), f"label with a colon: {phrase!r}"
    titles = [phrase for tag, phrase in found.phrases if tag == "title"]
    assert len(titles) == 1, titles
    assert titles[0].endswith(" · Trellis"), titles
    assert titles[0] != " · Trellis", titles
    h1 = [phrase for tag, phrase in found.phrases if tag == "h1"]
    assert len(h1) == 1, h1
    # The tab is named like the page: the title shares the heading's first words.
    assert titles[0].split()[0].lower() in h1[0].lower(), (titles[0], h1[0])
    # Nothing stray under the footer (allauth's "This functionality requires JavaScript.").
    assert not found.after_footer, found.after_footer


def test_the_words_check_catches_a_generic_kit() -> None:
    assert _title_cased("Sign Up") == ["Up"]
    assert _title_cased("Create your account · Trellis") == []
    assert _title_cased("Two-Factor Authentication") == ["Authentication"]
    kit = _words("<title>Signup · Trellis</title><footer></footer><noscript>Needs JS</noscript>")
    assert kit.after_footer == ["Needs JS"]


SIGNED_OUT = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_email_verification_sent",
    "account_inactive",
]


@pytest.mark.parametrize("name", SIGNED_OUT)
def test_signed_out_pages_speak_as_trellis(name: str, db: None) -> None:
    _assert_in_trellis_voice(Client().get(reverse(name)))


@pytest.mark.parametrize(
    "path",
    ["/accounts/password/reset/key/1-not-a-key/", "/accounts/confirm-email/not-a-key/"],
    ids=["reset", "confirm"],
)
def test_links_that_no_longer_work_say_so_in_trellis_voice(path: str, db: None) -> None:
    response = Client().get(path, follow=True)
    _assert_in_trellis_voice(response)
    assert "no longer works" in response.content.decode()


def _reauthenticated(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    return client


SIGNED_IN = [
    "account_email",
    "account_change_password",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_logout",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_generate_recovery_codes",
    "mfa_list_webauthn",
    "mfa_add_webauthn",
    "usersessions_list",
]


@pytest.mark.parametrize("name", SIGNED_IN)
def test_signed_in_pages_speak_as_trellis(name: str, db: None) -> None:
    user = UserFactory.create(email="zoe@example.org", name="Zoe")
    _assert_in_trellis_voice(_reauthenticated(user).get(reverse(name)))


@pytest.mark.parametrize(
    "name", ["mfa_index", "mfa_deactivate_totp", "mfa_view_recovery_codes", "mfa_generate_recovery_codes"]
)
def test_pages_with_a_second_factor_speak_as_trellis(name: str, db: None) -> None:
    user = UserFactory.create(email="zoe@example.org", name="Zoe")
    client = _reauthenticated(user)
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)
    _assert_in_trellis_voice(client.get(reverse(name)))


def test_someone_without_a_password_chooses_one_in_trellis_voice(db: None, mailoutbox: list[EmailMessage]) -> None:
    user = UserFactory.create(email="zoe@example.org", name="Zoe")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    client = Client()
    client.force_login(user)
    # Choosing a password is confirmed first: with no password, by a code sent by mail.
    client.post(reverse("account_request_reauthentication_code"), {"recipient": user.email})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", str(mailoutbox[-1].body), re.MULTILINE)
    assert code is not None, mailoutbox[-1].body
    client.post(reverse("account_confirm_reauthentication_code"), {"code": code.group(1)})
    response = client.get(reverse("account_set_password"))
    _assert_in_trellis_voice(response)
    html = response.content.decode()
    assert "<h1>Choose a password</h1>" in html
    assert "Save your password" in html
    assert "Forgotten your current password?" not in html  # there is none to forget
    new = "a new long passphrase for Zoe"
    posted = client.post(reverse("account_set_password"), {"password1": new, "password2": new})
    assert posted.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_the_second_step_of_signing_in_speaks_as_trellis(db: None) -> None:
    user = UserFactory.create(email="zoe@example.org", name="Zoe")
    TOTP.activate(user, generate_totp_secret())
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_authenticate")
    _assert_in_trellis_voice(response)


def test_reauthenticating_by_code_speaks_as_trellis(db: None, mailoutbox: list[EmailMessage]) -> None:
    user = UserFactory.create(email="zoe@example.org", name="Zoe")
    client = _reauthenticated(user)
    response = client.post(reverse("account_request_reauthentication_code"), {"recipient": user.email}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_confirm_reauthentication_code")
    _assert_in_trellis_voice(response)
    assert "We sent a code to zoe@example.org" in response.content.decode()


def test_the_email_confirmation_page_names_the_address_not_a_user(db: None, mailoutbox: list[EmailMessage]) -> None:
    _sign_up(Client(), "zoe@example.org")
    response = Client().get(_confirm_path(mailoutbox[-1]))
    _assert_in_trellis_voice(response)
    assert "zoe@example.org" in response.content.decode()


def test_password_rules_are_one_sentence_of_help_where_a_password_is_chosen(db: None) -> None:
    sign_up = Client().get(reverse("account_signup")).content.decode()
    assert sign_up.count(PASSWORD_HELP) == 1
    assert "<ul" not in sign_up.split('id="id_password1"')[0].split('for="id_password1"')[-1]
    assert PASSWORD_HELP not in Client().get(reverse("account_login")).content.decode()


def test_labels_are_trellis_labels(db: None) -> None:
    sign_up = Client().get(reverse("account_signup")).content.decode()
    for label in ("Your name", "E-mail address", "Password", "Password again"):
        assert re.search(rf"<label for=\"id_\w+\">{label}<", sign_up), label
    assert "placeholder" not in sign_up


def test_with_javascript_off_the_passkey_button_is_hidden_and_explained(db: None) -> None:
    html = Client().get(reverse("account_login")).content.decode()
    main = html.split('<main id="main">')[1].split("</main>")[0]
    # The button and allauth's script live in a block the CSS hides where scripts are off
    # (static/css/trellis.css: @media (scripting: none)); a <noscript> says why, inside the page.
    block = re.search(r'<div class="needs-js passkey">(.*?)</div>\s*<noscript>(.*?)</noscript>', main, re.S)
    assert block, main
    assert 'id="passkey_login"' in block.group(1)
    assert "needs JavaScript" in block.group(2)
    assert "</footer>" in html
    assert "noscript" not in html.split("</footer>")[1]


def _sign_up(client: Client, email: str, name: str = "Zoe") -> "TestResponse":
    data = {"name": name, "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def _confirm_path(message: EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def test_sign_up_asks_for_the_name_and_the_dashboard_greets_by_it(db: None, mailoutbox: list[EmailMessage]) -> None:
    client = Client()
    refused = client.post(
        reverse("account_signup"), {"email": "zoe@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert refused.status_code == 200
    assert not User.objects.filter(email="zoe@example.org").exists()
    _sign_up(client, "zoe@example.org", name="  Zoe Quinn ")
    assert User.objects.get(email="zoe@example.org").name == "Zoe Quinn"
    client.post(_confirm_path(mailoutbox[-1]))
    dashboard = client.get(reverse("home:dashboard"))
    assert "<h1>Hello, Zoe Quinn</h1>" in dashboard.content.decode()


def test_after_confirming_one_message_says_confirmed_and_welcome(db: None, mailoutbox: list[EmailMessage]) -> None:
    client = Client()
    client.get(_sign_up(client, "zoe@example.org")["Location"])  # "check your e-mail", with its message
    response = client.post(_confirm_path(mailoutbox[-1]), follow=True)
    html = response.content.decode()
    listed = re.findall(r'<ul class="messages">(.*?)</ul>', html, re.S)
    assert len(listed) == 1, listed
    assert listed[0].count("<li") == 1, listed
    assert "Your e-mail address is confirmed. Welcome to Trellis" in listed[0]
    assert "Welcome to Trellis" not in client.get(reverse("home:dashboard")).content.decode()  # once, then gone


def test_signing_in_greets_by_name(db: None) -> None:
    UserFactory.create(email="zoe@example.org", name="Zoe")
    response = Client().post(reverse("account_login"), {"login": "zoe@example.org", "password": PASSWORD}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Welcome, Zoe."]


def test_signing_up_from_an_invitation_fills_in_the_invited_address(
    ana: Membership, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(by=ana, email="eli@example.com", note="")
    client = Client()
    landing = client.get(f"/invitations/{token(invitation)}/", follow=True)
    assert landing.status_code == 200
    sign_up = client.get(reverse("account_signup")).content.decode()
    assert re.search(r'<input type="email" name="email" value="eli@example.com"', sign_up), sign_up
    # Only filled in: the address is confirmed by mail like any other.
    client.post(
        reverse("account_signup"),
        {"name": "Eli", "email": "eli@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not EmailAddress.objects.filter(email="eli@example.com", verified=True).exists()
    assert EmailAddress.objects.filter(email="eli@example.com", verified=False).exists()


def test_without_an_invitation_the_address_is_empty(db: None) -> None:
    sign_up = Client().get(reverse("account_signup")).content.decode()
    assert re.search(r'<input type="email" name="email"(?! value=)', sign_up)


def test_a_revoked_invitation_fills_in_nothing(
    ana: Membership, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(by=ana, email="eli@example.com", note="")
    link = f"/invitations/{token(invitation)}/"
    services.revoke_invitation(by=ana, invitation=invitation)
    client = Client()
    client.get(link, follow=True)
    assert "eli@example.com" not in client.get(reverse("account_signup")).content.decode()


def test_allauths_onload_data_is_built_escaped_so_no_template_holds_an_inline_script() -> None:
    block = allauth_onload("allauth.x.form", ids__add="a</script><b>", text="&")
    assert block == (
        '<script data-allauth-onload="allauth.x.form" type="application/json">'
        '{"ids": {"add": "a\\u003C/script\\u003E\\u003Cb\\u003E"}, "text": "\\u0026"}</script>'
    )


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("mfa_activate_totp", "The code your app shows now"),
        ("mfa_add_webauthn", "A name for this key (optional)"),
    ],
)
def test_the_two_factor_forms_ask_in_trellis_words(name: str, words: str, db: None) -> None:
    user = UserFactory.create(email="zoe@example.org", name="Zoe")
    page = _reauthenticated(user).get(reverse(name)).content.decode()
    assert words in page
    assert "Passwordless" not in page
    assert 'placeholder="Code"' not in page
    assert "Master key" not in page


def test_a_new_keys_suggested_name_counts_the_keys_already_there(db: None) -> None:
    user = UserFactory.create(email="zoe@example.org", name="Zoe")
    client = _reauthenticated(user)
    assert 'value="Key 1"' in client.get(reverse("mfa_add_webauthn")).content.decode()
    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "My phone"})
    assert MFAAdapter().generate_authenticator_name(user, Authenticator.Type.WEBAUTHN) == "Key 2"


def test_the_second_step_of_signing_in_asks_for_the_code_plainly(db: None) -> None:
    user = UserFactory.create(email="zoe@example.org", name="Zoe")
    TOTP.activate(user, generate_totp_secret())
    response = Client().post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True)
    assert "The code from your authenticator app, or one of your recovery codes" in response.content.decode()
