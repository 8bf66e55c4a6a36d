"""The suggestion views: suggesting a change to someone's boundary, and its owner taking or
declining it."""

from relationships.models import Membership
from values import services
from values.models import Suggestion, Version

from .build import boundary, client, conflict_shows, fresh, page, url


def test_a_member_suggests_a_change_to_someone_s_boundary(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, text="Tell me before.")
    target = url("suggestion_create", ana, item_id=item.public_id)
    form = client(ben).get(target)
    assert form.status_code == 200
    assert "Tell me before." in page(form)
    response = client(ben).post(target, {"base": 1, "text": "Tell me a day before.", "why": "Planning"})
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    suggestion = Suggestion.objects.get()
    assert (suggestion.author, suggestion.item, suggestion.base_version) == (ben, item, item.current_version)
    assert suggestion.status == Suggestion.Status.OPEN
    assert client(ana).get(target).status_code == 404  # one's own boundary is changed directly


def test_the_owner_takes_a_suggestion_as_a_new_version(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="A day before.", why="Planning")
    target = url("suggestion_take", ana, suggestion_id=suggestion.public_id)
    form = client(ana).get(target)
    assert form.status_code == 200
    assert "A day before." in page(form)
    response = client(ana).post(
        target, {"title": "Sleepovers", "text": "A day before.", "why": "Ben's idea", "base": 1}
    )
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    version = fresh(item).current_version
    assert version is not None
    assert (version.number, version.text, version.author) == (2, "A day before.", ana)
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.TAKEN
    assert client(ana).get(target).status_code == 404  # answered already


def test_the_owner_declines_a_suggestion_and_its_author_reads_the_reply(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="Never mind it", why="w")
    response = client(ana).post(
        url("suggestion_decline", ana, suggestion_id=suggestion.public_id), {"reply": "Not yet, let's talk"}
    )
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reply) == (Suggestion.Status.DECLINED, "Not yet, let's talk")
    html = page(client(ben).get(url("item_detail", ana, item_id=item.public_id)))
    assert "Not yet, let&#x27;s talk" in html
    assert "Declined" in html


def test_a_suggestion_on_a_retired_boundary_cannot_be_taken(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="s", why="w")
    services.retire_boundary(owner=ana, item=item)
    target = url("suggestion_take", ana, suggestion_id=suggestion.public_id)
    assert client(ana).get(target).status_code == 404
    assert client(ana).post(target, {"title": "t", "text": "s", "why": "w", "base": 1}).status_code == 404
    assert Version.objects.filter(item=item).count() == 1


def test_a_stale_suggestion_shows_both_texts(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="Changed since", why="w")
    response = client(ben).post(
        url("suggestion_create", ana, item_id=item.public_id), {"text": "What I suggest", "why": "My why", "base": 1}
    )
    conflict_shows(response, "Changed since", "What I suggest")
    assert not Suggestion.objects.exists()


def test_taking_a_suggestion_against_a_stale_version_shows_both_texts(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    suggestion = services.suggest_change(author=ben, item=item, base_number=1, text="Ben's words", why="w")
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="Changed since", why="w")
    response = client(ana).post(
        url("suggestion_take", ana, suggestion_id=suggestion.public_id),
        {"title": "t", "text": "Ben's words, edited", "why": "w", "base": 1},
    )
    conflict_shows(response, "Changed since", "Ben&#x27;s words, edited")
    assert Version.objects.filter(item=item).count() == 2
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.OPEN
