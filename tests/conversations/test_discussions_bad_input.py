"""What nobody should be able to send to a discussion: empty or oversized words, a reply to a
reply, someone else's comment to correct, ids of comments from elsewhere, the same words twice.
Each gets a clear 4xx, with the message beside the form, and nothing is saved."""

from typing import Any

import pytest
from django.urls import reverse

from conversations.models import Comment, CommentRevision, Discussion, Mute
from conversations.services import discussions as services
from relationships.models import Membership
from tests.values.build import HTMX, boundary, client, page
from values.models import Item

TOO_LONG = "x" * 2001


def url(name: str, me: Membership, **ids: Any) -> str:
    return reverse(f"conversations:{name}", kwargs={"polycule_id": me.polycule.public_id, **ids})


def item_talk(me: Membership, item: Item) -> str:
    return url("discussion_item", me, item_id=item.public_id)


def counts() -> tuple[int, int, int, int]:
    return Discussion.objects.count(), Comment.objects.count(), CommentRevision.objects.count(), Mute.objects.count()


def first_comment(author: Membership, item: Item, text: str = "Can we talk?") -> Comment:
    return services.comment_about(author=author, item=item, text=text)


# A new comment


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write something first."),
        ("   \n  ", "Write something first."),
        (TOO_LONG, "Keep it under 2000 characters, please: this one has 2001."),
        ("Null \x00 byte", "Null characters are not allowed."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_comment_empty_or_too_long_is_sent_back_with_why_and_starts_nothing(
    ana: Membership, ben: Membership, text: str, message: str, headers: dict[str, Any]
) -> None:
    response = client(ben).post(item_talk(ben, boundary(ana)), {"text": text}, **headers)
    assert response.status_code == 422
    html = page(response)
    assert message in html
    assert 'id="discussion"' in html
    assert ("<html" in html) == (not headers)  # the whole page, or the fragment in place
    assert counts() == (0, 0, 0, 0)


def test_the_words_of_a_comment_sent_back_stay_in_the_form(ana: Membership, ben: Membership) -> None:
    response = client(ben).post(item_talk(ben, boundary(ana)), {"text": TOO_LONG}, **HTMX)
    assert f">{TOO_LONG}</textarea>" in page(response)
    assert 'aria-invalid="true"' in page(response)


def test_a_post_without_any_field_is_refused(ana: Membership, ben: Membership) -> None:
    assert client(ben).post(item_talk(ben, boundary(ana))).status_code == 422
    assert counts() == (0, 0, 0, 0)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_same_comment_sent_twice_is_saved_once(ana: Membership, ben: Membership, headers: dict[str, Any]) -> None:
    target = item_talk(ben, boundary(ana))
    client(ben).post(target, {"text": "Sunday?"}, **headers)
    response = client(ben).post(target, {"text": "Sunday?"}, **headers)
    assert response.status_code == 409
    assert "You&#x27;ve just written this" in page(response)
    assert counts() == (1, 1, 1, 0)


def test_forged_fields_never_choose_the_author_the_discussion_or_a_parent(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item, other = boundary(ana, "Here"), boundary(ana, "Elsewhere")
    elsewhere = first_comment(cy, other)
    forged = {
        "author": cy.pk,
        "author_id": cy.public_id,
        "discussion": elsewhere.discussion.public_id,
        "discussion_id": elsewhere.discussion.pk,
        "parent": elsewhere.pk,
        "parent_id": elsewhere.public_id,
        "item": other.pk,
        "polycule": cy.polycule.pk,
    }
    assert client(ben).post(item_talk(ben, item), {**forged, "text": "Mine"}).status_code == 302
    mine = Comment.objects.get(revisions__text="Mine")
    assert (mine.author, mine.parent, mine.discussion.item, mine.discussion.started_by) == (ben, None, item, ben)


# Replies


def _reply(
    who: Membership, comment: Comment, text: str, *, headers: dict[str, Any] | None = None, **fields: Any
) -> Any:
    data = {"text": text, "discussion": comment.discussion.public_id, **fields}
    return client(who).post(url("comment_reply", who, comment_id=comment.public_id), data, **(headers or {}))


@pytest.mark.parametrize(("text", "message"), [("", "Write something first."), (TOO_LONG, "Keep it under 2000")])
def test_an_empty_or_oversized_reply_is_sent_back_beside_its_comment(
    ana: Membership, ben: Membership, text: str, message: str
) -> None:
    first = first_comment(ben, boundary(ana))
    before = counts()
    plain = _reply(ana, first, text)
    assert plain.status_code == 422
    assert "Reply to Ben" in page(plain)
    assert message in page(plain)
    in_place = _reply(ana, first, text, headers=HTMX)
    assert in_place.status_code == 422
    html = page(in_place)
    assert "<html" not in html
    assert message in html
    assert '<details class="comment-action" open>' in html
    assert counts() == before


def test_replying_to_a_reply_is_refused(ana: Membership, ben: Membership) -> None:
    first = first_comment(ben, boundary(ana))
    reply = services.comment(author=ana, discussion=first.discussion, text="Yes", parent=first)
    before = counts()
    response = _reply(ben, reply, "Great")
    assert response.status_code == 409
    assert "Replies go one level deep" in page(response)
    assert _reply(ben, reply, "Great", headers=HTMX).status_code == 409
    assert counts() == before


def test_a_reply_naming_another_discussion_is_refused(ana: Membership, ben: Membership) -> None:
    first = first_comment(ben, boundary(ana, "Here"))
    other = first_comment(ben, boundary(ana, "Elsewhere"))
    before = counts()
    response = _reply(ana, first, "Hm", discussion=other.discussion.public_id)
    assert response.status_code == 404
    assert counts() == before


@pytest.mark.parametrize("discussion", ["", "not-an-id"])
def test_a_reply_without_its_discussion_is_sent_back(ana: Membership, ben: Membership, discussion: str) -> None:
    first = first_comment(ben, boundary(ana))
    before = counts()
    response = _reply(ana, first, "Hm", discussion=discussion)
    assert response.status_code == 422
    assert "Reload the page and try again." in page(response)
    assert counts() == before


def test_a_comment_of_another_polycule_cannot_be_replied_to(ana: Membership, ben: Membership, zed: Membership) -> None:
    theirs = first_comment(zed, boundary(zed))
    before = counts()
    data = {"text": "Hello", "discussion": theirs.discussion.public_id}
    assert client(ana).post(url("comment_reply", ana, comment_id=theirs.public_id), data).status_code == 404
    assert client(ana).post(url("comment_reply", zed, comment_id=theirs.public_id), data).status_code == 404
    assert counts() == before


def test_a_made_up_comment_is_not_found(ana: Membership) -> None:
    data = {"text": "Hello", "discussion": "5c4c1a52-86a0-4ac8-9e4b-3a6a8e0f0b7e"}
    target = url("comment_reply", ana, comment_id="0c4c1a52-86a0-4ac8-9e4b-3a6a8e0f0b7e")
    assert client(ana).post(target, data).status_code == 404


def test_the_same_reply_sent_twice_is_saved_once(ana: Membership, ben: Membership) -> None:
    first = first_comment(ben, boundary(ana))
    assert _reply(ana, first, "Sunday works.").status_code == 302
    assert _reply(ana, first, "Sunday works.").status_code == 409
    assert Comment.objects.filter(parent=first).count() == 1


# Corrections


def test_nobody_can_open_or_send_a_correction_of_someone_elses_comment(ana: Membership, ben: Membership) -> None:
    first = first_comment(ben, boundary(ana), "My words")
    target = url("comment_correct", ana, comment_id=first.public_id)
    assert client(ana).get(target).status_code == 404
    assert client(ana).post(target, {"text": "Ana's words"}).status_code == 404
    assert client(ana).post(target, {"text": "Ana's words"}, **HTMX).status_code == 404
    assert list(CommentRevision.objects.values_list("text", flat=True)) == ["My words"]


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        ("", 422, "Write something first."),
        (TOO_LONG, 422, "Keep it under 2000"),
        ("My words", 409, "That&#x27;s the wording it already has."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_empty_oversized_or_unchanged_correction_is_sent_back(
    ana: Membership, ben: Membership, text: str, status: int, message: str, headers: dict[str, Any]
) -> None:
    first = first_comment(ben, boundary(ana), "My words")
    response = client(ben).post(url("comment_correct", ben, comment_id=first.public_id), {"text": text}, **headers)
    assert response.status_code == status
    html = page(response)
    assert message in html
    assert ("Correct your comment" in html) == (not headers)
    assert list(CommentRevision.objects.values_list("text", flat=True)) == ["My words"]


def test_a_comment_of_another_polycule_cannot_be_corrected(ana: Membership, zed: Membership) -> None:
    theirs = first_comment(zed, boundary(zed), "Zed's words")
    target = url("comment_correct", ana, comment_id=theirs.public_id)
    assert client(ana).get(target).status_code == 404
    assert client(ana).post(target, {"text": "Changed"}).status_code == 404
    assert list(CommentRevision.objects.values_list("text", flat=True)) == ["Zed's words"]


# Muting and what is talked about


def test_a_discussion_of_another_polycule_cannot_be_muted(ana: Membership, zed: Membership) -> None:
    theirs = first_comment(zed, boundary(zed)).discussion
    assert client(ana).post(url("discussion_mute", ana, discussion_id=theirs.public_id)).status_code == 404
    assert client(ana).post(url("discussion_mute", zed, discussion_id=theirs.public_id)).status_code == 404
    assert not Mute.objects.exists()


def test_made_up_versions_items_and_proposals_are_not_found(ana: Membership, ben: Membership, zed: Membership) -> None:
    item = boundary(ana)
    assert client(ben).get(url("discussion_version", ben, item_id=item.public_id, number=2)).status_code == 404
    assert (
        client(ben).post(url("discussion_version", ben, item_id=item.public_id, number=0), {"text": "x"}).status_code
        == 404
    )
    zeds = boundary(zed)
    assert client(ben).get(item_talk(ben, zeds)).status_code == 404
    assert client(ben).post(item_talk(ben, zeds), {"text": "x"}).status_code == 404
    assert counts() == (0, 0, 0, 0)
