"""Where a person goes after signing up, verifying their address or signing in, when an
app above asked for it (an invitation being accepted, say). Accounts knows only the path."""

from django.http import HttpRequest

_SESSION_KEY = "trellis_after_sign_in"
# The address someone was invited at, filled in on the sign-up page they reach from the
# invitation. Only a suggestion: the address is verified like any other (docs/DECISIONS.md).
_ADDRESS_KEY = "trellis_offered_address"


def return_after_sign_in(request: HttpRequest, path: str) -> None:
    request.session[_SESSION_KEY] = path


def after_sign_in(request: HttpRequest) -> str | None:
    value = request.session.get(_SESSION_KEY)
    return value if isinstance(value, str) and value.startswith("/") else None


def forget_after_sign_in(request: HttpRequest) -> None:
    request.session.pop(_SESSION_KEY, None)
    request.session.pop(_ADDRESS_KEY, None)


def offer_address(request: HttpRequest, email: str) -> None:
    request.session[_ADDRESS_KEY] = email


def offered_address(request: HttpRequest) -> str | None:
    value = request.session.get(_ADDRESS_KEY)
    return value if isinstance(value, str) else None
