"""Promise 16 and 17: every form of relationships/ fuzzed with hypothesis, and an XSS
corpus stored in every text field, inert in every page and e-mail that shows it."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.models import User
from relationships.models import Invitation, Membership, Polycule
from tests.conftest import client_for
from tests.factories import InvitationFactory, UserFactory, token

FUZZ = hypothesis_settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\r\n", "\u202e", "\ufeff", "<script>", "x" * 3000, "é" * 81, "@", "a@b", "%00", "💥"]
)
TEXT = st.one_of(st.text(max_size=3000), st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=50), NASTY)


@dataclass
class Form:
    """One form-posting URL, who posts to it, and the fields it knows."""

    name: str
    fields: tuple[str, ...]
    url: Callable[["Setup"], str]
    client: Callable[["Setup"], Client]


@dataclass
class Setup:
    ana: Membership
    ben: Membership
    eli: Client  # invited, with the link opened: a newcomer


@pytest.fixture
def setup(ana: Membership, ben: Membership) -> Setup:
    invitation = InvitationFactory.create(invited_by=ana, email="eli@example.com")
    eli = client_for(UserFactory.create(email="eli@example.com"))
    assert eli.get(f"/invitations/{token(invitation)}/").status_code == 302
    return Setup(ana, ben, eli)


def _polycule_url(name: str) -> Callable[[Setup], str]:
    return lambda s: reverse(name, args=[s.ana.polycule.public_id])


FORMS = [
    Form(
        "polycule_create",
        ("name", "display_name", "pronouns"),
        lambda s: reverse("relationships:polycule_create"),
        lambda s: client_for(s.ana),
    ),
    Form("polycule_rename", ("name",), _polycule_url("relationships:polycule_rename"), lambda s: client_for(s.ana)),
    Form(
        "membership_edit",
        ("display_name", "pronouns"),
        _polycule_url("relationships:membership_edit"),
        lambda s: client_for(s.ben),
    ),
    Form(
        "invitation_create",
        ("email", "note"),
        _polycule_url("relationships:invitation_create"),
        lambda s: client_for(s.ana),
    ),
    Form(
        "invitation_accept",
        ("display_name", "pronouns"),
        lambda s: reverse("relationships:invitation_accept"),
        lambda s: s.eli,
    ),
    Form(
        "member_role",
        ("role",),
        lambda s: reverse("relationships:member_role", args=[s.ana.polycule.public_id, s.ben.public_id]),
        lambda s: client_for(s.ana),
    ),
]


def _rows() -> tuple[Any, ...]:
    return (
        tuple(Polycule.objects.order_by("pk").values_list("pk", "name")),
        tuple(Membership.objects.order_by("pk").values_list("pk", "display_name", "pronouns", "role", "left_at")),
        tuple(Invitation.objects.order_by("pk").values_list("pk", "email", "note", "accepted_at", "revoked_at")),
    )


def _data(fields: tuple[str, ...]) -> st.SearchStrategy[dict[str, str]]:
    keys = st.one_of(st.sampled_from(fields), st.sampled_from(["csrfmiddlewaretoken", "id", "polycule", "user"]))
    return st.dictionaries(keys, TEXT, max_size=len(fields) + 2)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
def test_any_input_gets_an_answer_and_a_refusal_saves_nothing(form: Form, setup: Setup) -> None:
    url = form.url(setup)
    client = form.client(setup)

    @FUZZ
    @given(data=_data(form.fields))
    def post(data: dict[str, str]) -> None:
        cache.clear()
        with transaction.atomic():
            before = _rows()
            response = client.post(url, data)
            assert response.status_code < 500
            if response.status_code != 302:
                assert response.status_code in {409, 422}, (response.status_code, data)
                assert _rows() == before
                page = response.content.decode()
                assert 'class="errors"' in page or "Choose steward or member." in page
            transaction.set_rollback(True)

    post()


def test_fields_that_set_ownership_are_never_taken_from_the_request(setup: Setup, zed: Membership) -> None:
    client = client_for(setup.ben)
    client.post(
        reverse("relationships:membership_edit", args=[setup.ana.polycule.public_id]),
        {"display_name": "Ben", "role": "steward", "polycule": zed.polycule.pk, "user": zed.user.pk},
    )
    setup.ben.refresh_from_db()
    assert setup.ben.role == Membership.Role.MEMBER
    assert setup.ben.polycule == setup.ana.polycule
    assert setup.ben.user != zed.user


# Promise 17: an XSS corpus, inert everywhere it is shown

CORPUS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "{{ 7|add:7 }}{% debug %}",
]


def _inert(page: str, payload: str) -> None:
    """Shown, as text: escaped markup, template syntax left as it was typed."""
    assert escape(payload) in page
    if escape(payload) != payload:
        assert payload not in page


@pytest.mark.parametrize("payload", CORPUS)
def test_an_xss_corpus_stays_inert_in_every_page_and_mail(
    payload: str,
    user: User,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client = client_for(user)
    created = client.post(
        reverse("relationships:polycule_create"), {"name": payload, "display_name": payload, "pronouns": payload}
    )
    assert created.status_code == 302
    polycule = Polycule.objects.get(name=payload)
    detail = created["Location"]
    _inert(client.get(detail).content.decode(), payload)  # also the flash message
    _inert(client.get(reverse("relationships:polycule_list")).content.decode(), payload)
    _inert(client.get(reverse("relationships:membership_edit", args=[polycule.public_id])).content.decode(), payload)
    _inert(client.get(reverse("relationships:polycule_rename", args=[polycule.public_id])).content.decode(), payload)

    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post(
            reverse("relationships:invitation_create", args=[polycule.public_id]),
            {"email": "eli@example.com", "note": payload},
        )
    assert invited.status_code == 302
    message = mailoutbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    assert isinstance(html, str)
    _inert(html, payload)

    eli = client_for(UserFactory.create(email="eli@example.com"))
    link = re.search(r"/invitations/[^/\s]+/", str(message.body))
    assert link
    assert eli.get(link.group(0)).status_code == 302
    _inert(eli.get(reverse("relationships:invitation_landing")).content.decode(), payload)

    accepted = eli.post(reverse("relationships:invitation_accept"), {"display_name": payload, "pronouns": payload})
    assert accepted.status_code == 302
    _inert(client.get(detail).content.decode(), payload)  # Eli's row and "joined" notice, seen by the founder
