"""The answers to requests Trellis cannot take: clear pages, never a 500 (issue 10, point 1).

Why a 500 happened: a form post declaring a charset other than UTF-8 makes Django raise
`BadRequest` when the body is first parsed (CsrfViewMiddleware reads `request.POST` for the
token). Unlike its other body errors, Django does not mark that body as unparsable, and its
default `handler400` is wrapped in `requires_csrf_token`, which runs the CSRF check again,
reads `request.POST` again and fails again: the 400 turned into a 500 on every URL.

So: `BodyGuardMiddleware` refuses such a body (and one over the size limit) before anything
reads it, and the handlers here (`config.urls`) never touch the body, `request.POST` or the
CSRF check, so whichever code raises first, the answer is the page meant for it.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render

# A body over the limit is read and thrown away up to this size before the 413 goes out, so
# that the browser, still sending, reads the answer instead of a connection reset. Anything
# larger is cut off (a reverse proxy's own body limit should stop it first).
DRAIN_LIMIT = 16 * 1024 * 1024
_CHUNK = 64 * 1024

_TOO_LARGE = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400. Django sends here every body it could not take: too big or too many fields
    get the 413 page, anything else the 400 page."""
    if isinstance(exception, _TOO_LARGE):
        return too_large(request)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403, like Django's own but without its CSRF check (which reads the body)."""
    return render(request, "403.html", status=403)


def too_large(request: HttpRequest) -> HttpResponse:
    return render(request, "413.html", status=413)


def not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    response = render(request, "405.html", status=405)
    response["Allow"] = allowed
    return response


def _content_length(request: HttpRequest) -> int | None:
    """The declared body length; None when it is not a number (which Django would choke on)."""
    raw = request.headers.get("content-length") or "0"
    try:
        length = int(raw)
    except ValueError:
        return None
    return length if length >= 0 else None


def _drain(request: HttpRequest, length: int) -> None:
    left = min(length, DRAIN_LIMIT)
    while left > 0:
        chunk = request.read(min(_CHUNK, left))
        if not chunk:
            return
        left -= len(chunk)


class BodyGuardMiddleware:
    """Refuses, before anything reads it, a body Trellis cannot take:

    - one declaring a charset other than UTF-8 (HTML forms are always UTF-8): 400;
    - one with a Content-Length that is not a number: 400;
    - one longer than DATA_UPLOAD_MAX_MEMORY_SIZE (Trellis takes no file uploads): 413.

    And gives a 405 (which Django sends empty) the page that says what happened.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        charset = (request.content_params or {}).get("charset")
        length = _content_length(request)
        if (charset is not None and charset.lower() != "utf-8") or length is None:
            return bad_request(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            _drain(request, length)
            return too_large(request)
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            return not_allowed(request, response["Allow"])
        return response
