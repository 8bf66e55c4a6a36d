from typing import Any

from allauth.account import forms as allauth_forms
from allauth.core import context as allauth_context
from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from .models import User
from .next_page import offered_address
from .widgets import ShortText, too_long


class NameForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ("name",)
        widgets = {"name": ShortText}
        error_messages = {"name": {"required": "Say how Trellis should greet you.", "max_length": too_long("A name")}}


# allauth's forms in Trellis's words (ACCOUNT_FORMS): sentence-case labels without colons (the
# element templates show them as every Trellis form does), no placeholders repeating the label,
# and the password rules as one sentence of help where a password is chosen.
PASSWORD_HELP = (
    "At least 10 characters. Not only numbers, not a common password, and not too close to your e-mail address."
)
_LABELS = {
    "login": "E-mail address",
    "email": "E-mail address",
    "password": "Password",
    "oldpassword": "Current password",
    "password1": "Password",
    "password2": "Password again",
    "remember": "Keep me signed in on this device",
}


def _in_trellis_words(form: forms.Form, *, new_label: str = "Password") -> None:
    for name, field in form.fields.items():
        if name in _LABELS:
            field.label = _LABELS[name]
        field.widget.attrs.pop("placeholder", None)
    if "password1" in form.fields:
        form.fields["password1"].label = new_label
        form.fields["password1"].help_text = PASSWORD_HELP
    if "password2" in form.fields:
        form.fields["password2"].label = f"{new_label} again"


class LoginForm(allauth_forms.LoginForm):  # type: ignore[misc]  # allauth ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _in_trellis_words(self)


class SignupForm(allauth_forms.SignupForm):  # type: ignore[misc]  # allauth ships no types
    """Sign-up asks for the name Trellis greets the person by (`User.name`), and fills in the
    address an invitation was sent to (`accounts.next_page.offer_address`)."""

    name = forms.CharField(
        label="Your name",
        max_length=User._meta.get_field("name").max_length,
        help_text="How Trellis greets you. Each polycule can know you by another name.",
        widget=ShortText(attrs={"autocomplete": "name"}),
        error_messages={"required": "Say how Trellis should greet you.", "max_length": too_long("A name")},
    )
    field_order = ("name", "email", "password1", "password2")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _in_trellis_words(self)
        request = allauth_context.request
        offered = offered_address(request) if request is not None else None
        if offered and not self.is_bound and not self.initial.get("email"):
            self.initial["email"] = offered

    def signup(self, request: HttpRequest, user: AbstractBaseUser) -> None:
        # allauth calls this once the user is saved (BaseSignupForm.custom_signup).
        assert isinstance(user, User)
        user.name = self.cleaned_data["name"].strip()
        user.save(update_fields=["name"])


class AddEmailForm(allauth_forms.AddEmailForm):  # type: ignore[misc]  # allauth ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _in_trellis_words(self)


class ChangePasswordForm(allauth_forms.ChangePasswordForm):  # type: ignore[misc]  # allauth ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _in_trellis_words(self, new_label="New password")


class SetPasswordForm(allauth_forms.SetPasswordForm):  # type: ignore[misc]  # allauth ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _in_trellis_words(self)


class ResetPasswordForm(allauth_forms.ResetPasswordForm):  # type: ignore[misc]  # allauth ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _in_trellis_words(self)


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):  # type: ignore[misc]  # allauth ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _in_trellis_words(self, new_label="New password")


class ReauthenticateForm(allauth_forms.ReauthenticateForm):  # type: ignore[misc]  # allauth ships no types
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _in_trellis_words(self)
