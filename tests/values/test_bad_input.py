"""What a person should never be able to send to a values view: forged fields, which never
set ownership, authorship, the polycule or the item, and bad input, which gets a 4xx with
the message next to the field and saves nothing."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from relationships.models import Membership
from tests.factories import MembershipFactory
from values import services
from values.models import Acknowledgment, Consent, Item, Proposal, Response, Suggestion, Version

from .build import HTMX, adopted, boundary, client, counts, current, fresh, page, proposed, url

# Forged fields never set ownership, authorship, polycule or the item


def _forged(other: Membership, other_item: Item) -> dict[str, Any]:
    assert other_item.current_version is not None
    return {
        "owner": other.pk,
        "author": other.public_id,
        "proposer": other.pk,
        "member": other.pk,
        "created_by": other.pk,
        "polycule": other.polycule.pk,
        "polycule_id": other.polycule.public_id,
        "item": other_item.pk,
        "item_id": other_item.public_id,
        "version_id": other_item.current_version.pk,
    }


def test_a_forged_owner_or_polycule_does_not_change_a_new_boundary(
    ana: Membership, ben: Membership, zed: Membership
) -> None:
    forged = _forged(zed, boundary(zed, "Zed's"))
    data = {**forged, "title": "Mine", "text": "t", "why": "w", "category": "other", "everyone": "1"}
    assert client(ana).post(url("item_create", ana, kind="boundary"), data).status_code == 302
    item = Item.objects.get(current_version__title="Mine")
    assert (item.owner, item.created_by, item.polycule) == (ana, ana, ana.polycule)
    assert item.current_version is not None
    assert item.current_version.author == ana


def test_a_forged_proposer_does_not_change_a_new_value(ana: Membership, ben: Membership, zed: Membership) -> None:
    forged = _forged(ben, boundary(ben))
    data = {**forged, "title": "Ours", "text": "t", "why": "w", "category": "other", "everyone": "1"}
    assert client(ana).post(url("item_create", ana, kind="value"), data).status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.proposer, proposal.item.polycule, proposal.item.created_by) == (ana, ana.polycule, ana)


def test_a_forged_version_or_author_does_not_redirect_an_edit(ana: Membership, ben: Membership) -> None:
    mine = boundary(ana, "Mine")
    other = boundary(ana, "Other")
    services.revise_boundary(owner=ana, item=other, base_number=1, title="Other", text="v2", why="w")
    forged = {**_forged(ben, fresh(other)), "version": current(fresh(other)).pk}
    response = client(ana).post(
        url("boundary_edit", ana, item_id=mine.public_id),
        {**forged, "title": "Mine", "text": "new", "why": "w", "base": 1},
    )
    assert response.status_code == 302
    assert Version.objects.filter(item=mine).count() == 2
    assert Version.objects.filter(item=other).count() == 2
    assert current(fresh(mine)).author == ana


def test_a_base_that_belongs_to_another_item_is_stale_for_this_one(ana: Membership) -> None:
    mine = boundary(ana, "Mine")
    other = boundary(ana, "Other")
    services.revise_boundary(owner=ana, item=other, base_number=1, title="Other", text="v2", why="w")
    response = client(ana).post(
        url("boundary_edit", ana, item_id=mine.public_id), {"title": "Mine", "text": "new", "why": "w", "base": 2}
    )
    assert response.status_code == 409
    assert Version.objects.filter(item=mine).count() == 1
    assert Version.objects.filter(item=other).count() == 2


def test_a_forged_member_does_not_answer_for_someone_else(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = boundary(ana)
    proposal = proposed(ana)
    value = adopted(ana, ben, cy, title="Adopted")
    eve = MembershipFactory.create(polycule=ana.polycule, display_name="Eve")
    forged = _forged(eve, item)
    client(ben).post(
        url("boundary_acknowledge", ana, item_id=item.public_id), {**forged, "version": 1, "answer": "talk"}
    )
    assert list(Acknowledgment.objects.values_list("member", flat=True)) == [ben.pk]
    client(ben).post(
        url("proposal_respond", ana, proposal_id=proposal.public_id), {**forged, "revision": 1, "answer": "consent"}
    )
    assert list(Response.objects.filter(revision__proposal=proposal).values_list("member", flat=True)) == [
        ana.pk,
        ben.pk,
    ]
    eli = MembershipFactory.create(polycule=ana.polycule, display_name="Eli")
    client(eli).post(url("item_consent", ana, item_id=value.public_id), {**forged, "version": 1})
    assert Consent.objects.filter(member=eli).count() == 1
    assert not Acknowledgment.objects.filter(member=eve).exists()
    assert not Response.objects.filter(member=eve).exists()
    assert not Consent.objects.filter(member=eve).exists()


def test_a_forged_author_does_not_change_a_suggestion_or_proposal(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ana)
    forged = _forged(cy, item)
    client(ben).post(
        url("suggestion_create", ana, item_id=item.public_id), {**forged, "text": "s", "why": "w", "base": 1}
    )
    assert Suggestion.objects.get().author == ben
    value = adopted(ana, ben, cy)
    client(ben).post(
        url("proposal_create", ana, item_id=value.public_id),
        {**forged, "title": "t", "text": "x", "why": "w", "base": 1},
    )
    change = Proposal.objects.get(change=Proposal.Change.REVISE)
    assert (change.proposer, change.item) == (ben, value)


def test_forged_fields_do_not_move_an_amendment_or_a_taken_suggestion(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="s", why="w")
    other = boundary(ana, "Other")
    forged = _forged(cy, other)
    client(ana).post(
        url("suggestion_take", ana, suggestion_id=suggestion.public_id),
        {**forged, "title": "t", "text": "s", "why": "w", "base": 1},
    )
    assert Version.objects.filter(item=item).count() == 2
    assert Version.objects.filter(item=other).count() == 1
    assert current(fresh(item)).author == ana
    proposal = proposed(cy)
    client(cy).post(
        url("proposal_amend", ana, proposal_id=proposal.public_id),
        {**forged, "title": "t", "text": "amended", "why": "w", "base": 1},
    )
    proposal.refresh_from_db()
    assert proposal.proposer == cy
    assert proposal.revision is not None
    assert proposal.revision.text == "amended"


# Bad input: a 4xx with the message next to the field, and nothing saved


@dataclass
class Bad:
    name: str
    target: Callable[[Membership, dict[str, Any]], str]
    who: str  # "ana" or "ben"
    data: dict[str, Any]
    status: int = 422
    field: str | None = None  # whose error is shown next to it; None: an error at the top
    htmx: bool = False


def _world(ana: Membership, ben: Membership, cy: Membership) -> dict[str, Any]:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="s", why="w")
    value = adopted(ana, ben, cy)
    proposal = proposed(ana)
    return {"boundary": item, "suggestion": suggestion, "value": value, "proposal": proposal}


def _item_url(name: str, key: str) -> Callable[[Membership, dict[str, Any]], str]:
    return lambda me, w: url(name, me, item_id=w[key].public_id)


def _create(kind: str) -> Callable[[Membership, dict[str, Any]], str]:
    return lambda me, w: url("item_create", me, kind=kind)


def _take(me: Membership, w: dict[str, Any]) -> str:
    return url("suggestion_take", me, suggestion_id=w["suggestion"].public_id)


def _decline(me: Membership, w: dict[str, Any]) -> str:
    return url("suggestion_decline", me, suggestion_id=w["suggestion"].public_id)


def _proposal(name: str) -> Callable[[Membership, dict[str, Any]], str]:
    return lambda me, w: url(name, me, proposal_id=w["proposal"].public_id)


LONG = "x" * 5000
NEW = {"title": "t", "text": "x", "why": "w", "category": "other", "everyone": "1"}
WORDS = {"title": "t", "text": "x", "why": "w", "base": 1}
EDIT = _item_url("boundary_edit", "boundary")
ACK = _item_url("boundary_acknowledge", "boundary")
CONSENT = _item_url("item_consent", "value")
SUGGEST = _item_url("suggestion_create", "boundary")
PROPOSE = _item_url("proposal_create", "value")
RETIRE = _item_url("proposal_retire", "value")
RESPOND = _proposal("proposal_respond")
AMEND = _proposal("proposal_amend")
BAD = [
    Bad("create empty", _create("boundary"), "ana", {}, field="title"),
    Bad("create long title", _create("boundary"), "ana", {**NEW, "title": LONG}, field="title"),
    Bad("create long text", _create("value"), "ana", {**NEW, "text": LONG}, field="text"),
    Bad("create long why", _create("agreement"), "ana", {**NEW, "why": LONG}, field="why"),
    Bad("create blank title", _create("boundary"), "ana", {**NEW, "title": "   "}, field="title"),
    Bad("create null byte", _create("boundary"), "ana", {**NEW, "text": "a\x00b"}, field="text"),
    Bad("create unknown category", _create("boundary"), "ana", {**NEW, "category": "kinky"}, field="category"),
    Bad(
        "create unknown review",
        _create("boundary"),
        "ana",
        {**NEW, "review_every_days": "7"},
        field="review_every_days",
    ),
    Bad("create no audience", _create("agreement"), "ana", {**NEW, "everyone": "0"}, field="audience"),
    Bad(
        "create random audience",
        _create("boundary"),
        "ana",
        {**NEW, "everyone": "0", "audience": [str(uuid.uuid4())]},
        field="audience",
    ),
    Bad("create bad everyone", _create("boundary"), "ana", {**NEW, "everyone": "maybe"}, field="everyone"),
    Bad("create banana", _create("banana"), "ana", NEW, status=404),
    Bad("edit empty", EDIT, "ana", {}, field="title"),
    Bad("edit long title", EDIT, "ana", {**WORDS, "title": LONG}, field="title"),
    Bad("edit long text", EDIT, "ana", {**WORDS, "text": LONG}, field="text"),
    # A boundary's why is optional (it needs no justification); a value's is not: "amend no why".
    Bad("edit long why", EDIT, "ana", {**WORDS, "why": LONG}, field="why"),
    Bad("edit bad base", EDIT, "ana", {**WORDS, "base": "one"}),
    Bad("edit no base", EDIT, "ana", {"title": "t", "text": "x", "why": "w"}),
    Bad("acknowledge unknown answer", ACK, "ben", {"version": 1, "answer": "maybe"}),
    Bad("acknowledge long note", ACK, "ben", {"version": 1, "answer": "talk", "note": LONG}, field="note"),
    Bad(
        "acknowledge long note htmx",
        ACK,
        "ben",
        {"version": 1, "answer": "talk", "note": LONG},
        field="note",
        htmx=True,
    ),
    Bad("acknowledge bad version", ACK, "ben", {"version": "v1", "answer": "talk"}),
    Bad("consent bad version", CONSENT, "ben", {"version": "first"}),
    Bad("suggest empty", SUGGEST, "ben", {}, field="text"),
    Bad("suggest long text", SUGGEST, "ben", {"base": 1, "text": LONG, "why": "w"}, field="text"),
    Bad("suggest long why", SUGGEST, "ben", {"base": 1, "text": "t", "why": LONG}, field="why"),
    Bad("suggest bad base", SUGGEST, "ben", {"base": "x", "text": "t", "why": "w"}),
    Bad("take empty", _take, "ana", {}, field="title"),
    Bad("take long text", _take, "ana", {**WORDS, "text": LONG}, field="text"),
    Bad("decline empty", _decline, "ana", {"reply": "  "}, field="reply"),
    Bad("decline long", _decline, "ana", {"reply": LONG}, field="reply"),
    Bad("propose empty", PROPOSE, "ben", {}, field="title"),
    Bad("propose long why", PROPOSE, "ben", {**WORDS, "why": LONG}, field="why"),
    Bad("propose bad base", PROPOSE, "ben", {**WORDS, "base": "latest"}),
    Bad("propose retire without why", RETIRE, "ben", {"base": 1}, field="why"),
    Bad("respond unknown answer", RESPOND, "ben", {"revision": 1, "answer": "veto"}, field="answer"),
    Bad(
        "respond objection without note", RESPOND, "ben", {"revision": 1, "answer": "object", "note": " "}, field="note"
    ),
    Bad(
        "respond objection without note htmx",
        RESPOND,
        "ben",
        {"revision": 1, "answer": "object"},
        field="note",
        htmx=True,
    ),
    Bad("respond long note", RESPOND, "ben", {"revision": 1, "answer": "stand_aside", "note": LONG}, field="note"),
    Bad("respond bad revision", RESPOND, "ben", {"revision": "latest", "answer": "consent"}),
    Bad("amend empty", AMEND, "ana", {}, field="title"),
    Bad("amend long title", AMEND, "ana", {**WORDS, "title": LONG}, field="title"),
    Bad("amend no why", AMEND, "ana", {**WORDS, "why": ""}, field="why"),
    Bad("amend bad base", AMEND, "ana", {**WORDS, "base": "-"}),
]


@pytest.mark.parametrize("bad", BAD, ids=lambda b: b.name)
def test_bad_input_gets_a_4xx_with_a_message_and_saves_nothing(
    bad: Bad, ana: Membership, ben: Membership, cy: Membership
) -> None:
    world = _world(ana, ben, cy)
    me = {"ana": ana, "ben": ben}[bad.who]
    before = counts()
    response = client(me).post(bad.target(me, world), bad.data, **(HTMX if bad.htmx else {}))
    assert response.status_code == bad.status
    assert counts() == before
    if bad.status == 404:
        return
    html = page(response)
    assert ("<html" in html) != bad.htmx
    if bad.field:
        assert f'id="id_{bad.field}_error"' in html, html
    else:
        assert 'class="errors" role="alert"' in html or '<li class="error">' in html, html


def test_an_audience_from_another_polycule_is_refused(ana: Membership, ben: Membership, zed: Membership) -> None:
    data = {**NEW, "everyone": "0", "audience": [str(zed.public_id), str(ben.public_id)]}
    response = client(ana).post(url("item_create", ana, kind="boundary"), data)
    assert response.status_code == 422
    assert 'id="id_audience_error"' in page(response)
    assert not Item.objects.exists()


def test_an_oversized_request_is_refused(ana: Membership) -> None:
    response = client(ana).post(url("item_create", ana, kind="boundary"), {**NEW, "text": "x" * 3_000_000})
    assert 400 <= response.status_code < 500
    assert not Item.objects.exists()


def test_bad_input_keeps_what_the_person_wrote(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    response = client(ben).post(
        url("boundary_acknowledge", ana, item_id=item.public_id),
        {"version": 1, "answer": "talk", "note": "Kept words " + "x" * 1000},
        **HTMX,
    )
    assert response.status_code == 422
    assert "Kept words" in page(response)
