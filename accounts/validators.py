"""E-mail addresses Trellis can really write to, checked once, at the form.

Django's `EmailValidator` accepts addresses the mail layer cannot encode later: a lone
surrogate or a right-to-left mark in the domain, a quoted local part holding control
characters, a domain whose IDNA form has a label over 63 letters. Such an address used to pass
sign-up (the account was saved) and fail when the mail was built, with a 500. Every form that
takes an address Trellis will write to (allauth's sign-up, password reset and "add an address"
through `accounts.adapters.AccountAdapter.clean_email`, and the invitation form) runs
`validate_deliverable_email`, so such an address is refused with a message before anything is
saved.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MESSAGE = "That e-mail address has characters a mail server can't take. Please check it, or use another address."

# Longest domain name DNS allows, in its ASCII (IDNA) form.
_MAX_DOMAIN = 253


def _unwritable(char: str) -> bool:
    # Control (Cc), format (Cf: zero-width and direction marks), surrogate (Cs), private
    # use (Co) and unassigned (Cn) characters, and the line and paragraph separators.
    return unicodedata.category(char)[0] == "C" or char in "\u2028\u2029"


def validate_deliverable_email(value: str) -> None:
    """Refuses an address Django's mail layer could not encode (see the module's docstring)."""
    validate_email(value)
    if any(_unwritable(char) for char in value):
        raise ValidationError(MESSAGE, code="unencodable")
    local, _, domain = value.rpartition("@")
    try:
        local.encode("ascii")
        ascii_domain = domain.encode("idna")
    except UnicodeError as exc:
        raise ValidationError(MESSAGE, code="unencodable") from exc
    if len(ascii_domain) > _MAX_DOMAIN:
        raise ValidationError(MESSAGE, code="unencodable")
