"""The boundary views: acknowledging, changing and retiring a boundary, and stale edits."""

from relationships.models import Membership
from values import services
from values.models import Acknowledgment, Version

from .build import HTMX, UNDERSTOOD, assert_fragment, boundary, client, conflict_shows, followed, fresh, page, url


def test_acknowledging_by_plain_post_redirects_and_records_the_answer(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    response = client(ben).post(
        url("boundary_acknowledge", ana, item_id=item.public_id),
        {"version": 1, "answer": "talk", "note": "Can we talk Sunday?"},
    )
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    ack = Acknowledgment.objects.get()
    assert (ack.member, ack.version, ack.answer, ack.note) == (ben, item.current_version, "talk", "Can we talk Sunday?")
    assert "Your answer is recorded" in followed(response, client(ben))


def test_acknowledging_with_htmx_returns_only_the_answers_panel(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    response = client(ben).post(
        url("boundary_acknowledge", ana, item_id=item.public_id), {"version": 1, "answer": "understood"}, **HTMX
    )
    assert_fragment(response, "Acknowledgments of version 1", "Understood")
    assert "Not yet acknowledged by you" not in page(response)
    assert Acknowledgment.objects.filter(member=ben).count() == 1


def test_acknowledging_an_old_version_is_a_409_in_the_panel(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="v2", why="w")
    response = client(ben).post(
        url("boundary_acknowledge", ana, item_id=item.public_id), {"version": 1, "answer": "understood"}, **HTMX
    )
    assert response.status_code == 409
    html = page(response)
    assert "<html" not in html
    assert "changed while you were writing" in html
    assert "Acknowledgments of version 2" in html
    assert not Acknowledgment.objects.exists()


def test_a_double_submitted_acknowledgment_says_so_and_keeps_one_row(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    target = url("boundary_acknowledge", ana, item_id=item.public_id)
    data = {"version": 1, "answer": "understood"}
    ben_client = client(ben)
    assert ben_client.post(target, data).status_code == 302
    again = ben_client.post(target, data)
    assert "You have already answered this version." in followed(again, ben_client)
    with_htmx = ben_client.post(target, data, **HTMX)
    assert with_htmx.status_code == 409
    assert "You have already answered this version." in page(with_htmx)
    assert Acknowledgment.objects.count() == 1


def test_the_owner_changes_a_boundary_and_nobody_s_answer_carries_over(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, text="Tell me before.")
    services.acknowledge(member=ben, item=item, version_number=1, answer=UNDERSTOOD)
    form = client(ana).get(url("boundary_edit", ana, item_id=item.public_id))
    assert form.status_code == 200
    assert "Tell me before." in page(form)
    assert 'name="base" value="1"' in page(form)
    response = client(ana).post(
        url("boundary_edit", ana, item_id=item.public_id),
        {"title": "Sleepovers", "text": "Tell me a day before.", "why": "Last time", "base": 1},
    )
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    version = fresh(item).current_version
    assert version is not None
    assert (version.number, version.text, version.why, version.author) == (2, "Tell me a day before.", "Last time", ana)
    assert not version.acknowledgments.exists()
    assert "Not yet acknowledged by you." in page(client(ben).get(url("item_detail", ana, item_id=item.public_id)))


def test_only_the_owner_may_open_the_edit_and_retire_pages(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    for name in ("boundary_edit", "boundary_retire"):
        assert client(ben).get(url(name, ana, item_id=item.public_id)).status_code == 404


def test_retiring_a_boundary_keeps_it_in_the_history(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    target = url("boundary_retire", ana, item_id=item.public_id)
    assert client(ana).get(target).status_code == 200
    response = client(ana).post(target)
    assert response["Location"] == url("item_detail", ana, item_id=item.public_id)
    assert fresh(item).retired_at is not None
    assert "Retired" in page(client(ben).get(url("item_detail", ana, item_id=item.public_id)))


def test_a_stale_boundary_edit_shows_both_texts(ana: Membership) -> None:
    item = boundary(ana, text="First text")
    services.revise_boundary(owner=ana, item=item, base_number=1, title="t", text="Saved elsewhere", why="w")
    response = client(ana).post(
        url("boundary_edit", ana, item_id=item.public_id),
        {"title": "Mine", "text": "What I wrote", "why": "My why", "base": 1},
    )
    html = conflict_shows(response, "Saved elsewhere", "What I wrote", "My why")
    assert 'name="base" value="2"' in html  # starting again from the current version
    assert Version.objects.filter(item=item).count() == 2


def test_a_changed_boundary_keeps_who_had_understood_the_version_before(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ana)
    services.acknowledge(member=ben, item=item, version_number=1, answer=UNDERSTOOD)
    services.acknowledge(member=cy, item=item, version_number=1, answer=Acknowledgment.Answer.TALK, note="Soon?")
    services.revise_boundary(
        owner=ana, item=item, base_number=1, title="Sleepovers", text="Tell me a day before.", why=""
    )
    html = page(client(ana).get(url("item_detail", ana, item_id=item.public_id)))
    assert html.count("hasn't answered this version yet") == 2
    assert "Version 1: understood" in html
    assert "Version 1: would have liked to talk" in html
