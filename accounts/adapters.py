import base64
import hashlib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest

from .mail import make_message, queue
from .next_page import after_sign_in
from .validators import validate_deliverable_email

_PREFIX = "fernet:"
_CONFIRMED = "account/messages/email_confirmed.txt"
_SIGNED_IN = "account/messages/logged_in.txt"
_CONFIRMED_FLAG = "_trellis_email_confirmed"


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # Sign-up, password reset and adding an address: refused at the form if mail can't carry it.
        validate_deliverable_email(email)
        cleaned: str = super().clean_email(email)
        return cleaned

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # Someone who signed up or in on the way somewhere (an invitation) goes back there.
        return after_sign_in(request) or super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address: EmailAddress) -> str:
        return after_sign_in(self.request) or super().get_email_verification_redirect_url(email_address)

    def add_message(
        self,
        request: HttpRequest,
        level: int,
        message_template: str | None = None,
        message_context: dict[str, Any] | None = None,
        extra_tags: str = "",
        message: str | None = None,
    ) -> None:
        # Confirming an address also signs the person in: one message ("confirmed, welcome")
        # says both, instead of "confirmed" and "welcome" stacked.
        if message_template == _CONFIRMED:
            setattr(request, _CONFIRMED_FLAG, True)
        elif message_template == _SIGNED_IN and getattr(request, _CONFIRMED_FLAG, False):
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMultiAlternatives:
        # allauth's mails in Trellis's words and layout: "account/email/password_changed" is
        # the mail "account/password_changed" (see accounts.mail).
        message = make_message(template_prefix.replace("/email/", "/", 1), email, context, headers=headers)
        message.subject = self.format_email_subject(message.subject)
        message.from_email = self.get_from_email()
        return message

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Rendered here, where allauth has the request and its keys; sent by the task worker,
        # never in the request, so a mail server that is down loses nothing (accounts.mail).
        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, context)
        queue(message, name=template_prefix.replace("/email/", "/", 1))


def _fernet() -> Fernet:
    material = settings.MFA_ENCRYPTION_KEY or f"trellis.mfa:{settings.SECRET_KEY}"
    key = base64.urlsafe_b64encode(hashlib.sha256(material.encode()).digest())
    return Fernet(key)


class MFAAdapter(DefaultMFAAdapter):
    """Keeps TOTP secrets encrypted in the database (promise 9)."""

    def encrypt(self, text: str) -> str:
        return _PREFIX + _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(_PREFIX):
            return encrypted_text
        return _fernet().decrypt(encrypted_text.removeprefix(_PREFIX).encode()).decode()

    def generate_authenticator_name(self, user: AbstractBaseUser, type: Authenticator.Type) -> str:
        """The name a new key's form suggests: "Key 1", "Key 2" ... (allauth's "Master key" is
        not how Trellis speaks), for the person to change to "My phone"."""
        return f"Key {Authenticator.objects.filter(user_id=user.pk, type=type).count() + 1}"
