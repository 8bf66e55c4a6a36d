"""Promises 2-5 on every kind of response Trellis sends, with the production settings.

A page, an htmx fragment, a redirect made by a view, the redirects the framework makes itself
(a missing trailing slash, plain HTTP), each error page (400, 403, 404, 405, 413, 500), a
static file and signing out: each carries the CSP, the protective headers and HSTS, is never
stored by a browser (static files excepted: they are public and cacheable), and sets only
`__Host-` cookies that are Secure and SameSite=Lax. Flash messages, which carry names and
addresses, travel in the session, never in a cookie of their own.
"""

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse

from relationships.models import Membership
from tests.factories import InvitationFactory
from tests.test_security import _prod_env, _python

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


@login_not_required
def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault")


urlpatterns = [path("boom/", _boom), path("", include("config.urls"))]
handler400 = "accounts.errors.bad_request"
handler403 = "accounts.errors.permission_denied"
handler404 = "accounts.views.not_found"
handler500 = "accounts.views.server_error"

PROD_NAMES = [
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SAMESITE",
    "MESSAGE_STORAGE",
    "MIDDLEWARE",
]
REFERER = "https://testserver/"


@pytest.fixture(scope="module")
def prod() -> dict[str, Any]:
    """These settings as production has them, read in a fresh interpreter."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {PROD_NAMES!r}}}))"
    )
    result = _python(code, _prod_env())
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout)
    return values


@pytest.fixture
def as_in_production(prod: dict[str, Any]) -> Iterator[None]:
    # Static files from the app folders, as collectstatic would gather them in production. The
    # session renewed on every request, so that every signed-in answer carries its cookie to check.
    with override_settings(
        **prod,
        ROOT_URLCONF="tests.test_response_headers",
        WHITENOISE_USE_FINDERS=True,
        WHITENOISE_AUTOREFRESH=True,
        SESSION_RENEW_SECONDS=0,
    ):
        yield


def _signed_in(ana: Membership, **options: Any) -> Client:
    client = Client(**options)
    client.force_login(ana.user)
    return client


def _rename(ana: Membership) -> str:
    return reverse("relationships:polycule_rename", args=[ana.polycule.public_id])


@dataclass(frozen=True)
class Kind:
    status: int
    send: Callable[[Membership], "TestResponse"]
    signed_in: bool = True
    static: bool = False


KINDS = {
    "page": Kind(200, lambda ana: _signed_in(ana).get(reverse("home:dashboard"), secure=True)),
    "htmx fragment": Kind(
        200, lambda ana: _signed_in(ana).get(reverse("home:needs_count"), secure=True, headers={"HX-Request": "true"})
    ),
    "redirect from a view": Kind(
        302, lambda ana: _signed_in(ana).post(_rename(ana), {"name": "Garden"}, secure=True, HTTP_REFERER=REFERER)
    ),
    "redirect to sign in": Kind(302, lambda ana: Client().get(reverse("home:dashboard"), secure=True), signed_in=False),
    "trailing-slash redirect": Kind(301, lambda ana: _signed_in(ana).get("/accounts/settings", secure=True)),
    "redirect to https": Kind(301, lambda ana: _signed_in(ana).get(reverse("home:dashboard"))),
    "400": Kind(
        400,
        lambda ana: _signed_in(ana).generic(
            "POST", _rename(ana), b"name=x", content_type="text/plain; charset=utf-16", secure=True
        ),
    ),
    "403": Kind(
        403,
        lambda ana: _signed_in(ana, enforce_csrf_checks=True).post(
            _rename(ana), {"name": "x"}, secure=True, HTTP_REFERER=REFERER
        ),
    ),
    "404": Kind(404, lambda ana: _signed_in(ana).get("/nowhere/", secure=True)),
    "405": Kind(
        405,
        lambda ana: _signed_in(ana).get(
            reverse(
                "relationships:invitation_resend",
                args=[ana.polycule.public_id, InvitationFactory.create(invited_by=ana).public_id],
            ),
            secure=True,
        ),
    ),
    "413": Kind(
        413,
        lambda ana: _signed_in(ana).post(
            _rename(ana),
            {"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)},
            secure=True,
            HTTP_REFERER=REFERER,
        ),
    ),
    "500": Kind(500, lambda ana: _signed_in(ana, raise_request_exception=False).get("/boom/", secure=True)),
    "signing out": Kind(
        302, lambda ana: _signed_in(ana).post(reverse("account_logout"), secure=True, HTTP_REFERER=REFERER)
    ),
    "static file": Kind(200, lambda ana: Client().get("/static/css/trellis.css", secure=True), False, static=True),
}


def _csp(response: "TestResponse") -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.usefixtures("as_in_production")
@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS.keys())
def test_every_kind_of_response_is_dressed(kind: Kind, ana: Membership, prod: dict[str, Any]) -> None:
    response = kind.send(ana)
    assert response.status_code == kind.status

    # Promise 2: the CSP, on every response (the static files' too: an SVG is a document).
    policy = _csp(response)
    for directive, value in {
        "default-src": "'none'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }.items():
        assert policy[directive] == [value], directive
    assert "unsafe-" not in response["Content-Security-Policy"]

    # Promise 3: the protective headers; HSTS on every answer over HTTPS.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    if response.wsgi_request.is_secure():
        hsts = response["Strict-Transport-Security"]
        assert f"max-age={prod['SECURE_HSTS_SECONDS']}" in hsts
        assert prod["SECURE_HSTS_SECONDS"] >= 31536000
        assert "includeSubDomains" in hsts

    # Promise 4: only the session and CSRF cookies, __Host- prefixed, Secure, host-only, Lax.
    for name, cookie in response.cookies.items():
        assert name in {prod["SESSION_COOKIE_NAME"], prod["CSRF_COOKIE_NAME"]}, name
        assert name.startswith("__Host-")
        assert cookie["secure"] is True
        assert cookie["path"] == "/"
        assert not cookie["domain"]
        assert cookie["samesite"] == "Lax"
        if name == prod["SESSION_COOKIE_NAME"]:
            assert cookie["httponly"] is True

    # Promise 5: nothing stored by a browser or a proxy, but the public static files.
    if kind.static:
        assert "no-store" not in response["Cache-Control"]
        assert not response.cookies
    else:
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


@pytest.mark.usefixtures("as_in_production")
def test_the_signed_in_kinds_do_carry_the_session_cookie(ana: Membership, prod: dict[str, Any]) -> None:
    """So that the cookie checks above have something to check."""
    response = KINDS["page"].send(ana)
    assert prod["SESSION_COOKIE_NAME"] in response.cookies
    assert prod["CSRF_COOKIE_NAME"] in response.cookies


@pytest.mark.usefixtures("as_in_production")
def test_signing_out_asks_the_browser_to_forget_the_site(ana: Membership) -> None:
    response = KINDS["signing out"].send(ana)
    assert "cookies" in response["Clear-Site-Data"]
    assert "cache" in response["Clear-Site-Data"]


@pytest.mark.usefixtures("as_in_production")
def test_a_flash_message_travels_in_the_session_never_in_a_cookie(ana: Membership) -> None:
    client = _signed_in(ana)
    url = reverse("relationships:invitation_create", args=[ana.polycule.public_id])
    sent = client.post(url, {"email": "someone.private@example.com", "note": ""}, secure=True, HTTP_REFERER=REFERER)
    assert sent.status_code == 302
    assert "messages" not in sent.cookies
    for cookie in sent.cookies.values():
        assert "someone.private" not in cookie.OutputString()
    page = client.get(sent["Location"], secure=True)
    assert "Invitation sent to someone.private@example.com" in page.content.decode()


def test_production_keeps_flash_messages_in_the_session(prod: dict[str, Any]) -> None:
    assert prod["MESSAGE_STORAGE"] == "django.contrib.messages.storage.session.SessionStorage"


def test_the_middleware_that_dresses_responses_comes_before_any_that_answers_on_its_own(
    prod: dict[str, Any],
) -> None:
    """CommonMiddleware (slash), SecurityMiddleware (HTTPS) and WhiteNoise (static files) answer
    without the middleware below them: the headers must be set above all three."""
    order = prod["MIDDLEWARE"]
    dressers = [
        "accounts.middleware.PrivateCacheMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
    ]
    answerers = [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.middleware.common.CommonMiddleware",
    ]
    assert max(order.index(m) for m in dressers) < min(order.index(m) for m in answerers)


@pytest.mark.usefixtures("as_in_production")
def test_pages_reach_a_browser_that_asks_gzipped_and_padded_against_breach(ana: Membership) -> None:
    client = _signed_in(ana)
    plain = client.get(reverse("home:dashboard"), secure=True)
    assert "Content-Encoding" not in plain
    sizes = set()
    for _ in range(5):
        packed = client.get(reverse("home:dashboard"), secure=True, headers={"Accept-Encoding": "gzip, br"})
        assert packed["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed["Vary"]
        assert gzip.decompress(packed.content).startswith(b"<!DOCTYPE html>")
        assert len(packed.content) < len(plain.content)
        sizes.add(len(packed.content))
    # The same page, compressed five times: GZipMiddleware's random padding varies its length.
    assert len(sizes) > 1
