from typing import Any

from django import forms

from accounts.models import User
from accounts.widgets import ShortText


class AccountDeleteForm(forms.Form):
    """Typing one's own address: a deliberate step, not a click that slips."""

    email = forms.CharField(
        label="Your e-mail address",
        max_length=254,
        help_text="The address you sign in with, to show you mean it.",
        widget=ShortText(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        typed = str(self.cleaned_data["email"]).strip()
        if typed.casefold() != self.user.email.casefold():
            raise forms.ValidationError("That isn't the address you sign in with. Nothing was deleted.")
        return typed
