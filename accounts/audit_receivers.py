"""What allauth and Django announce about accounts, written to the audit log (accounts.audit).

Connected in ``AccountsConfig.ready``. Each receiver passes ids and fixed words only: never an
address someone typed, a password (Django hands failed credentials over, masked or not), a key
or a token.
"""

from typing import Any

from allauth.account import signals as account_signals
from allauth.account.models import EmailAddress
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest

from .audit import record
from .models import User


def _signed_in(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    record("login", request=request, user=user)


def _signed_out(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    record("logout", request=request, user=user)


def _account_of(credentials: dict[str, Any]) -> User | None:
    """The account a failed sign-in was meant for, if there is one, to tell its person."""
    address = credentials.get("email") or credentials.get("username")
    if not isinstance(address, str) or not address or len(address) > 320:
        return None
    found = EmailAddress.objects.filter(email__iexact=address, verified=True).select_related("user").first()
    if found is not None:
        owner: User = found.user
        return owner
    return User.objects.filter(email__iexact=address).first()


def _sign_in_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # An unknown address is logged without it: what someone typed is not an account.
    record("login_failed", request=request, user=_account_of(credentials or {}))


def _signed_up(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    record("signed_up", request=request, user=user)


def _step(sender: Any, request: HttpRequest | None = None, user: Any = None, method: str = "", **kwargs: Any) -> None:
    # Every way of asking again (password, code, second factor) ends in this step.
    if kwargs.get("reauthenticated"):
        record("reauthenticated", request=request, user=user, method=method)


def _on(action: str) -> Any:
    def receiver(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
        if user is None and "email_address" in kwargs:
            user = kwargs["email_address"].user
        authenticator = kwargs.get("authenticator")
        kind = {"kind": str(authenticator.type)} if authenticator is not None else {}
        record(action, request=request, user=user, **kind)

    receiver.__name__ = f"audit_{action}"
    return receiver


# Receivers are held here: signals keep only weak references.
_RECEIVERS = {
    "password_changed": _on("password_changed"),
    "password_set": _on("password_set"),
    "password_reset": _on("password_reset"),
    "email_added": _on("email_added"),
    "email_removed": _on("email_removed"),
    "email_changed": _on("email_primary_changed"),
    "email_confirmed": _on("email_confirmed"),
    "authenticator_added": _on("mfa_added"),
    "authenticator_removed": _on("mfa_removed"),
    "authenticator_reset": _on("recovery_codes_regenerated"),
    "authentication_failed": _on("mfa_failed"),
}


def connect() -> None:
    auth_signals.user_logged_in.connect(_signed_in, dispatch_uid="audit.login")
    auth_signals.user_logged_out.connect(_signed_out, dispatch_uid="audit.logout")
    auth_signals.user_login_failed.connect(_sign_in_failed, dispatch_uid="audit.login_failed")
    account_signals.user_signed_up.connect(_signed_up, dispatch_uid="audit.signed_up")
    account_signals.authentication_step_completed.connect(_step, dispatch_uid="audit.step")
    for name in ("password_changed", "password_set", "password_reset"):
        getattr(account_signals, name).connect(_RECEIVERS[name], dispatch_uid=f"audit.{name}")
    for name in ("email_added", "email_removed", "email_changed", "email_confirmed"):
        getattr(account_signals, name).connect(_RECEIVERS[name], dispatch_uid=f"audit.{name}")
    for name in ("authenticator_added", "authenticator_removed", "authenticator_reset", "authentication_failed"):
        getattr(mfa_signals, name).connect(_RECEIVERS[name], dispatch_uid=f"audit.{name}")
