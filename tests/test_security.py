"""Promises 1-6 as far as the test client can show them (the browser tests check 6 in Chromium)."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse

from accounts.models import User
from relationships.models import Membership
from tests.conftest import client_for
from tests.factories import PASSWORD, InvitationFactory, token

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


# A URL that fails, for the 500 page (used through pytest.mark.urls on this module).
@login_not_required
def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail: database password is hunter2")


urlpatterns = [
    path("boom/", _boom),
    path("", include("config.urls")),
]
handler404 = "accounts.views.not_found"
handler500 = "accounts.views.server_error"


def _csp(response: "TestResponse") -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _html_pages(ana: Membership) -> list[tuple[str, Client, str]]:
    polycule_id = ana.polycule.public_id
    invitee = Client()
    invitee.get(f"/invitations/{token(InvitationFactory.create(invited_by=ana))}/")
    return [
        ("landing", Client(), reverse("relationships:landing")),
        ("sign in", Client(), reverse("account_login")),
        ("sign up", Client(), reverse("account_signup")),
        ("invitation landing", invitee, reverse("relationships:invitation_landing")),
        ("not found", Client(), "/invitations/nope/"),
        ("polycule list", client_for(ana), reverse("relationships:polycule_list")),
        ("polycule", client_for(ana), reverse("relationships:polycule_detail", args=[polycule_id])),
        ("invite", client_for(ana), reverse("relationships:invitation_create", args=[polycule_id])),
        ("account", client_for(ana), reverse("accounts:settings")),
        ("sessions", client_for(ana), reverse("usersessions_list")),
    ]


# Promise 2: the Content Security Policy


def test_every_html_response_has_a_strict_csp(ana: Membership) -> None:
    for label, client, url in _html_pages(ana):
        response = client.get(url)
        assert response["Content-Type"].startswith("text/html"), label
        policy = _csp(response)
        assert policy["default-src"] == ["'none'"], label
        assert policy["object-src"] == ["'none'"], label
        assert policy["base-uri"] == ["'none'"], label
        assert policy["frame-ancestors"] == ["'none'"], label
        assert policy["form-action"] == ["'self'"], label
        assert "unsafe-" not in response["Content-Security-Policy"], label
        for directive, sources in policy.items():
            assert "*" not in sources, (label, directive)
            assert not any(s.startswith(("http:", "https:")) for s in sources), (label, directive)


def test_every_script_on_a_page_is_a_file_with_the_page_nonce(ana: Membership) -> None:
    for label, client, url in _html_pages(ana):
        response = client.get(url)
        page = response.content.decode()
        nonces = [s.removeprefix("'nonce-").removesuffix("'") for s in _csp(response)["script-src"] if "nonce-" in s]
        # A JSON data block (allauth's passkey forms) is never run, so the CSP does not apply to it.
        for tag, body in re.findall(r"(<script\b[^>]*>)(.*?)</script>", page, re.S):
            if 'type="application/json"' in tag:
                continue
            assert "src=" in tag, (label, tag)
            assert not body.strip(), (label, body[:80])
        for nonce in re.findall(r'<script\b[^>]*\bnonce="([^"]+)"', page):
            assert nonce in nonces, label


# Promise 3 and 5: the other headers


def test_every_html_response_has_the_protective_headers(ana: Membership) -> None:
    for label, client, url in _html_pages(ana):
        response = client.get(url)
        assert response["X-Content-Type-Options"] == "nosniff", label
        assert response["X-Frame-Options"] == "DENY", label
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", label
        if url.startswith("/invitations/"):
            assert response["Referrer-Policy"] == "no-referrer", label
        else:
            assert response["Referrer-Policy"] == "same-origin", label


def test_signed_in_pages_are_never_stored(ana: Membership) -> None:
    for label, client, url in _html_pages(ana):
        response = client.get(url)
        if "_auth_user_id" in client.session:
            assert "no-store" in response["Cache-Control"], label
            assert "private" in response["Cache-Control"], label


def test_fragments_and_redirects_are_never_stored_either(ana: Membership) -> None:
    client = client_for(ana)
    rename = reverse("relationships:polycule_rename", args=[ana.polycule.public_id])
    fragment = client.post(rename, {"name": "Garden"}, headers={"HX-Request": "true"})
    redirect = client.post(rename, {"name": "Garden"})
    assert "no-store" in fragment["Cache-Control"]
    assert "no-store" in redirect["Cache-Control"]


# Promise 25 in part: a production error page tells nothing


@pytest.mark.urls("tests.test_security")
def test_the_500_page_is_generic(db: None) -> None:
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret internal detail", "_boom", settings.SECRET_KEY):
        assert leak not in page
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_the_404_page_is_generic(db: None) -> None:
    response = Client().get("/invitations/nope/extra/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" not in page
    assert "URLconf" not in page


# Production settings, each read in a fresh interpreter


def _prod_env(**overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "SECRET_KEY"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(48)[:64],
        "ALLOWED_HOSTS": "trellis.example",
        "EMAIL_URL": "smtp://mail.example:587",
    }
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


PROD_NAMES = [
    "DEBUG",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "ALLOWED_HOSTS",
    "CACHES",
]


@pytest.fixture(scope="module")
def prod() -> dict[str, Any]:
    """The production settings, as JSON from a fresh interpreter."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {PROD_NAMES!r}}}))"
    )
    result = _python(code, _prod_env())
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout)
    return values


