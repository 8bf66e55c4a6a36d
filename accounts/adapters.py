import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from relationships.invitations import pending_invitation_id

_PREFIX = "fernet:"


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        # An invitee who signed up or in from an invitation goes back to it.
        if pending_invitation_id(request) is not None:
            return reverse("relationships:invitation_landing")
        return super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address):  # type: ignore[no-untyped-def]
        if pending_invitation_id(self.request) is not None:
            return reverse("relationships:invitation_landing")
        return super().get_email_verification_redirect_url(email_address)


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
