"""A one-line text (a title, a name) is never cut either: its limit is in ``data-max``, not
``maxlength`` (accounts.widgets.ShortText; tests/test_valid_html.py checks every page for it). One
sent over the limit comes back with a message and every character still in the field, and
nothing is saved."""

from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from relationships.models import Membership, Polycule
from tests.values.build import client, page
from values.models import TITLE_MAX, Item


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        shown = dict(attrs)
        if tag == "input" and shown.get("name"):
            self.found[str(shown["name"])] = shown


def inputs(html: str) -> dict[str, dict[str, str | None]]:
    parser = _Inputs()
    parser.feed(html)
    return parser.found


def long(limit: int) -> str:
    """A pasted line a little over the limit, with characters that must survive the way back."""
    words = ("Tell me first & <then> we'll see — ça va? " * 20)[: limit + 14] + "!"
    assert len(words) > limit
    return words


def _item(me: Membership) -> tuple[str, dict[str, str], str, int]:
    url = reverse("values:item_create", kwargs={"polycule_id": me.polycule.public_id, "kind": "boundary"})
    return url, {"text": "Words.", "audience_choice": "everyone"}, "title", TITLE_MAX


def _rename(me: Membership) -> tuple[str, dict[str, str], str, int]:
    url = reverse("relationships:polycule_rename", kwargs={"polycule_id": me.polycule.public_id})
    return url, {}, "name", Polycule._meta.get_field("name").max_length or 0


def _me(me: Membership) -> tuple[str, dict[str, str], str, int]:
    url = reverse("relationships:membership_edit", kwargs={"polycule_id": me.polycule.public_id})
    return url, {"pronouns": "she/her"}, "display_name", Membership._meta.get_field("display_name").max_length or 0


FORMS: dict[str, Callable[[Membership], tuple[str, dict[str, str], str, int]]] = {
    "a boundary's title": _item,
    "the polycule's name": _rename,
    "one's name in a polycule": _me,
}


@pytest.mark.parametrize("form", FORMS)
def test_a_line_over_the_limit_comes_back_whole_with_a_message(form: str, ana: Membership) -> None:
    url, data, field, limit = FORMS[form](ana)
    shown = inputs(page(client(ana).get(url)))[field]
    assert "maxlength" not in shown
    assert shown["data-max"] == str(limit)
    words = long(limit)
    items, name, as_known = Item.objects.count(), ana.polycule.name, ana.display_name
    response = client(ana).post(url, {**data, field: words})
    assert response.status_code == 422
    assert f"holds at most {limit} characters: this one has {len(words)}" in page(response)
    assert inputs(page(response))[field]["value"] == words
    ana.refresh_from_db()
    ana.polycule.refresh_from_db()
    assert (Item.objects.count(), ana.polycule.name, ana.display_name) == (items, name, as_known)
