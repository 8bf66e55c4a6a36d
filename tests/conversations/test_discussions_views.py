"""The discussion pages and actions, as people use them: in place with htmx, and as plain posts
without JavaScript; and the links to them from items and proposals."""

from typing import Any

from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from conversations.models import Comment, CommentRevision, Discussion, Mute, Round, RoundParticipant
from conversations.selectors import discussions as selectors
from conversations.services import discussions as services
from relationships.models import Membership
from tests.values.build import HTMX, adopted, assert_fragment, boundary, client, current, followed, page, proposed
from values import services as values
from values.models import Acknowledgment, Item

TALK = Acknowledgment.Answer.TALK


def url(name: str, me: Membership, **ids: Any) -> str:
    return reverse(f"conversations:{name}", kwargs={"polycule_id": me.polycule.public_id, **ids})


def item_talk(me: Membership, item: Item) -> str:
    return url("discussion_item", me, item_id=item.public_id)


def version_talk(me: Membership, item: Item, number: int = 1) -> str:
    return url("discussion_version", me, item_id=item.public_id, number=number)


def first_comment(author: Membership, item: Item, text: str = "Can we talk on Sunday?") -> Comment:
    return services.comment_about(author=author, item=item, text=text)


# The pages


def test_an_item_without_talk_yet_invites_the_first_words_and_creates_nothing(ana: Membership, ben: Membership) -> None:
    item = boundary(ana, "Sleepovers")
    response = client(ben).get(item_talk(ben, item))
    assert response.status_code == 200
    html = page(response)
    assert "Sleepovers" in html
    assert "Nobody has written here yet." in html
    assert "Start the conversation" in html
    assert "Mute this conversation" not in html  # nothing to mute yet
    assert not Discussion.objects.exists()