def test_production_sends_hsts_for_a_year_with_subdomains(prod: dict[str, Any]) -> None:
    assert prod["SECURE_HSTS_SECONDS"] >= 31536000
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["DEBUG"] is False


def test_production_cookies_are_secure_host_only_and_lax(prod: dict[str, Any]) -> None:
    assert prod["SESSION_COOKIE_SECURE"] is True
    assert prod["CSRF_COOKIE_SECURE"] is True
    assert str(prod["SESSION_COOKIE_NAME"]).startswith("__Host-")
    assert str(prod["CSRF_COOKIE_NAME"]).startswith("__Host-")
    assert prod["SESSION_COOKIE_SAMESITE"] == prod["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert prod["SESSION_COOKIE_HTTPONLY"] is True


def test_production_keeps_the_protective_headers(prod: dict[str, Any]) -> None:
    assert prod["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert prod["SECURE_REFERRER_POLICY"] == "same-origin"
    assert prod["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert prod["X_FRAME_OPTIONS"] == "DENY"
    assert prod["ALLOWED_HOSTS"] == ["trellis.example"]


def test_production_shares_its_cache_between_processes(prod: dict[str, Any]) -> None:
    backend = prod["CACHES"]["default"]["BACKEND"]
    assert "locmem" not in backend


def test_the_cookies_as_sent_with_production_settings(prod: dict[str, Any], user: User) -> None:
    names = [n for n in PROD_NAMES if n.startswith(("SESSION_COOKIE", "CSRF_COOKIE"))]
    with override_settings(**{name: prod[name] for name in names}):
        client = Client()
        login = client.get(reverse("account_login"))
        csrf = login.cookies[prod["CSRF_COOKIE_NAME"]]
        response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        session = response.cookies[prod["SESSION_COOKIE_NAME"]]
    for cookie in (csrf, session):
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert not cookie["domain"]
        assert cookie["samesite"] == "Lax"
    assert session["httponly"] is True


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "django-insecure-trellis-development-only", "too-short-0123456789"],
    ids=["missing", "empty", "dev default", "short"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key: str | None) -> None:
    result = _python("from django.conf import settings; settings.DEBUG", _prod_env(SECRET_KEY=secret_key))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_check_deploy_passes_with_production_settings() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_prod_env(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# Template lint: what the CSP would block, or what htmx would run without asking


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def _tags(source: str, attribute: str) -> list[tuple[str, str]]:
    """(element name, whole tag) of every tag carrying the attribute."""
    return [
        (m.group(1).lower(), m.group(0)) for m in re.finditer(rf"<([a-zA-Z][\w-]*)\b[^>]*\s{attribute}=[^>]*>", source)
    ]


def test_there_are_templates_to_lint() -> None:
    names = {p.relative_to(TEMPLATES).as_posix() for p in _templates()}
    assert {"base.html", "relationships/polycule_detail.html"} <= names


@pytest.mark.parametrize("template", _templates(), ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_templates_need_no_unsafe_csp(template: Path) -> None:
    source = template.read_text()
    assert "hx-on" not in source
    assert not re.search(r"\son[a-z]+\s*=", source, re.I), "inline event handler"
    assert "javascript:" not in source.lower()
    assert not re.search(r'hx-trigger\s*=\s*["\'][^"\']*\[', source), "htmx trigger filters fail open under the CSP"
    for tag in re.findall(r"<script\b[^>]*>", source, re.I):
        assert re.search(r"\ssrc=", tag), f"inline script: {tag}"
    # Mail is read outside the site's CSP, and mail clients need inline styles.
    if "emails" not in template.parts:
        assert not re.search(r"\sstyle\s*=", source, re.I), "inline style"
        assert "<style" not in source.lower()


@pytest.mark.parametrize("template", _templates(), ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_htmx_actions_work_without_javascript(template: Path) -> None:
    source = template.read_text()
    for element, tag in _tags(source, "hx-post"):
        assert element == "form", f"hx-post belongs on a <form>: {tag}"
        assert re.search(r'\smethod="post"', tag, re.I), f"no method=post: {tag}"
        assert re.search(r'\saction="[^"]+"', tag), f"no action: {tag}"
    for _, tag in _tags(source, "hx-get"):
        assert re.search(r'\shref="[^"]+"', tag), f"hx-get without href: {tag}"
    for verb in ("hx-put", "hx-patch", "hx-delete"):
        assert verb not in source, f"{verb}: plain forms can only GET and POST"
