"""Promise 16: an address mail cannot carry is refused at the form, before anything is saved.

Such addresses used to pass sign-up (the account was made) and fail with a 500 when the mail
was built. Lone surrogates cannot travel in a form post (Django decodes the body with
replacement characters), but what they become, U+FFFD, failed the same way; the forms are also
tried directly with the raw characters.
"""

from typing import TYPE_CHECKING
from urllib.parse import quote_plus

import pytest
from allauth.account.forms import AddEmailForm, ResetPasswordForm, SignupForm
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import OutboundMail, User
from accounts.validators import MESSAGE, validate_deliverable_email
from relationships.forms import InvitationForm
from relationships.models import Invitation, Membership
from tests.conftest import client_for
from tests.factories import PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

NEW_PASSWORD = "a long and happy password"
PASSWORDS = f"name=Eli&password1={quote_plus(NEW_PASSWORD)}&password2={quote_plus(NEW_PASSWORD)}"

# Each passes Django's own EmailValidator; each broke (or misdirected) the mail layer.
UNWRITABLE = {
    "lone surrogate in the domain": "ana@\ud800.example",
    "replacement character (a surrogate once sent)": "ana@\ufffd.example",
    "right-to-left override in the domain": "ana@\u202eelpmaxe.com",
    "zero-width space in the domain": "ana@exam\u200bple.com",
    "soft hyphen in the domain": "ana@exa\u00admple.com",
    "control character in a quoted local part": '"a\x01na"@example.com',
    "domain label too long once IDNA-encoded": "ana@" + "ü" * 60 + ".example",
    "tatweel, refused by IDNA": "ana@a\u0640.example",
}
# As they travel in a form post: the raw UTF-8 bytes of a lone surrogate, percent-encoded.
UNWRITABLE_IN_A_POST = {
    "lone surrogate bytes": "ana%40%ED%A0%80.example",
    "right-to-left override": "ana%40%E2%80%AEelpmaxe.com",
    "domain label too long": "ana%40" + "%C3%BC" * 60 + ".example",
}
WRITABLE = ["ana@example.com", "ana.b+trellis@mail.example.org", "ana@münchen.de", "ana@xn--mnchen-3ya.de"]


@pytest.mark.parametrize("address", UNWRITABLE.values(), ids=UNWRITABLE.keys())
def test_the_validator_refuses_what_mail_cannot_carry(address: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_deliverable_email(address)
    assert MESSAGE in refused.value.messages


@pytest.mark.parametrize("address", WRITABLE)
def test_the_validator_takes_ordinary_and_international_addresses(address: str) -> None:
    validate_deliverable_email(address)


@settings(max_examples=300, deadline=None)
@given(
    st.builds(
        lambda local, domain: f"{local}@{domain}",
        st.text(alphabet=st.characters(codec="utf-8", exclude_characters="@"), min_size=1, max_size=12)
        | st.from_regex(r"[a-z0-9.+-]{1,12}", fullmatch=True),
        st.text(alphabet=st.characters(exclude_characters="@"), min_size=1, max_size=70)
        | st.from_regex(r"[a-zà-ÿ0-9-]{1,20}\.[a-z]{2,6}", fullmatch=True),
    )
)
def test_whatever_the_validator_takes_the_mail_layer_can_send(address: str) -> None:
    try:
        validate_deliverable_email(address)
    except ValidationError:
        return
    message = EmailMultiAlternatives("Subject", "Body", "Trellis <hello@trellis.example>", [address])
    message.message().as_bytes()


def _refused(response: "TestResponse") -> bool:
    return response.status_code in {200, 422} and MESSAGE.replace("'", "&#x27;") in response.content.decode()


def _post(client: Client, url: str, fields: str) -> "TestResponse":
    return client.generic("POST", url, fields.encode(), content_type="application/x-www-form-urlencoded")


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        EmailAddress.objects.count(),
        Invitation.objects.count(),
        OutboundMail.objects.count(),
    )


@pytest.mark.parametrize("encoded", UNWRITABLE_IN_A_POST.values(), ids=UNWRITABLE_IN_A_POST.keys())
def test_sign_up_refuses_the_address_and_makes_no_account(encoded: str, db: None) -> None:
    before = _counts()
    response = _post(Client(), reverse("account_signup"), f"email={encoded}&{PASSWORDS}")
    assert _refused(response)
    assert _counts() == before


@pytest.mark.parametrize("encoded", UNWRITABLE_IN_A_POST.values(), ids=UNWRITABLE_IN_A_POST.keys())
def test_password_reset_refuses_the_address_and_sends_nothing(encoded: str, user: User) -> None:
    before = _counts()
    response = _post(Client(), reverse("account_reset_password"), f"email={encoded}")
    assert _refused(response)
    assert _counts() == before


@pytest.mark.parametrize("encoded", UNWRITABLE_IN_A_POST.values(), ids=UNWRITABLE_IN_A_POST.keys())
def test_adding_an_address_refuses_it_and_adds_nothing(encoded: str, user: User) -> None:
    client = Client()
    signed_in = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    before = _counts()
    response = _post(client, reverse("account_email"), f"action_add=&email={encoded}")
    assert _refused(response)
    assert _counts() == before


@pytest.mark.parametrize("encoded", UNWRITABLE_IN_A_POST.values(), ids=UNWRITABLE_IN_A_POST.keys())
def test_an_invitation_to_the_address_is_refused_and_not_saved(encoded: str, ana: Membership) -> None:
    before = _counts()
    url = reverse("relationships:invitation_create", args=[ana.polycule.public_id])
    response = _post(client_for(ana), url, f"email={encoded}&note=")
    assert _refused(response)
    assert _counts() == before


@pytest.mark.parametrize("address", UNWRITABLE.values(), ids=UNWRITABLE.keys())
def test_every_form_that_takes_an_address_refuses_the_raw_characters(address: str, user: User) -> None:
    forms = [
        SignupForm(data={"email": address, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
        ResetPasswordForm(data={"email": address}),
        AddEmailForm(user=user, data={"email": address}),
        InvitationForm(data={"email": address, "note": ""}),
    ]
    for form in forms:
        assert not form.is_valid(), type(form).__name__
        assert "email" in form.errors, type(form).__name__


def test_sign_up_with_an_ordinary_address_still_works(db: None) -> None:
    response = _post(Client(), reverse("account_signup"), f"email=newcomer%40example.com&{PASSWORDS}")
    assert response.status_code == 302
    assert User.objects.filter(email="newcomer@example.com").exists()
