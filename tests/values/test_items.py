"""The items views: the list and its filters, creating, the detail page, reaffirming,
consenting, and the versions of an item with their diff."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from relationships.models import Membership
from tests.factories import MembershipFactory, backdate
from values import services
from values.models import Consent, Item, Kind, Proposal, Reaffirmation, Version

from .build import (
    HTMX,
    UNDERSTOOD,
    adopted,
    assert_fragment,
    boundary,
    client,
    followed,
    old_boundary,
    page,
    proposed,
    url,
)


def test_item_list_shows_what_the_member_may_see(ana: Membership, ben: Membership) -> None:
    boundary(ana, "Sleepover-boundary")
    adopted(ana, ben, title="Kids-first-value")
    proposal = proposed(ben, "Proposed-value")
    response = client(ana).get(url("item_list", ana))
    assert response.status_code == 200
    html = page(response)
    assert "Sleepover-boundary" in html
    assert "Kids-first-value" in html
    assert "Proposed-value" in html  # among the open proposals
    assert url("proposal_detail", ana, proposal_id=proposal.public_id) in html


def test_a_card_says_when_a_change_is_being_proposed_and_only_then(ana: Membership, ben: Membership) -> None:
    changing = adopted(ana, ben, title="Changing-value")
    adopted(ana, ben, title="Settled-value")
    services.propose_change(proposer=ben, item=changing, base_number=1, title="Changed", text="t", why="w")
    html = page(client(ana).get(url("item_list", ana)))
    assert html.count("A change is being proposed") == 1
    # On the changing card: after its title, before the settled one's (the list is by title).
    flag = html.index("A change is being proposed")
    assert html.rindex("Changing-value", 0, flag) < flag < html.index("Settled-value", flag)
    # The newcomer's welcome shows the same cards, the flag included.
    eli = MembershipFactory.create(
        polycule=ana.polycule, display_name="Eli", joined_at=timezone.now() + timedelta(seconds=1)
    )
    welcome = page(client(eli).get(reverse("home:onboarding", args=[ana.polycule.public_id])))
    assert welcome.count("A change is being proposed") == 1


@pytest.mark.parametrize(
    ("kind", "heading"),
    [("boundary", "Set a boundary"), ("value", "Propose a value"), ("agreement", "Propose an agreement")],
)
def test_the_create_page_shows_a_form_for_each_kind(ana: Membership, kind: str, heading: str) -> None:
    response = client(ana).get(url("item_create", ana, kind=kind))
    assert response.status_code == 200
    assert 'name="title"' in page(response)
    # The tab's title says what the page's heading says.
    assert f"<title>{heading} · Trellis</title>" in page(response)
    assert f"<h1>{heading}</h1>" in page(response)


def test_setting_a_boundary_makes_version_one_with_its_why(ana: Membership, ben: Membership) -> None:
    data = {"title": "Sleepovers", "text": "Tell me before.", "why": "Blindsided", "category": "home", "everyone": "1"}
    response = client(ana).post(url("item_create", ana, kind="boundary"), data)
    item = Item.objects.get()
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    assert item.kind == Kind.BOUNDARY
    assert item.owner == ana
    assert item.category == "home"
    assert item.current_version is not None
    assert (item.current_version.number, item.current_version.why) == (1, "Blindsided")
    assert "Your boundary is set" in followed(response, client(ana))


def test_proposing_a_value_opens_a_proposal(ana: Membership, ben: Membership) -> None:
    data = {"title": "Kids first", "text": "Children first.", "why": "Calm", "category": "family", "everyone": "1"}
    response = client(ana).post(url("item_create", ana, kind="value"), data)
    proposal = Proposal.objects.get()
    assert response["Location"] == url("proposal_detail", ana, proposal_id=proposal.public_id)
    assert proposal.proposer == ana
    assert proposal.item.kind == Kind.VALUE
    assert proposal.item.current_version is None
    assert proposal.status == Proposal.Status.OPEN


def test_an_agreement_for_chosen_people_is_hidden_from_the_others(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    data = {"title": "Weeknights", "text": "t", "why": "w", "category": "home", "everyone": "0"}
    response = client(ana).post(url("item_create", ana, kind="agreement"), {**data, "audience": [ben.public_id]})
    assert response.status_code == 302
    item = Item.objects.get()
    assert not item.everyone
    assert set(Item.objects.visible_to(ben)) == {item}
    assert not Item.objects.visible_to(cy).exists()


def test_item_detail_shows_words_why_and_story(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, "Sleepovers", text="Tell me before, not after.", why="I felt blindsided.")
    html = page(client(ben).get(url("item_detail", ana, item_id=item.public_id)))
    assert "Sleepovers" in html
    assert "Tell me before, not after." in html
    assert "I felt blindsided." in html
    assert "Its story" in html
    assert "Not yet acknowledged by you." in html
    assert "Version 1 by Ana" in html


def test_a_version_says_by_you_to_its_author_and_the_name_to_the_others(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, "Sleepovers")
    for name in ("item_detail", "version_list"):
        target = url(name, ana, item_id=item.public_id)
        mine, theirs = page(client(ana).get(target)), page(client(ben).get(target))
        assert "by you," in mine
        assert "by Ana," not in mine
        assert "by Ana," in theirs
        assert "by you," not in theirs


def test_reaffirming_by_plain_post_redirects(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    response = client(ben).post(url("item_reaffirm", ana, item_id=item.public_id))
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    assert Reaffirmation.objects.get().member == ben
    html = followed(response, client(ben))
    assert "Noted: you still honour it, as of today." in html
    assert "reaffirmed" in html


def test_reaffirming_with_htmx_returns_only_the_story(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    response = client(ben).post(url("item_reaffirm", ana, item_id=item.public_id), **HTMX)
    assert_fragment(response, "Its story", "reaffirmed", "by Ben", "Noted: you still honour it.")
    assert Reaffirmation.objects.count() == 1


def test_reaffirming_a_retired_item_is_refused_without_a_thank_you(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.retire_boundary(owner=ana, item=item)
    target = url("item_reaffirm", ana, item_id=item.public_id)
    with_htmx = client(ben).post(target, **HTMX)
    assert with_htmx.status_code == 409
    assert "Only a current item can be reaffirmed." in page(with_htmx)
    assert "Noted" not in page(with_htmx)
    html = followed(client(ben).post(target), client(ben))
    assert "Only a current item can be reaffirmed." in html
    assert "Noted" not in html
    assert not Reaffirmation.objects.exists()


def test_a_newcomer_consents_to_a_value(ana: Membership, ben: Membership) -> None:
    item = adopted(ana, ben)
    eli = MembershipFactory.create(polycule=ana.polycule, display_name="Eli")
    response = client(eli).post(url("item_consent", ana, item_id=item.public_id), {"version": 1})
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    assert Consent.objects.filter(member=eli, version=item.current_version).count() == 1
    assert "Your consent is recorded." in followed(response, client(eli))
    welcome = client(eli).post(url("item_consent", ana, item_id=item.public_id), {"version": 1, "next": "welcome"})
    assert welcome["Location"] == reverse("home:onboarding", args=[ana.polycule.public_id])
    assert Consent.objects.filter(member=eli).count() == 1


def test_version_list_shows_every_version_with_its_why(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, why="First why")
    services.revise_boundary(owner=ana, item=item, base_number=1, title="Sleepovers", text="v2", why="Second why")
    html = page(client(ben).get(url("version_list", ana, item_id=item.public_id)))
    assert "Version 1: Sleepovers" in html
    assert "Version 2: Sleepovers" in html
    assert "First why" in html
    assert "Second why" in html


def test_version_diff_marks_added_and_removed_words_beyond_colour(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, text="Tell me a day before.")
    services.revise_boundary(
        owner=ana, item=item, base_number=1, title="Sleepovers", text="Tell me a week before.", why="w"
    )
    response = client(ben).get(url("version_diff", ana, item_id=item.public_id), {"from": 1, "to": 2})
    assert response.status_code == 200
    html = page(response)
    assert '<ins><span class="visually-hidden">[added: </span>week<span class="visually-hidden">]</span></ins>' in html
    assert '<del><span class="visually-hidden">[removed: </span>day<span class="visually-hidden">]</span></del>' in html
    # Without parameters: the newest change.
    assert "[added: </span>week" in page(client(ben).get(url("version_diff", ana, item_id=item.public_id)))


@pytest.mark.parametrize(
    "query",
    [
        {"from": 0, "to": 2},
        {"from": 1, "to": 3},
        {"from": -1},
        {"to": 99},
        {"from": "abc"},
        {"to": "1.5"},
        {"from": "9" * 30},
    ],
)
def test_version_diff_out_of_range_is_404(ana: Membership, query: dict[str, Any]) -> None:
    item = boundary(ana)
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="v2", why="w")
    assert client(ana).get(url("version_diff", ana, item_id=item.public_id), query).status_code == 404


# The list's filters


@pytest.fixture
def listed(ana: Membership, ben: Membership, cy: Membership) -> dict[str, Item]:
    items = {
        "ana-home": boundary(ana, "Ana-home-boundary", category="home"),
        "ben-talk": boundary(ben, "Ben-talk-boundary", category="communication"),
        "value": adopted(cy, ana, ben, title="Cy-family-value", category="family"),
        "agreement": adopted(ana, ben, cy, title="Ana-health-agreement", kind=Kind.AGREEMENT, category="health"),
        "due": old_boundary(ana, days=40, review_every_days=30, title="Ana-due-boundary"),
    }
    services.acknowledge(member=ben, item=items["ana-home"], version_number=1, answer=UNDERSTOOD)
    retired = boundary(ben, "Ben-retired-boundary")
    services.retire_boundary(owner=ben, item=retired)
    items["retired"] = retired
    return items


ALL_LIVE = {"Ana-home-boundary", "Ben-talk-boundary", "Cy-family-value", "Ana-health-agreement", "Ana-due-boundary"}
ALL = {*ALL_LIVE, "Ben-retired-boundary"}


def _shown(member: Membership, query: dict[str, Any]) -> set[str]:
    response = client(member).get(url("item_list", member), query)
    assert response.status_code == 200
    return {title for title in ALL if title in page(response)}


@pytest.mark.parametrize(
    ("viewer", "query", "expected"),
    [
        ("ana", {}, ALL_LIVE),
        ("ana", {"kind": "boundary"}, {"Ana-home-boundary", "Ben-talk-boundary", "Ana-due-boundary"}),
        ("ana", {"kind": "value"}, {"Cy-family-value"}),
        ("ana", {"kind": "agreement"}, {"Ana-health-agreement"}),
        ("ana", {"category": "home"}, {"Ana-home-boundary"}),
        ("ana", {"category": "family", "kind": "value"}, {"Cy-family-value"}),
        ("ana", {"category": "family", "kind": "boundary"}, set()),
        ("ana", {"person": "ana"}, {"Ana-home-boundary", "Ana-due-boundary", "Ana-health-agreement"}),
        ("ana", {"person": "ben"}, {"Ben-talk-boundary"}),
        ("ana", {"person": "cy"}, {"Cy-family-value"}),
        ("ana", {"needs": "1"}, {"Ben-talk-boundary"}),
        ("ben", {"needs": "1"}, {"Ana-due-boundary"}),  # Ben acknowledged Ana's other one
        ("cy", {"needs": "1"}, {"Ana-home-boundary", "Ben-talk-boundary", "Ana-due-boundary"}),
        ("cy", {"needs": "1", "kind": "value"}, set()),
        ("ana", {"due": "1"}, {"Ana-due-boundary"}),
        ("ana", {"retired": "1"}, {"Ben-retired-boundary"}),
        ("ana", {"retired": "1", "person": "ben"}, {"Ben-retired-boundary"}),
    ],
)
def test_each_filter_narrows_the_list(
    listed: dict[str, Item],
    ana: Membership,
    ben: Membership,
    cy: Membership,
    viewer: str,
    query: dict[str, Any],
    expected: set[str],
) -> None:
    people = {"ana": ana, "ben": ben, "cy": cy}
    if "person" in query:
        query = {**query, "person": people[query["person"]].public_id}
    assert _shown(people[viewer], query) == expected


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "banana"},
        {"category": "<script>"},
        {"person": "not-a-uuid"},
        {"person": str(uuid.uuid4())},
        {"needs": "yes", "due": "2", "retired": "x"},
        {"person": "{" + "0" * 32 + "}"},
    ],
)
def test_junk_filters_are_ignored(listed: dict[str, Item], ana: Membership, query: dict[str, Any]) -> None:
    assert _shown(ana, query) == ALL_LIVE


def test_someone_else_s_polycule_member_is_not_a_person_filter(
    listed: dict[str, Item], ana: Membership, zed: Membership
) -> None:
    assert _shown(ana, {"person": zed.public_id}) == ALL_LIVE


def test_still_holds_is_explained_and_offered_only_once_a_version_has_stood_a_while(
    ana: Membership, ben: Membership
) -> None:
    item = boundary(ana)
    detail = url("item_detail", ana, item_id=item.public_id)
    assert "I still honour it" not in page(client(ben).get(detail))  # set a moment ago
    backdate(Version.objects.filter(item=item), by=timedelta(days=2))
    html = page(client(ben).get(detail))
    assert "I still honour it" in html
    assert 'aria-describedby="reaffirm-help"' in html
    assert "Tell Ana you still honour this boundary: it dates your reaffirmation, without a new version." in html
    # A boundary still holds for its owner; a value or an agreement for each who holds it.
    assert "Still holds for me" in page(client(ana).get(detail))
    value = adopted(ana, ben)
    backdate(Version.objects.filter(item=value), by=timedelta(days=2))
    html = page(client(ben).get(url("item_detail", ana, item_id=value.public_id)))
    assert "Still holds for me" in html
    assert "Tell the others this still holds for you" in html
    reaffirmed = followed(client(ana).post(url("item_reaffirm", ana, item_id=item.public_id)), client(ana))
    assert "Noted: it still holds for you, as of today." in reaffirmed


def test_acknowledging_in_place_thanks_as_the_plain_post_does(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    target = url("boundary_acknowledge", ana, item_id=item.public_id)
    response = client(ben).post(target, {"version": 1, "answer": "understood"}, **HTMX)
    assert_fragment(response, "Thank you. Your answer is recorded with this version.")
    assert 'class="done" role="status"' in page(response)


def test_acknowledging_from_the_welcome_list_goes_back_to_it(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    detail = url("item_detail", ana, item_id=item.public_id)
    html = page(client(ben).get(detail + "?from=welcome"))
    form = html[html.index('action="' + url("boundary_acknowledge", ana, item_id=item.public_id)) :]
    form = form[: form.index(">")]
    assert "data-hx-post" not in form  # a plain post, with or without JavaScript
    assert 'name="next" value="welcome"' in html
    response = client(ben).post(
        url("boundary_acknowledge", ana, item_id=item.public_id),
        {"version": 1, "answer": "understood", "next": "welcome"},
    )
    assert response["Location"] == reverse("home:onboarding", args=[ana.polycule.public_id])


def test_a_boundary_needs_no_why_but_a_value_does(ana: Membership, ben: Membership) -> None:
    form = page(client(ana).get(url("item_create", ana, kind="boundary")))
    assert "Your boundary needs no justification" in form
    data = {"title": "Sleepovers", "text": "Tell me before.", "why": "", "category": "home", "everyone": "1"}
    response = client(ana).post(url("item_create", ana, kind="boundary"), data)
    assert response.status_code == 302
    item = Item.objects.get()
    assert item.current_version is not None
    assert item.current_version.why == ""
    edit = {"title": "Sleepovers", "text": "Tell me the day before.", "why": "", "base": 1}
    assert client(ana).post(url("boundary_edit", ana, item_id=item.public_id), edit).status_code == 302
    value = {"title": "Kids first", "text": "Children first.", "why": "", "category": "family", "everyone": "1"}
    refused = client(ana).post(url("item_create", ana, kind="value"), value)
    assert refused.status_code == 422
    assert not Proposal.objects.exists()
