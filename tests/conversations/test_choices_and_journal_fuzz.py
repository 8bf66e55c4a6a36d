"""The forms of choices and the journal fuzzed with hypothesis (no 500, a refusal says why and
saves nothing), and an XSS corpus stored in each of their text fields stays inert where shown."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from hypothesis import given
from hypothesis import strategies as st

from conversations.models import Choice, ChoiceAudience, ChoiceResponse, Draft, Feeling, JournalEntry
from conversations.services import journal
from conversations.services.choices import answer_choice, share_choice
from relationships.models import Membership
from tests.values.build import HTMX, boundary, client, page
from tests.values.test_forms_fuzz import CORPUS, FORGED, FUZZ, TEXT
from values.models import Item

MODELS = (Choice, ChoiceAudience, ChoiceResponse, JournalEntry, Draft)


@dataclass
class World:
    ana: Membership
    ben: Membership
    cy: Membership
    item: Item
    choice: Choice  # Ana's, told to Ben
    entry: JournalEntry  # Ana's
    boundary_draft: Draft  # Ana's
    choice_draft: Draft  # Ana's


@pytest.fixture
def world(ana: Membership, ben: Membership, cy: Membership) -> World:
    item = boundary(ana, "Sleepovers", everyone=False, audience=[ben.public_id])
    choice = share_choice(author=ana, text="Seeing Sam", everyone=False, audience=[ben.public_id])
    entry = journal.write_entry(author=ana.user, text="Tired of saying yes.")
    drafts = [
        journal.start_draft(author=ana.user, entry=entry, membership=ana, kind=kind)
        for kind in (Draft.Kind.BOUNDARY, Draft.Kind.CHOICE)
    ]
    return World(ana, ben, cy, item, choice, entry, *drafts)


@dataclass
class Form:
    name: str
    url: Callable[[World], str]
    who: Callable[[World], Membership]
    valid: Callable[[World], dict[str, Any]]  # a post that would succeed, broken in parts
    optional: tuple[str, ...] = ()


def _polycule(name: str) -> Callable[[World], str]:
    return lambda w: reverse(f"conversations:{name}", args=[w.ana.polycule.public_id])


NEW_ITEM = {"title": "t", "text": "x", "why": "w", "category": "other", "everyone": "1"}

FORMS = [
    Form(
        "choice_create",
        _polycule("choice_create"),
        lambda w: w.ana,
        lambda w: {"text": "x", "everyone": "0", "audience": [str(w.ben.public_id)], "items": [str(w.item.public_id)]},
        ("why",),
    ),
    Form(
        "choice_answer",
        lambda w: reverse("conversations:choice_answer", args=[w.ana.polycule.public_id, w.choice.public_id]),
        lambda w: w.ben,
        lambda w: {"feeling": "uneasy"},
        ("note",),
    ),
    Form(
        "entry_create",
        lambda w: reverse("conversations:entry_create"),
        lambda w: w.ana,
        lambda w: {"text": "x"},
        ("prompt",),
    ),
    Form(
        "entry_edit",
        lambda w: reverse("conversations:entry_edit", args=[w.entry.public_id]),
        lambda w: w.ana,
        lambda w: {"text": "x"},
    ),
    Form(
        "draft_create",
        lambda w: reverse("conversations:draft_create", args=[w.entry.public_id]),
        lambda w: w.ana,
        lambda w: {"kind": "boundary"},
        ("polycule",),
    ),
    Form(
        "draft_edit_boundary",
        lambda w: reverse("conversations:draft_edit", args=[w.boundary_draft.public_id]),
        lambda w: w.ana,
        lambda w: NEW_ITEM,
        ("audience", "review_every_days"),
    ),
    Form(
        "draft_edit_choice",
        lambda w: reverse("conversations:draft_edit", args=[w.choice_draft.public_id]),
        lambda w: w.ana,
        lambda w: {"text": "x", "everyone": "1"},
        ("why", "audience", "items"),
    ),
]


def _rows() -> tuple[Any, ...]:
    return tuple(tuple(model.objects.order_by("pk").values_list()) for model in MODELS)


def _data(valid: dict[str, Any], optional: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """A valid post with some fields dropped and others replaced by anything at all."""
    fields = (*valid, *optional)
    keys = st.one_of(st.sampled_from(fields), st.sampled_from(FORGED))
    values = st.one_of(TEXT, st.lists(TEXT, max_size=3))
    return st.builds(
        lambda drop, change: {**{k: v for k, v in valid.items() if k not in drop}, **change},
        st.sets(st.sampled_from(fields)),
        st.dictionaries(keys, values, max_size=3),
    )


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_any_input_gets_an_answer_and_a_refusal_saves_nothing(form: Form, htmx: bool, world: World) -> None:
    target = form.url(world)
    member = client(form.who(world))
    headers = HTMX if htmx else {}

    @FUZZ
    @given(data=_data(form.valid(world), form.optional))
    def post(data: dict[str, Any]) -> None:
        with transaction.atomic():
            before = _rows()
            response = member.post(target, data, **headers)
            assert response.status_code < 500
            if response.status_code not in {200, 302}:
                assert response.status_code == 422, (response.status_code, data)
                assert _rows() == before, data
                assert 'class="errors"' in page(response)
            transaction.set_rollback(True)

    post()


def test_the_valid_posts_do_succeed(world: World) -> None:
    """The fuzzer breaks posts that work, so that it also reaches the services behind them."""
    for form in FORMS:
        with transaction.atomic():
            response = client(form.who(world)).post(form.url(world), form.valid(world))
            assert response.status_code == 302, (form.name, page(response))
            transaction.set_rollback(True)


@pytest.mark.parametrize("payload", CORPUS)
def test_an_xss_corpus_stays_inert_on_choice_and_journal_pages(payload: str, world: World) -> None:
    ana, ben = world.ana, world.ben
    choice = share_choice(author=ana, text=f"text:{payload}", why=f"why:{payload}")
    answer_choice(member=ben, choice=choice, feeling=Feeling.OKAY, note=f"note:{payload}")
    entry = journal.write_entry(author=ana.user, text=f"entry:{payload}")
    draft = journal.start_draft(author=ana.user, entry=entry, membership=ana, kind=Draft.Kind.BOUNDARY)
    words: dict[str, Any] = {
        **NEW_ITEM,
        "title": f"title:{payload}",
        "everyone": True,
        "audience": [],
        "review_every_days": None,
    }
    journal.save_draft(author=ana.user, draft=draft, data=words)
    pages = [
        (ana, choice.get_absolute_url(), ("text:", "why:", "note:")),
        (ben, choice.get_absolute_url(), ("text:", "why:", "note:")),
        (ana, entry.get_absolute_url(), ("entry:",)),
        (ana, reverse("conversations:entry_edit", args=[entry.public_id]), ("entry:",)),
        (ana, reverse("conversations:draft_pause", args=[draft.public_id]), ("title:",)),
        (ana, reverse("conversations:draft_edit", args=[draft.public_id]), ("title:",)),
        (ana, reverse("conversations:journal"), ("title:",)),
    ]
    for who, url, shown in pages:
        html = page(client(who).get(url))
        for tag in shown:
            assert escape(f"{tag}{payload}") in html, (url, tag)
        if escape(payload) != payload:
            assert payload not in html, url
