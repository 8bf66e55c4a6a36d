"""Promises 16 and 17 for values/: every values form fuzzed with hypothesis (no 500, a
refusal saves nothing), and an XSS corpus stored in every text field stays inert on
every page and fragment that shows it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from relationships.models import Membership
from tests.factories import MembershipFactory
from values import services
from values.models import Acknowledgment, Item, Kind, Proposal, Suggestion

from .build import HTMX, VALUES_MODELS, Answer, adopted, boundary, client, proposed, url

FUZZ = hypothesis_settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\r\n", "\u202e", "\ufeff", "<script>", "x" * 5000, "é" * 121, "-1", "0", "1e3", "💥"]
)
# Values the forms accept, so that the fuzzer also reaches the services behind them.
PLAUSIBLE = st.sampled_from(
    ["1", "2", "0", "consent", "stand_aside", "object", "understood", "talk", "other", "home", "30", "welcome"]
)
TEXT = st.one_of(
    st.text(max_size=3000), st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=50), NASTY, PLAUSIBLE
)
FORGED = ["csrfmiddlewaretoken", "id", "owner", "author", "proposer", "member", "polycule", "polycule_id", "item"]


@dataclass
class World:
    ana: Membership  # owns the boundary, proposed the change
    ben: Membership  # suggested, answers
    eli: Membership  # a newcomer
    boundary: Item
    value: Item
    suggestion: Suggestion
    proposal: Proposal


@pytest.fixture
def world(ana: Membership, ben: Membership, cy: Membership) -> World:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="Softer", why="w")
    value = adopted(ana, ben, cy)
    change = services.propose_change(proposer=ana, item=value, base_number=1, title="t", text="v2", why="w")
    eli = MembershipFactory.create(polycule=ana.polycule, display_name="Eli")
    return World(ana, ben, eli, item, value, suggestion, change)


@dataclass
class Form:
    name: str
    url: Callable[[World], str]
    who: Callable[[World], Membership]
    valid: dict[str, Any]  # a post that would succeed, which the fuzzer breaks in parts
    optional: tuple[str, ...] = ()


def _item(name: str, key: str) -> Callable[[World], str]:
    return lambda w: url(name, w.ana, item_id=getattr(w, key).public_id)


def _create(kind: str) -> Callable[[World], str]:
    return lambda w: url("item_create", w.ana, kind=kind)


def _suggestion(name: str) -> Callable[[World], str]:
    return lambda w: url(name, w.ana, suggestion_id=w.suggestion.public_id)


def _proposal(name: str) -> Callable[[World], str]:
    return lambda w: url(name, w.ana, proposal_id=w.proposal.public_id)


NEW = {"title": "t", "text": "x", "why": "w", "category": "other", "everyone": "1"}
WORDS = {"title": "t", "text": "x", "why": "w", "base": "1"}
NEW_MORE = ("audience", "review_every_days")

FORMS = [
    Form("item_create_boundary", _create("boundary"), lambda w: w.ana, NEW, NEW_MORE),
    Form("item_create_value", _create("value"), lambda w: w.ben, NEW, NEW_MORE),
    Form("item_create_agreement", _create("agreement"), lambda w: w.eli, NEW, NEW_MORE),
    Form(
        "boundary_acknowledge",
        _item("boundary_acknowledge", "boundary"),
        lambda w: w.ben,
        {"version": "1", "answer": "understood"},
        ("note",),
    ),
    Form("item_consent", _item("item_consent", "value"), lambda w: w.eli, {"version": "1"}, ("next",)),
    Form("boundary_edit", _item("boundary_edit", "boundary"), lambda w: w.ana, WORDS),
    Form("boundary_retire", _item("boundary_retire", "boundary"), lambda w: w.ana, {}, ("why",)),
    Form("item_reaffirm", _item("item_reaffirm", "boundary"), lambda w: w.ben, {}),
    Form(
        "suggestion_create",
        _item("suggestion_create", "boundary"),
        lambda w: w.eli,
        {"base": "1", "text": "x", "why": "w"},
    ),
    Form("suggestion_take", _suggestion("suggestion_take"), lambda w: w.ana, WORDS),
    Form("suggestion_decline", _suggestion("suggestion_decline"), lambda w: w.ana, {"reply": "Not now"}),
    Form("proposal_create", _item("proposal_create", "value"), lambda w: w.ben, WORDS),
    Form("proposal_retire", _item("proposal_retire", "value"), lambda w: w.ben, {"base": "1", "why": "w"}),
    Form(
        "proposal_respond",
        _proposal("proposal_respond"),
        lambda w: w.ben,
        {"revision": "1", "answer": "consent"},
        ("note",),
    ),
    Form("proposal_amend", _proposal("proposal_amend"), lambda w: w.ana, WORDS),
]


def _rows() -> tuple[Any, ...]:
    """Every row of every values table, as it is now."""
    return tuple(tuple(model.objects.order_by("pk").values_list()) for model in VALUES_MODELS)


def _data(form: Form) -> st.SearchStrategy[dict[str, Any]]:
    """A valid post with some fields dropped and others replaced by anything at all."""
    fields = (*form.valid, *form.optional) or ("nothing",)
    keys = st.one_of(st.sampled_from(fields), st.sampled_from(FORGED))
    values = st.one_of(TEXT, st.lists(TEXT, max_size=3))
    dropped = st.sets(st.sampled_from(fields))
    changed = st.dictionaries(keys, values, max_size=3)
    return st.builds(
        lambda drop, change: {**{k: v for k, v in form.valid.items() if k not in drop}, **change}, dropped, changed
    )


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_any_input_gets_an_answer_and_a_refusal_saves_nothing(form: Form, htmx: bool, world: World) -> None:
    target = form.url(world)
    member = client(form.who(world))
    headers = HTMX if htmx else {}

    @FUZZ
    @given(data=_data(form))
    def post(data: dict[str, Any]) -> None:
        with transaction.atomic():
            before = _rows()
            response = member.post(target, data, **headers)
            assert response.status_code < 500
            if response.status_code not in {200, 302}:
                assert response.status_code in {409, 422}, (response.status_code, data)
                assert _rows() == before, data
                page = response.content.decode()
                assert 'class="errors"' in page or '<li class="error">' in page, page
            transaction.set_rollback(True)

    post()


# Promise 17: an XSS corpus, inert everywhere it is shown

CORPUS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "{{ 7|add:7 }}{% debug %}",
]


def _inert(html: str, payload: str, *shown: str) -> None:
    """Each tagged text shown escaped; the payload nowhere as live markup."""
    for text in shown:
        assert escape(text) in html, text
    if escape(payload) != payload:
        assert payload not in html


@pytest.mark.parametrize("payload", CORPUS)
def test_an_xss_corpus_stays_inert_on_every_values_page(
    payload: str, ana: Membership, ben: Membership, cy: Membership
) -> None:
    def tag(name: str) -> str:
        return f"{name}:{payload}"

    # Single words before, so that each diff shows the new words in one piece.
    item = services.create_boundary(owner=ana, title="Plain", text="Plain", why=tag("why1"))
    services.revise_boundary(owner=ana, item=item, base_number=1, title=tag("title"), text=tag("text"), why=tag("why"))
    services.acknowledge(member=ben, item=item, version_number=2, answer=Acknowledgment.Answer.TALK, note=tag("note"))
    declined = services.suggest_change(author=ben, item=item, base_number=2, text=tag("suggestion"), why=tag("swhy"))
    services.decline_suggestion(owner=ana, suggestion=declined, reply=tag("reply"))
    waiting = services.suggest_change(author=cy, item=item, base_number=2, text=tag("open"), why=tag("owhy"))
    value = adopted(ana, ben, cy, title=tag("vtitle"), text="Plain", why=tag("vwhy"))
    change = services.propose_change(
        proposer=ana, item=value, base_number=1, title=tag("ptitle"), text=tag("ptext"), why=tag("pwhy")
    )
    services.amend(
        proposer=ana, proposal=change, revision_number=1, title=tag("atitle"), text=tag("atext"), why=tag("awhy")
    )
    services.respond(member=ben, proposal=change, revision_number=2, answer=Answer.OBJECT, note=tag("objection"))
    new = proposed(cy, tag("newtitle"), kind=Kind.AGREEMENT, text=tag("newtext"), why=tag("newwhy"))

    pages: list[tuple[Membership, str, tuple[str, ...]]] = [
        (ben, url("item_detail", ana, item_id=item.public_id), ("title", "text", "why", "note", "suggestion", "reply")),
        (ben, url("item_detail", ana, item_id=value.public_id), ("vtitle", "vwhy", "atitle")),
        (ben, url("item_list", ana), ("title", "vtitle", "atitle", "newtitle")),
        (
            ben,
            url("proposal_detail", ana, proposal_id=change.public_id),
            ("atitle", "atext", "awhy", "objection", "ptext"),
        ),
        (ben, url("proposal_detail", ana, proposal_id=new.public_id), ("newtitle", "newtext", "newwhy")),
        (ben, url("version_diff", ana, item_id=item.public_id) + "?from=1&to=2", ("title", "text", "why1", "why")),
        (ben, url("version_list", ana, item_id=item.public_id), ("title", "text", "why1", "why")),
        (ben, reverse("home:timeline", args=[ana.polycule.public_id]), ("title", "vtitle", "newtitle")),
        (cy, reverse("home:dashboard"), ("title", "atitle")),
        (ben, reverse("home:dashboard"), ("newtitle",)),
        (ana, reverse("home:dashboard"), ("title",)),
        (ana, url("suggestion_take", ana, suggestion_id=waiting.public_id), ("title", "open", "owhy")),
        (cy, reverse("home:onboarding", args=[ana.polycule.public_id]), ()),
    ]
    for member, address, tags in pages:
        response = client(member).get(address)
        assert response.status_code == 200, address
        _inert(response.content.decode(), payload, *(tag(name) for name in tags))

    # The fragments, in place.
    again = client(ben).post(
        url("boundary_acknowledge", ana, item_id=item.public_id), {"version": 2, "answer": "understood"}, **HTMX
    )
    assert again.status_code == 409
    _inert(again.content.decode(), payload, tag("note"))
    answered = client(cy).post(
        url("proposal_respond", ana, proposal_id=change.public_id), {"revision": 2, "answer": "consent"}, **HTMX
    )
    assert answered.status_code == 200
    _inert(answered.content.decode(), payload, tag("objection"))
    stamp = client(cy).post(url("item_reaffirm", ana, item_id=item.public_id), **HTMX)
    _inert(stamp.content.decode(), payload)
