"""Invitation links: making tokens, finding an invitation by its token, and the
session key that carries an invitee through sign-up and sign-in."""

import hashlib
import logging
import re
import secrets

from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import salted_hmac

from accounts.next_page import forget_after_sign_in, return_after_sign_in

_SESSION_KEY = "trellis_pending_invitation"
# Invitation links, calendar feeds (notifications) and one-click unsubscribe links carry tokens.
_TOKEN_IN_PATH = re.compile(r"/(invitations|feeds|notifications/unsubscribe)/[^/\s]+")
# Django writes the path of refused or failed requests (and runserver of every request) to these loggers.
PATH_LOGGERS = ("django.request", "django.security.csrf", "django.server")


def new_salt() -> str:
    return secrets.token_hex(32)


def token_for(salt: str) -> str:
    """The link token: 256 bits, derived from the stored salt and SECRET_KEY."""
    return salted_hmac("trellis.invitation", salt, algorithm="sha256").hexdigest()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def remember_invitation(request: HttpRequest, invitation_id: int) -> None:
    """The invitee comes back to the invitation after signing up, verifying or signing in."""
    request.session[_SESSION_KEY] = invitation_id
    return_after_sign_in(request, reverse("relationships:invitation_landing"))


def pending_invitation_id(request: HttpRequest) -> int | None:
    value = request.session.get(_SESSION_KEY)
    return value if isinstance(value, int) else None


def forget_invitation(request: HttpRequest) -> None:
    request.session.pop(_SESSION_KEY, None)
    forget_after_sign_in(request)


class RedactTokens(logging.Filter):
    """Keeps invitation tokens out of the logs (promise 15): a link copied in part,
    posted to, or met by a database outage would otherwise be logged with its path."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _TOKEN_IN_PATH.sub(r"/\1/…", record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_PATH.sub(r"/\1/…", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
