"""Promise 16 and 17: every form of relationships/ fuzzed with hypothesis, and an XSS
corpus stored in every text field, inert in every page and e-mail that shows it."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from relationships.models import Invitation, Membership, Polycule
from tests.conftest import client_for
from tests.factories import InvitationFactory, MembershipFactory, StewardFactory, UserFactory, token

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
    steward: Membership
    member: Membership
    invitee: Client


@pytest.fixture
def setup(db) -> Setup:  # type: ignore[no-untyped-def]
    steward = StewardFactory(display_name="Ana")
    member = MembershipFactory(polycule=steward.polycule, display_name="Ben")
    invitation = InvitationFactory(invited_by=steward, email="cy@example.com")
    invitee = client_for(UserFactory(email="cy@example.com"))
    assert invitee.get(f"/invitations/{token(invitation)}/").status_code == 302
    return Setup(steward, member, invitee)


def _polycule_url(name: str) -> Callable[[Setup], str]:
    return lambda s: reverse(name, args=[s.steward.polycule.public_id])


FORMS = [
    Form(
        "polycule_create",
        ("name", "display_name", "pronouns"),
        lambda s: reverse("relationships:polycule_create"),
        lambda s: client_for(s.steward),
    ),
    Form("polycule_rename", ("name",), _polycule_url("relationships:polycule_rename"), lambda s: client_for(s.steward)),
    Form(
        "membership_edit",
        ("display_name", "pronouns"),
        _polycule_url("relationships:membership_edit"),
        lambda s: client_for(s.member),
    ),
    Form(
        "invitation_create",
        ("email", "note"),
        _polycule_url("relationships:invitation_create"),
        lambda s: client_for(s.steward),
    ),
    Form(
        "invitation_accept",
        ("display_name", "pronouns"),
        lambda s: reverse("relationships:invitation_accept"),
        lambda s: s.invitee,
    ),
    Form(
        "member_role",
        ("role",),
        lambda s: reverse("relationships:member_role", args=[s.steward.polycule.public_id, s.member.public_id]),
        lambda s: client_for(s.steward),
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


def test_fields_that_set_ownership_are_never_taken_from_the_request(setup: Setup) -> None:
    other = StewardFactory()
    client = client_for(setup.member)
    client.post(
        reverse("relationships:membership_edit", args=[setup.steward.polycule.public_id]),
        {"display_name": "Ben", "role": "steward", "polycule": other.polycule.pk, "user": other.user.pk},
    )
    setup.member.refresh_from_db()
    assert setup.member.role == Membership.Role.MEMBER
    assert setup.member.polycule == setup.steward.polycule
    assert setup.member.user != other.user


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
def test_an_xss_corpus_stays_inert_in_every_page_and_mail(  # type: ignore[no-untyped-def]
    payload: str, db, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    ana = UserFactory(name="Ana")
    client = client_for(ana)
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
            {"email": "ben@example.com", "note": payload},
        )
    assert invited.status_code == 302
    (html, mimetype), *_ = mailoutbox[0].alternatives
    assert mimetype == "text/html"
    _inert(html, payload)

    ben = client_for(UserFactory(email="ben@example.com"))
    link = re.search(r"/invitations/[^/\s]+/", mailoutbox[0].body)
    assert link
    assert ben.get(link.group(0)).status_code == 302
    _inert(ben.get(reverse("relationships:invitation_landing")).content.decode(), payload)

    accepted = ben.post(reverse("relationships:invitation_accept"), {"display_name": payload, "pronouns": payload})
    assert accepted.status_code == 302
    _inert(client.get(detail).content.decode(), payload)  # Ben's row and "joined" notice, seen by Ana
