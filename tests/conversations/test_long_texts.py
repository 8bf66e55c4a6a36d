"""Long texts are never cut: the hand-written textareas of a discussion (a new comment, a reply, a
correction) and of a check-in (a note on a topic) carry their limit in ``data-max``, as the
LongText widget does, for static/js/room-left.js to show the room left, and never ``maxlength``,
which would make the browser drop the rest of a long paste without a word. A text over the limit
that is sent anyway comes back with a 422, a message saying what to do and every word kept in the
box, and nothing is saved."""

from datetime import time, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from conversations.models import TEXT_MAX, CheckIn, Comment, CommentRevision, Discussion, Topic, TopicNote
from conversations.services import checkins as checkin_services
from conversations.services import discussions as services
from relationships.models import Membership
from tests.values.build import HTMX, boundary, client, page
from values.models import Item

# Words a person pasted, over the limit: each one must come back.
LONG = " ".join(["Words I mean to keep & say <all> of."] * 60)
assert len(LONG) > TEXT_MAX
TOO_LONG_FOR_A_COMMENT = f"Keep it under {TEXT_MAX} characters, please: this one has {len(LONG)}."
TOO_LONG_FOR_A_NOTE = f"A note holds at most {TEXT_MAX} characters: this one has {len(LONG)}."
WAYS = pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])


class _Textareas(HTMLParser):
    """Every textarea of a page: its attributes and the words in it, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "textarea":
            self._open, self._words = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._words.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._open is not None:
            words = "".join(self._words)
            # A newline right after <textarea> is not part of its value (Django's widget writes one).
            self.found.append((self._open, words.removeprefix("\n")))
            self._open = None


def textareas(html: str) -> dict[str, tuple[dict[str, str | None], str]]:
    """The page's textareas by id."""
    parser = _Textareas()
    parser.feed(html)
    return {str(attrs.get("id")): (attrs, words) for attrs, words in parser.found}


def assert_room_left(attrs: dict[str, str | None]) -> None:
    """What room-left.js reads, and nothing that lets the browser cut."""
    assert "maxlength" not in attrs, attrs
    assert attrs.get("data-max") == str(TEXT_MAX), attrs


def assert_kept(html: str, box: str, message: str) -> None:
    """The message beside the form, and every word still in the box, ready to shorten."""
    assert message in html
    attrs, words = textareas(html)[box]
    assert words == LONG
    assert attrs.get("aria-invalid") == "true"
    assert_room_left(attrs)


def url(name: str, me: Membership, **ids: Any) -> str:
    return reverse(f"conversations:{name}", kwargs={"polycule_id": me.polycule.public_id, **ids})


def item_talk(me: Membership, item: Item) -> str:
    return url("discussion_item", me, item_id=item.public_id)


def said() -> tuple[int, int, int]:
    return Discussion.objects.count(), Comment.objects.count(), CommentRevision.objects.count()


def sunday(ana: Membership) -> CheckIn:
    day = timezone.now().date() + timedelta(days=3)
    return checkin_services.plan_checkin(by=ana, title="Sunday", day=day, at=time(19), time_zone="Europe/Paris")


def money(ana: Membership) -> Topic:
    return checkin_services.add_topic(member=ana, checkin=sunday(ana), title="Money")


# Shown: the limit for room-left.js, never maxlength


def test_every_textarea_of_a_discussion_shows_the_room_left_and_cuts_nothing(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    mine = services.comment_about(author=ben, item=item, text="Can we talk?")
    found = textareas(page(client(ben).get(item_talk(ben, item))))
    boxes = {"new-comment", f"reply-{mine.public_id}", f"correct-{mine.public_id}"}
    assert boxes <= set(found)
    for attrs, _ in found.values():
        assert_room_left(attrs)


def test_the_note_box_of_a_checkin_shows_the_room_left_and_cuts_nothing(ana: Membership, ben: Membership) -> None:
    topic = money(ana)
    html = page(client(ben).get(url("checkin_detail", ben, checkin_id=topic.checkin.public_id)))
    attrs, words = textareas(html)[f"note-{topic.public_id}"]
    assert words == ""
    assert_room_left(attrs)


def test_no_template_writes_a_maxlength_by_hand() -> None:
    """A limit in a template goes in data-max (see accounts/widgets.py), for inputs as for textareas."""
    folder = Path(settings.BASE_DIR) / "templates"
    cutting = [str(path.relative_to(folder)) for path in folder.rglob("*.html") if "maxlength" in path.read_text()]
    assert cutting == []


# Sent anyway: refused with why, every word kept, nothing saved


@WAYS
def test_an_overlong_comment_is_refused_and_its_words_kept(
    ana: Membership, ben: Membership, headers: dict[str, Any]
) -> None:
    response = client(ben).post(item_talk(ben, boundary(ana)), {"text": LONG}, **headers)
    assert response.status_code == 422
    assert_kept(page(response), "new-comment", TOO_LONG_FOR_A_COMMENT)
    assert said() == (0, 0, 0)


@WAYS
def test_an_overlong_reply_is_refused_and_its_words_kept(
    ana: Membership, ben: Membership, headers: dict[str, Any]
) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="Can we talk?")
    before = said()
    data = {"text": LONG, "discussion": first.discussion.public_id}
    response = client(ana).post(url("comment_reply", ana, comment_id=first.public_id), data, **headers)
    assert response.status_code == 422
    # In place, the reply form under the comment; without JavaScript, the reply page's own form.
    box = f"reply-{first.public_id}" if headers else "id_text"
    assert_kept(page(response), box, TOO_LONG_FOR_A_COMMENT)
    assert said() == before
    assert not Comment.objects.filter(parent=first).exists()


@WAYS
def test_an_overlong_correction_is_refused_and_its_words_kept(
    ana: Membership, ben: Membership, headers: dict[str, Any]
) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="My words")
    before = said()
    response = client(ben).post(url("comment_correct", ben, comment_id=first.public_id), {"text": LONG}, **headers)
    assert response.status_code == 422
    box = f"correct-{first.public_id}" if headers else "id_text"
    assert_kept(page(response), box, TOO_LONG_FOR_A_COMMENT)
    assert said() == before
    assert list(CommentRevision.objects.values_list("text", flat=True)) == ["My words"]


@WAYS
def test_an_overlong_checkin_note_is_refused_and_its_words_kept(
    ana: Membership, ben: Membership, headers: dict[str, Any]
) -> None:
    topic = money(ana)
    response = client(ben).post(url("note_create", ben, topic_id=topic.public_id), {"text": LONG}, **headers)
    assert response.status_code == 422
    html = page(response)
    assert ("<html" in html) == (not headers)  # the whole page, or the topic in place
    assert_kept(html, f"note-{topic.public_id}", TOO_LONG_FOR_A_NOTE)
    assert not TopicNote.objects.exists()


def test_a_note_at_the_limit_is_kept_whole(ana: Membership, ben: Membership) -> None:
    topic = money(ana)
    words = "y" * TEXT_MAX
    response = client(ben).post(url("note_create", ben, topic_id=topic.public_id), {"text": words}, **HTMX)
    assert response.status_code == 200
    assert TopicNote.objects.get().text == words
