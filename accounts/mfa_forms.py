"""allauth's two-factor forms in Trellis's words (MFA_FORMS): what each field asks for, said
plainly, without placeholders repeating the label."""

from typing import Any

from allauth.mfa.base import forms as base_forms
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.webauthn import forms as webauthn_forms

CODE = "The code from your authenticator app, or one of your recovery codes"


def _plain(form: Any, labels: dict[str, tuple[str, str]]) -> None:
    for name, (label, help_text) in labels.items():
        if name in form.fields:
            form.fields[name].label = label
            form.fields[name].help_text = help_text
            form.fields[name].widget.attrs.pop("placeholder", None)


class AuthenticateForm(base_forms.AuthenticateForm):  # type: ignore[misc]  # allauth ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain(self, {"code": (CODE, "")})


class ReauthenticateForm(base_forms.ReauthenticateForm):  # type: ignore[misc]  # allauth ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain(self, {"code": (CODE, "")})


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):  # type: ignore[misc]  # allauth ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain(self, {"code": ("The code your app shows now", "Six digits; a new one comes every 30 seconds.")})


class AddWebAuthnForm(webauthn_forms.AddWebAuthnForm):  # type: ignore[misc]  # allauth ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain(
            self,
            {
                "name": ("A name for this key (optional)", "So that you can tell your keys apart: “My phone”."),
                "passwordless": (
                    "Sign in with this key alone, without a password",
                    "The key then asks for your fingerprint, face or PIN each time.",
                ),
            },
        )


class EditWebAuthnForm(webauthn_forms.EditWebAuthnForm):  # type: ignore[misc]  # allauth ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain(self, {"name": ("Its name", "So that you can tell your keys apart.")})