def test_a_discussion_shows_its_comments_with_their_replies(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    first = first_comment(ben, item, "Is a nap a sleepover?")
    services.comment(author=ana, discussion=first.discussion, text="Ha, no.", parent=first)
    html = page(client(ana).get(item_talk(ana, item)))
    assert "2 comments" in html
    assert html.index("Is a nap a sleepover?") < html.index("Ha, no.")
    assert 'class="replies"' in html
    assert "Mute this conversation" in html


def test_a_versions_page_opens_with_who_asked_to_talk_before_the_comments(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ana)
    values.acknowledge(member=cy, item=item, version_number=1, answer=TALK, note="It scares me a bit")
    opening = "Cy</strong> would like to talk about this version: “It scares me a bit”"
    before = page(client(ana).get(version_talk(ana, item)))
    assert opening in before
    assert "A few words here are a good start" in before  # for the owner, before anyone writes
    assert not Discussion.objects.exists()
    services.comment_about(author=ben, item=item, version=current(item), text="Me too, honestly.")
    html = page(client(ana).get(version_talk(ana, item)))
    assert html.index(opening) < html.index("Me too, honestly.")
    assert "You</strong> would like to talk about this version" in page(client(cy).get(version_talk(cy, item)))


def test_an_earlier_versions_page_says_it_has_changed_since(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    values.revise_boundary(owner=ana, item=item, base_number=1, title="Sleepovers", text="Newer", why="w")
    html = page(client(ben).get(version_talk(ben, item, 1)))
    assert "it has changed since" in html
    assert version_talk(ben, item, 2) in html
    assert client(ben).get(version_talk(ben, item, 3)).status_code == 404


def test_a_proposals_page_shows_its_wording(ana: Membership, ben: Membership) -> None:
    proposal = proposed(ana, "Kids first", text="Children's needs come first.")
    html = page(client(ben).get(url("discussion_proposal", ben, proposal_id=proposal.public_id)))
    assert "Kids first" in html
    assert "Children&#x27;s needs come first." in html
    assert proposal.get_absolute_url() in html


def test_the_page_links_to_the_other_talk_about_the_same_item(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    first_comment(ben, item)
    services.comment_about(author=ben, item=item, version=current(item), text="About v1")
    html = page(client(ana).get(item_talk(ana, item)))
    assert version_talk(ana, item, 1) in html
    assert "1 comment" in html


# Writing: a plain post, and in place


def test_the_first_comment_starts_the_discussion_and_comes_back_on_the_page(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    response = client(ben).post(item_talk(ben, item), {"text": "Can we talk on Sunday?"})
    assert response["Location"].endswith("#discussion")
    html = followed(response, client(ben))
    assert "Your comment is there for the others to read." in html
    assert "Can we talk on Sunday?" in html
    comment = Comment.objects.get()
    assert (comment.author, comment.discussion.item, comment.discussion.started_by) == (ben, item, ben)


def test_a_comment_sent_in_place_answers_with_the_thread_alone(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    response = client(ben).post(version_talk(ben, item), {"text": "Sunday?"}, **HTMX)
    assert_fragment(response, 'id="discussion"', "Sunday?", "Sent.")
    assert 'hx-target="#discussion"' in page(response)
    assert Comment.objects.get().discussion.version == current(item)


def test_a_reply_as_a_plain_post_goes_back_to_the_comment(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    first = first_comment(ben, item)
    data = {"text": "Sunday works.", "discussion": first.discussion.public_id}
    response = client(ana).post(url("comment_reply", ana, comment_id=first.public_id), data)
    assert response["Location"] == f"{item_talk(ana, item)}#comment-{first.public_id}"
    html = followed(response, client(ana))
    assert "Your reply is there" in html
    assert "Sunday works." in html
    assert Comment.objects.get(parent=first).author == ana


def test_a_reply_in_place_answers_with_the_thread(ana: Membership, ben: Membership) -> None:
    first = first_comment(ben, boundary(ana))
    data = {"text": "Sunday works.", "discussion": first.discussion.public_id}
    response = client(ana).post(url("comment_reply", ana, comment_id=first.public_id), data, **HTMX)
    assert_fragment(response, 'id="discussion"', "Sunday works.", "2 comments")


# Correcting


def test_the_correct_page_offers_the_current_wording(ana: Membership, ben: Membership) -> None:
    first = first_comment(ben, boundary(ana), "I felt ignroed")
    response = client(ben).get(url("comment_correct", ben, comment_id=first.public_id))
    assert response.status_code == 200
    html = page(response)
    assert "Correct your comment" in html
    assert "I felt ignroed</textarea>" in html


def test_a_corrected_comment_says_edited_and_the_earlier_wording_stays_readable(
    ana: Membership, ben: Membership
) -> None:
    item = boundary(ana)
    first = first_comment(ben, item, "I felt ignroed")
    response = client(ben).post(url("comment_correct", ben, comment_id=first.public_id), {"text": "I felt unheard"})
    assert "Corrected." in followed(response, client(ben))
    html = page(client(ana).get(item_talk(ana, item)))
    assert "I felt unheard" in html
    assert "edited" in html
    assert "I felt ignroed" in html
    assert html.index('<details class="earlier-wordings">') < html.index("I felt ignroed")


def test_a_correction_in_place_answers_with_the_thread(ana: Membership, ben: Membership) -> None:
    first = first_comment(ben, boundary(ana), "Frist")
    response = client(ben).post(url("comment_correct", ben, comment_id=first.public_id), {"text": "First"}, **HTMX)
    assert_fragment(response, 'id="discussion"', "edited", "Frist", "First")


# Muting


def test_muting_and_unmuting_as_plain_posts(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    discussion = first_comment(ben, item).discussion
    response = client(ana).post(url("discussion_mute", ana, discussion_id=discussion.public_id))
    html = followed(response, client(ana))
    assert "Muted." in html
    assert "Unmute it" in html
    assert Mute.objects.filter(member=ana, discussion=discussion).exists()
    response = client(ana).post(url("discussion_unmute", ana, discussion_id=discussion.public_id))
    assert "Mute this conversation" in followed(response, client(ana))
    assert not Mute.objects.exists()


def test_muting_in_place_answers_with_the_thread(ana: Membership, ben: Membership) -> None:
    discussion = first_comment(ben, boundary(ana)).discussion
    response = client(ana).post(url("discussion_mute", ana, discussion_id=discussion.public_id), **HTMX)
    assert_fragment(response, 'id="discussion"', "Unmute it")


# Links from the items and proposals


def test_an_item_page_links_to_its_talk(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    assert item_talk(ben, item) in page(client(ben).get(item.get_absolute_url()))
    value = adopted(ana, ben, title="Honesty")
    assert item_talk(ben, value) in page(client(ben).get(value.get_absolute_url()))


def test_the_owner_is_pointed_to_the_version_talk_when_someone_asked(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    assert version_talk(ana, item) not in page(client(ana).get(item.get_absolute_url()))
    values.acknowledge(member=ben, item=item, version_number=1, answer=TALK, note="Hm")
    html = page(client(ana).get(item.get_absolute_url()))
    assert f'<a href="{version_talk(ana, item)}">Talk about version 1</a>' in html


def test_someone_who_answered_is_offered_the_version_talk(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    assert version_talk(ben, item) not in page(client(ben).get(item.get_absolute_url()))
    response = client(ben).post(
        reverse("values:boundary_acknowledge", args=[ben.polycule.public_id, item.public_id]),
        {"version": 1, "answer": "talk"},
        **HTMX,
    )
    assert_fragment(response, f'<a href="{version_talk(ben, item)}">Talk about version 1</a>')


def test_a_proposal_page_links_to_its_talk(ana: Membership, ben: Membership) -> None:
    proposal = proposed(ana)
    html = page(client(ben).get(proposal.get_absolute_url()))
    assert url("discussion_proposal", ben, proposal_id=proposal.public_id) in html
    assert "Talk about this proposal" in html


# Under a what-if round: the same thread, on the round's page


def _revealed_round(asker: Membership, *others: Membership) -> Round:
    round = Round.objects.create(polycule=asker.polycule, asker=asker, prompt="What if?", revealed_at=timezone.now())
    RoundParticipant.objects.bulk_create(RoundParticipant(round=round, membership=m) for m in (asker, *others))
    return round


def test_the_thread_partial_renders_a_rounds_discussion_posting_to_the_round(ana: Membership, ben: Membership) -> None:
    round = _revealed_round(ana, ben)
    discussion = services.open_for_round(round=round, by=ana)
    services.comment(author=ben, discussion=discussion, text="I'd call more.")
    comment_url = url("round_comment", ana, round_id=round.public_id)
    request = RequestFactory().get("/")
    request.user = ana.user
    thread = selectors.thread(ana, discussion, comment_url=comment_url)
    html = render_to_string("conversations/_discussion.html", {"thread": thread, "me": ana}, request=request)
    assert "I&#x27;d call more." in html
    assert f'action="{comment_url}"' in html
    assert url("discussion_mute", ana, discussion_id=discussion.public_id) in html


def test_a_reply_under_a_round_goes_back_to_the_round(ana: Membership, ben: Membership) -> None:
    round = _revealed_round(ana, ben)
    discussion = services.open_for_round(round=round, by=ana)
    first = services.comment(author=ben, discussion=discussion, text="I'd call more.")
    data = {"text": "Me too.", "discussion": discussion.public_id}
    response = client(ana).post(url("comment_reply", ana, comment_id=first.public_id), data)
    assert response.status_code == 302
    assert response["Location"].startswith(url("round_detail", ana, round_id=round.public_id))
    assert CommentRevision.objects.filter(text="Me too.").exists()


def test_the_owner_sees_who_asked_to_talk_on_their_dashboard_until_they_mute_it(
    ana: Membership, ben: Membership
) -> None:
    item = boundary(ana, "Sleepovers")
    values.acknowledge(member=ben, item=item, version_number=1, answer=TALK, note="Can we?")
    dashboard = reverse("home:dashboard")
    assert version_talk(ana, item) in page(client(ana).get(dashboard))
    assert version_talk(ben, item) not in page(client(ben).get(dashboard))
    discussion = services.discussion_about(member=ana, item=item, version=current(item))
    client(ana).post(url("discussion_mute", ana, discussion_id=discussion.public_id))
    assert version_talk(ana, item) not in page(client(ana).get(dashboard))
