"""Every mail Trellis sends, built one way (like healthchecks' `hc/lib/emails.py`).

A mail called `name` is three templates under `templates/emails/`: `<name>_subject.txt`
(one line), `<name>.txt` (the plain text) and `<name>.html` (the HTML alternative). The
bodies extend `emails/layout.txt` and `emails/layout.html`, which carry the Trellis name,
the signature and a footer saying why the mail came (the `why` block each mail may fill).

allauth's mails come here too (`accounts.adapters.AccountAdapter.render_mail`): its
template prefix loses its `/email/` folder, so `account/email/password_reset_key` is the
mail `account/password_reset_key` (`templates/emails/account/password_reset_key.txt`, ...)
and `mfa/email/totp_activated` is `mfa/totp_activated`.
"""

import re
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def site_url(path: str) -> str:
    """The absolute URL of a path on this site, for links that leave it (in mail)."""
    return f"{settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL}://{settings.SITE_HOST}{path}"


def make_message(
    name: str, to: str | list[str], context: dict[str, Any], *, headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    """The mail `name` to `to`, rendered with `context`; the caller sends it."""
    subject = render_to_string(f"emails/{name}_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(line.strip() for line in subject.splitlines() if line.strip()),
        body=_tidy(render_to_string(f"emails/{name}.txt", context)),
        to=[to] if isinstance(to, str) else to,
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"emails/{name}.html", context), "text/html")
    return message


def _tidy(text: str) -> str:
    # Template tags leave blank lines behind; a plain-text mail keeps one between paragraphs.
    return re.sub(r"\n{3,}", "\n\n", text.strip()) + "\n"
