"""Whatever anyone types into a discussion's forms: a 302, a 409 or a 422, never a 500; words
saved are shown as words, never as markup."""

from typing import Any

from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conversations.services import discussions as services
from relationships.models import Membership
from tests.values.build import HTMX, boundary, client, page

FUZZ = hypothesis_settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NASTY = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\r\n", "\u202e", "\ufeff", "<script>", "x" * 3000, "💥", "é" * 2001]
)
TEXT = st.one_of(st.text(max_size=2100), st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=50), NASTY)
XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


@FUZZ
@given(text=TEXT, discussion=st.one_of(st.text(max_size=40), st.uuids().map(str)), htmx=st.booleans())
def test_any_text_sent_to_any_discussion_form_gets_a_calm_answer(
    ana: Membership, ben: Membership, text: str, discussion: str, htmx: bool
) -> None:
    item = boundary(ana, "Fuzzed")
    first = services.comment_about(author=ben, item=item, text="Hello")
    pid = ana.polycule.public_id
    headers: dict[str, Any] = HTMX if htmx else {}
    posts = [
        (reverse("conversations:discussion_item", args=[pid, item.public_id]), {"text": text}),
        (reverse("conversations:discussion_version", args=[pid, item.public_id, 1]), {"text": text}),
        (
            reverse("conversations:comment_reply", args=[pid, first.public_id]),
            {"text": text, "discussion": str(first.discussion.public_id)},
        ),
        (reverse("conversations:comment_reply", args=[pid, first.public_id]), {"text": text, "discussion": discussion}),
        (reverse("conversations:comment_correct", args=[pid, first.public_id]), {"text": text}),
    ]
    for target, data in posts:
        with transaction.atomic():  # each example's rows go away with it
            response = client(ben).post(target, data, **headers)
            assert response.status_code in {200, 302, 404, 409, 422}, (target, response.status_code)
            transaction.set_rollback(True)


def test_markup_in_a_comment_is_shown_as_words(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    first = services.comment_about(author=ben, item=item, text=XSS)
    services.comment(author=ana, discussion=first.discussion, text=XSS, parent=first)
    services.correct(author=ben, comment=first, text=XSS + " (corrected)")
    html = page(
        client(ana).get(reverse("conversations:discussion_item", args=[ana.polycule.public_id, item.public_id]))
    )
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
