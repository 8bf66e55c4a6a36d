"""Where a person goes after signing up, verifying their address or signing in, when an
app above asked for it (an invitation being accepted, say). Accounts knows only the path."""

from django.http import HttpRequest

_SESSION_KEY = "trellis_after_sign_in"


def return_after_sign_in(request: HttpRequest, path: str) -> None:
    request.session[_SESSION_KEY] = path


def after_sign_in(request: HttpRequest) -> str | None:
    value = request.session.get(_SESSION_KEY)
    return value if isinstance(value, str) and value.startswith("/") else None


def forget_after_sign_in(request: HttpRequest) -> None:
    request.session.pop(_SESSION_KEY, None)
