"""Promises 16 and 18: a request Trellis cannot take gets a clear 4xx page, never a 500.

The charset case was a 500 on every URL: Django refuses a form body declaring a charset other
than UTF-8 with BadRequest, and its default 400 handler ran the CSRF check again, which read
the body again and failed again (see accounts/errors.py). A body over the size limit now gets
a 413 page, read to its end first so that a browser still sending sees the page and not a
connection reset; that is only visible with a real server, so gunicorn runs here too.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from django.views import defaults

from accounts import errors
from relationships.models import Membership
from tests.conftest import client_for
from tests.factories import InvitationFactory
from tests.rows import row_counts

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

ROOT = Path(__file__).resolve().parent.parent
CSRF = "a" * 32
BAD_CHARSETS = ["utf-16", "nonsense", "utf8", "latin-1"]
SAYS_400 = "We couldn't read what was sent"
SAYS_413 = "That was too much to send at once"


# A view that refuses, for the 403 page (used through pytest.mark.urls on this module).
@login_not_required
def _refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [
    path("refuse/", _refuse),
    path("", include("config.urls")),
]
handler400 = "accounts.errors.bad_request"
handler403 = "accounts.errors.permission_denied"
handler404 = "accounts.views.not_found"
handler500 = "accounts.views.server_error"


def _csrf_client(membership: Membership | None = None) -> Client:
    """A client whose CSRF checks are on and pass, as a browser's would."""
    client = client_for(membership) if membership else Client()
    client.handler.enforce_csrf_checks = True
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF
    return client


def _post_form(client: Client, url: str, body: bytes, charset: str | None = None) -> "TestResponse":
    content_type = "application/x-www-form-urlencoded"
    if charset:
        content_type += f"; charset={charset}"
    return client.generic("POST", url, body, content_type=content_type, HTTP_X_CSRFTOKEN=CSRF)


# The charset


@pytest.mark.parametrize("charset", BAD_CHARSETS)
def test_a_form_in_another_charset_gets_the_400_page_on_every_kind_of_url(charset: str, ana: Membership) -> None:
    polycule = ana.polycule.public_id
    urls = {
        "public page": (None, reverse("account_login")),
        "member's page": (ana, reverse("relationships:polycule_detail", args=[polycule])),
        "member's action": (ana, reverse("relationships:polycule_rename", args=[polycule])),
        "address that does not exist": (None, "/nowhere/"),
        "address without its slash": (ana, "/accounts/settings"),
    }
    before = row_counts()
    for label, (member, url) in urls.items():
        response = _post_form(_csrf_client(member), url, "name=Gardén".encode("utf-16"), charset)
        assert response.status_code == 400, label
        assert SAYS_400 in response.content.decode(), label
    assert row_counts() == before


def test_a_utf8_form_that_says_so_is_taken(ana: Membership) -> None:
    url = reverse("relationships:polycule_rename", args=[ana.polycule.public_id])
    response = _post_form(_csrf_client(ana), url, "name=Gardén".encode(), "UTF-8")
    assert response.status_code == 302
    ana.polycule.refresh_from_db()
    assert ana.polycule.name == "Gardén"


def _poisoned_request() -> HttpRequest:
    """A request whose body Django refuses to parse, the way it reaches the 400 handler."""
    request = RequestFactory().generic(
        "POST",
        "/accounts/login/",
        b"login=a",
        content_type="application/x-www-form-urlencoded; charset=utf-16",
        HTTP_X_CSRFTOKEN=CSRF,
    )
    request.COOKIES[settings.CSRF_COOKIE_NAME] = CSRF
    with pytest.raises(BadRequest):
        request.POST  # noqa: B018
    return request


def test_djangos_own_400_handler_reads_the_body_again_and_fails(db: None) -> None:
    """Why Trellis has its own handler400: Django's fails on this request (a 500)."""
    with pytest.raises(BadRequest):
        defaults.bad_request(_poisoned_request(), exception=BadRequest())


def test_the_400_and_403_handlers_never_read_the_body(db: None) -> None:
    request = _poisoned_request()
    assert errors.bad_request(request, BadRequest()).status_code == 400
    assert errors.permission_denied(request, PermissionDenied()).status_code == 403


def test_a_content_length_that_is_not_a_number_gets_a_400(db: None) -> None:
    response = Client().generic("POST", reverse("account_login"), b"", CONTENT_LENGTH="lots")
    assert response.status_code == 400


# Too large


def test_a_body_over_the_limit_gets_the_413_page_and_saves_nothing(ana: Membership) -> None:
    url = reverse("relationships:polycule_rename", args=[ana.polycule.public_id])
    body = b"name=" + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    before = row_counts()
    response = _post_form(_csrf_client(ana), url, body)
    assert response.status_code == 413
    assert SAYS_413 in response.content.decode()
    assert row_counts() == before


def test_too_many_fields_get_the_413_page_and_save_nothing(ana: Membership) -> None:
    url = reverse("relationships:polycule_rename", args=[ana.polycule.public_id])
    body = "&".join(f"name={i}" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)).encode()
    before = row_counts()
    response = _post_form(_csrf_client(ana), url, body)
    assert response.status_code == 413
    assert SAYS_413 in response.content.decode()
    assert row_counts() == before
    ana.polycule.refresh_from_db()
    assert ana.polycule.name != "0"


# 403 and 405


def test_a_wrong_method_gets_a_page_saying_so_and_the_allowed_methods(ana: Membership) -> None:
    invitation = InvitationFactory.create(invited_by=ana)
    url = reverse("relationships:invitation_resend", args=[ana.polycule.public_id, invitation.public_id])
    response = client_for(ana).get(url)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "That can't be done from here" in response.content.decode()


def test_a_failed_csrf_check_gets_the_403_page(ana: Membership) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(ana.user)
    url = reverse("relationships:polycule_rename", args=[ana.polycule.public_id])
    response = client.post(url, {"name": "Garden"})
    assert response.status_code == 403
    assert "reload the page and try again" in response.content.decode()


@pytest.mark.urls("tests.test_error_pages")
def test_a_refusal_gets_the_403_page_even_with_an_unreadable_body(db: None) -> None:
    response = _post_form(_csrf_client(), "/refuse/", b"a=1")
    assert response.status_code == 403
    assert "That isn't possible here" in response.content.decode()


# A real server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """Trellis under gunicorn, as in production. These pages need no database: it stays empty."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SQLITE_NAME": str(tmp_path_factory.mktemp("gunicorn") / "db.sqlite3"),
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"]
    server = subprocess.Popen([*command, "--no-control-socket"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _send(port: int, body: bytes, content_type: str) -> tuple[int, str]:
    """Sends all of body, then reads the answer: what a browser does with a form."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Content-Type": content_type, "Cookie": f"{settings.CSRF_COOKIE_NAME}={CSRF}", "X-CSRFToken": CSRF}
        connection.request("POST", reverse("account_login"), body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_a_real_server_answers_a_big_body_with_the_413_page_not_a_reset(gunicorn: int) -> None:
    # Bigger than the socket buffers: unread, it would meet a closed connection (BrokenPipeError).
    body = b"login=" + b"x" * (12 * 1024 * 1024)
    status, page = _send(gunicorn, body, "application/x-www-form-urlencoded")
    assert status == 413
    assert SAYS_413 in page


@pytest.mark.parametrize("charset", ["utf-16", "nonsense"])
def test_a_real_server_answers_another_charset_with_the_400_page(gunicorn: int, charset: str) -> None:
    status, page = _send(gunicorn, b"login=a", f"application/x-www-form-urlencoded; charset={charset}")
    assert status == 400
    assert SAYS_400 in page
