"""Every page and fragment is valid HTML, as the Nu HTML Checker (vnu, from npm's vnu-jar)
reads it: the pages of the authorization matrix as a member and a steward see them, the
account and public pages, and the fragment each in-place action answers htmx with. And on
none of them can the browser cut what someone writes: no text field carries ``maxlength``,
which drops the rest of a long paste without a word (accounts/widgets.py).

vnu runs once over all of them (a Java program: `.ci/run` installs a Java runtime)."""

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.matrix import MEMBER, STEWARD, build_world

from .test_authorization import ACCOUNT, PUBLIC, ROUTES, _client

VNU = Path(__file__).resolve().parent.parent / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# A fragment is checked inside the smallest whole document (a refusal is a whole page).
SHELL = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Fragment</title></head><body>{}</body></html>'
)
# Pages that need a key or token to show anything but a refusal; their refusals are checked.
KEYED = {
    "relationships:invitation_open": {"token": "x" * 64},
    "notifications:unsubscribe": {"token": "x" * 64},
    "account_confirm_email": {"key": "nonsense"},
    "account_reset_password_from_key": {"uidb36": "zz", "key": "nonsense"},
}
NOT_HTML = {"notifications:feed", "notifications:health", "home:needs_count", "home:export_download"}


def _vnu(folder: Path) -> dict[str, list[str]]:
    java = shutil.which("java")
    if java is None or not VNU.exists():
        if os.environ.get("CI"):
            pytest.fail("The Nu HTML Checker needs Java and `npm ci` (node_modules/vnu-jar).")
        pytest.skip("The Nu HTML Checker needs Java and `npm ci`; .ci/run installs both.")
    found = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always", str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    errors: dict[str, list[str]] = {}
    for message in json.loads(found.stderr or found.stdout)["messages"]:
        name = Path(message.get("url", "?").removeprefix("file:")).name
        errors.setdefault(name, []).append(f"line {message.get('lastLine')}: {message['message']}")
    return errors


# Fields that take words; an e-mail address or a password is not cut by a paste of words.
TYPED: dict[str, set[str | None]] = {"input": {None, "text", "search"}, "textarea": {None}}


class _Cutting(HTMLParser):
    """The text fields of a document that carry ``maxlength``, by name."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        shown = dict(attrs)
        if tag in TYPED and shown.get("type") in TYPED[tag] and "maxlength" in shown:
            self.found.append(f"{tag} {shown.get('name')}")


def _cutting(folder: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for document in sorted(folder.glob("*.html")):
        parser = _Cutting()
        parser.feed(document.read_text())
        if parser.found:
            found[document.name] = parser.found
    return found


def _save(folder: Path, label: str, html: str, *, fragment: bool = False) -> None:
    name = "".join(c if c.isalnum() else "-" for c in label) + ".html"
    if fragment and not html.lstrip().lower().startswith("<!doctype"):
        # A list's row comes back alone; it is checked in its list.
        html = SHELL.format(f"<ul>{html}</ul>" if html.lstrip().startswith("<li") else html)
    (folder / name).write_text(html)


def _is_html(response: object) -> bool:
    return getattr(response, "status_code", 0) < 500 and "text/html" in response.get("Content-Type", "")  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_every_page_and_fragment_is_valid_html_and_cuts_no_words(tmp_path: Path) -> None:
    world = build_world()
    pages = forms = 0
    for persona in (MEMBER, STEWARD):
        client = _client(world, persona)
        for route in ROUTES:
            if route.method != "get" or route.name in NOT_HTML:
                continue
            response = client.get(reverse(route.name, kwargs=route.kwargs(world)))
            if response.status_code == 200 and _is_html(response):
                _save(tmp_path, f"{persona}-{route.id}", response.content.decode())
                pages += 1
    signed_in = _client(world, STEWARD)
    # Freshly signed in, so that the pages asking for it (two-factor's forms) show themselves.
    assert signed_in.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    for name, kwargs in ACCOUNT.items():
        if name in NOT_HTML:
            continue
        response = signed_in.get(reverse(name, kwargs=kwargs))
        if response.status_code == 200 and _is_html(response):
            _save(tmp_path, f"account-{name}", response.content.decode())
            pages += 1
            forms += name in {"mfa_activate_totp", "mfa_add_webauthn"}
    for name in sorted(PUBLIC - NOT_HTML):
        response = Client().get(reverse(name, kwargs=KEYED.get(name, {})))
        if _is_html(response) and response.status_code != 302:
            _save(tmp_path, f"public-{name}", response.content.decode())
            pages += 1
    # The fragments last: their actions change the world the pages above were read from.
    for route in ROUTES:
        if route.fragment is None:
            continue
        for persona in (MEMBER, STEWARD):
            send = getattr(_client(world, persona), route.method)
            response = send(reverse(route.name, kwargs=route.kwargs(world)), route.data(world), HTTP_HX_REQUEST="true")
            if _is_html(response) and response.content.strip():
                _save(tmp_path, f"fragment-{persona}-{route.id}", response.content.decode(), fragment=True)
                pages += 1
    assert pages > 100, "the sweep reached too few pages to mean anything"
    assert forms == 2, "the two-factor forms were not reached"
    cutting = _cutting(tmp_path)
    assert not cutting, f"these text fields would cut a long paste (use accounts.widgets.ShortText): {cutting}"
    errors = _vnu(tmp_path)
    listed = "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in sorted(errors.items()))
    assert not errors, f"{len(errors)} of {pages} documents are not valid HTML:\n{listed}"
