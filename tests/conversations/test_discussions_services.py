"""Discussions, domain first: who may write, reply, correct and mute (conversations.rules), and
the workflows that refuse with them (conversations.services.discussions)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conversations import rules
from conversations.models import Comment, CommentRevision, Discussion, DiscussionQuerySet, Mute, Round, RoundParticipant
from conversations.services import discussions as services
from relationships.acting import Departed
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError, leave_polycule
from tests.factories import MembershipFactory
from tests.values.build import adopted, boundary, current, proposed
from values import services as values
from values.models import Item

WORDS = "Can we talk about this on Sunday?"


def _private(owner: Membership, *shared_with: Membership) -> Item:
    return boundary(owner, everyone=False, audience=[m.public_id for m in shared_with])


def _round(asker: Membership, *others: Membership, revealed: bool = True) -> Round:
    round = Round.objects.create(
        polycule=asker.polycule,
        asker=asker,
        prompt="What if we lived apart?",
        revealed_at=timezone.now() if revealed else None,
    )
    RoundParticipant.objects.bulk_create(RoundParticipant(round=round, membership=m) for m in (asker, *others))
    return round


def _words(comment: Comment) -> list[str]:
    return list(comment.revisions.order_by("number").values_list("text", flat=True))


# Rules


def test_anyone_in_the_audience_may_write_and_mute_and_nobody_else(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    audience = [ana, ben]
    assert rules.can_comment(ben, audience)
    assert rules.can_mute(ben, audience)
    assert not rules.can_comment(cy, audience)
    assert not rules.can_mute(cy, audience)


def test_someone_who_left_can_no_longer_write(ana: Membership, ben: Membership) -> None:
    audience = [ana, ben]
    gone = leave_polycule(membership=ben)
    assert not rules.can_comment(gone, audience)


def test_replies_are_to_comments_never_to_replies(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    first = services.comment_about(author=ben, item=item, text=WORDS)
    reply = services.comment(author=ana, discussion=first.discussion, text="Yes", parent=first)
    assert rules.can_reply(first, ana, [ana, ben])
    assert not rules.can_reply(reply, ana, [ana, ben])


def test_only_the_author_may_correct_a_comment(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text=WORDS)
    assert rules.can_correct(first, ben, [ana, ben])
    assert not rules.can_correct(first, ana, [ana, ben])


# Starting and joining a discussion


def test_the_first_comment_starts_the_discussion_and_the_next_ones_join_it(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    first = services.comment_about(author=ben, item=item, text=WORDS)
    second = services.comment_about(author=ana, item=item, text="Sunday is good.")
    assert first.discussion == second.discussion
    discussion = first.discussion
    assert (discussion.item, discussion.version, discussion.proposal, discussion.started_by) == (item, None, None, ben)
    assert discussion.polycule == ana.polycule
    assert _words(first) == [WORDS]


def test_an_item_its_versions_and_its_proposals_each_have_one_discussion(ana: Membership, ben: Membership) -> None:
    value = adopted(ana, ben)
    proposal = values.propose_change(proposer=ana, item=value, base_number=1, title="t", text="New", why="w")
    about_item = services.discussion_about(member=ben, item=value)
    about_version = services.discussion_about(member=ben, item=value, version=current(value))
    about_proposal = services.discussion_about(member=ben, item=value, proposal=proposal)
    assert len({about_item.pk, about_version.pk, about_proposal.pk}) == 3
    assert services.discussion_about(member=ana, item=value) == about_item
    assert services.discussion_about(member=ana, item=value, version=current(value)) == about_version
    assert services.discussion_about(member=ana, item=value, proposal=proposal) == about_proposal
    assert Discussion.objects.count() == 3


def test_a_discussion_started_meanwhile_is_joined_not_doubled(
    ana: Membership, ben: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = boundary(ana)
    bens = Discussion.objects.create(polycule=ana.polycule, item=item, started_by=ben)
    first = DiscussionQuerySet.first
    looked: list[bool] = []

    def not_there_yet(self: DiscussionQuerySet) -> Discussion | None:
        # Ana looks before Ben's discussion is saved, then tries to save her own.
        if not looked:
            looked.append(True)
            return None
        return first(self)

    monkeypatch.setattr(DiscussionQuerySet, "first", not_there_yet)
    assert services.discussion_about(member=ana, item=item) == bens
    assert Discussion.objects.count() == 1


def test_someone_outside_the_audience_cannot_start_or_write(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = _private(ana, ben)
    with pytest.raises(NotAllowed):
        services.discussion_about(member=cy, item=item)
    discussion = services.discussion_about(member=ben, item=item)
    with pytest.raises(NotAllowed):
        services.comment(author=cy, discussion=discussion, text="Hello")
    assert not Comment.objects.exists()


def test_a_version_or_proposal_of_another_item_is_refused(ana: Membership, ben: Membership) -> None:
    mine, other = boundary(ana, "Mine"), boundary(ana, "Other")
    proposal = proposed(ana)
    with pytest.raises(RuleError):
        services.discussion_about(member=ana, item=mine, version=current(other))
    with pytest.raises(RuleError):
        services.discussion_about(member=ana, item=mine, proposal=proposal)
    assert not Discussion.objects.exists()


def test_a_refused_first_comment_leaves_no_empty_discussion(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    with pytest.raises(RuleError):
        services.comment_about(author=ben, item=item, text="   ")
    assert not Discussion.objects.exists()


# Comments and replies


@pytest.mark.parametrize("text", ["", "   \n ", "x" * 2001])
def test_empty_or_oversized_words_are_refused_and_nothing_is_saved(ana: Membership, ben: Membership, text: str) -> None:
    discussion = services.discussion_about(member=ben, item=boundary(ana))
    with pytest.raises(RuleError):
        services.comment(author=ben, discussion=discussion, text=text)
    assert not Comment.objects.exists()
    assert not CommentRevision.objects.exists()


def test_words_are_kept_as_written_without_the_blank_around_them(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="  Two lines,\nkept.  \n")
    assert _words(first) == ["Two lines,\nkept."]


def test_a_reply_hangs_under_its_comment(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text=WORDS)
    reply = services.comment(author=ana, discussion=first.discussion, text="Sunday it is.", parent=first)
    assert reply.parent == first
    assert reply.discussion == first.discussion


def test_replying_to_a_reply_is_refused(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text=WORDS)
    reply = services.comment(author=ana, discussion=first.discussion, text="Sunday it is.", parent=first)
    with pytest.raises(RuleError, match="one level"):
        services.comment(author=ben, discussion=first.discussion, text="Great", parent=reply)
    assert Comment.objects.count() == 2


def test_a_reply_to_a_comment_of_another_discussion_is_refused(ana: Membership, ben: Membership) -> None:
    here = services.comment_about(author=ben, item=boundary(ana, "Here"), text=WORDS)
    elsewhere = services.comment_about(author=ben, item=boundary(ana, "Elsewhere"), text=WORDS)
    with pytest.raises(RuleError, match="another discussion"):
        services.comment(author=ana, discussion=here.discussion, text="Hm", parent=elsewhere)
    assert Comment.objects.count() == 2


def test_the_same_words_sent_twice_are_saved_once(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    services.comment_about(author=ben, item=item, text=WORDS)
    with pytest.raises(RuleError, match="just written"):
        services.comment_about(author=ben, item=item, text=WORDS)
    assert Comment.objects.count() == 1


def test_the_same_words_later_or_from_someone_else_are_new_comments(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    discussion = services.discussion_about(member=ben, item=item)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    earlier = Comment.objects.create(discussion=discussion, author=ben, created_at=an_hour_ago)
    CommentRevision.objects.create(comment=earlier, number=1, text="Thank you", created_at=an_hour_ago)
    services.comment(author=ben, discussion=discussion, text="Thank you")
    services.comment(author=ana, discussion=discussion, text="Thank you")
    services.comment(author=ana, discussion=discussion, text="Thank you", parent=earlier)
    assert Comment.objects.count() == 4


# Correcting


def test_correcting_adds_a_wording_and_keeps_the_earlier_one(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="I felt ignroed.")
    revision = services.correct(author=ben, comment=first, text="I felt ignored.")
    assert revision.number == 2
    assert _words(first) == ["I felt ignroed.", "I felt ignored."]
    services.correct(author=ben, comment=first, text="I felt unheard.")
    assert _words(first) == ["I felt ignroed.", "I felt ignored.", "I felt unheard."]


def test_nobody_corrects_someone_elses_comment(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text=WORDS)
    with pytest.raises(NotAllowed):
        services.correct(author=ana, comment=first, text="What Ben really meant")
    assert _words(first) == [WORDS]


def test_someone_who_left_can_no_longer_correct_their_words(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text=WORDS)
    with pytest.raises(Departed):
        services.correct(author=leave_polycule(membership=ben), comment=first, text="Never mind")
    assert _words(first) == [WORDS]


@pytest.mark.parametrize("text", ["", "x" * 2001, WORDS, f"  {WORDS}  "])
def test_an_empty_oversized_or_unchanged_correction_is_refused(ana: Membership, ben: Membership, text: str) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text=WORDS)
    with pytest.raises(RuleError):
        services.correct(author=ben, comment=first, text=text)
    assert _words(first) == [WORDS]


# Muting


def test_muting_is_once_per_member_and_undone_by_unmuting(ana: Membership, ben: Membership) -> None:
    discussion = services.discussion_about(member=ben, item=boundary(ana))
    services.mute(member=ana, discussion=discussion)
    services.mute(member=ana, discussion=discussion)
    assert list(Mute.objects.values_list("member", flat=True)) == [ana.pk]
    services.unmute(member=ana, discussion=discussion)
    services.unmute(member=ana, discussion=discussion)
    assert not Mute.objects.exists()


def test_someone_outside_the_audience_cannot_mute(ana: Membership, ben: Membership, cy: Membership) -> None:
    discussion = services.discussion_about(member=ben, item=_private(ana, ben))
    with pytest.raises(NotAllowed):
        services.mute(member=cy, discussion=discussion)
    assert not Mute.objects.exists()


# Under a what-if round


def test_a_revealed_round_opens_one_discussion_for_its_participants(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    round = _round(ana, ben)
    discussion = services.open_for_round(round=round, by=ben)
    assert services.open_for_round(round=round, by=ana) == discussion
    assert (discussion.round, discussion.item, discussion.started_by) == (round, None, ben)
    services.comment(author=ana, discussion=discussion, text="I'd miss the mornings.")
    with pytest.raises(NotAllowed):
        services.comment(author=cy, discussion=discussion, text="And me?")
    with pytest.raises(NotAllowed):
        services.open_for_round(round=round, by=cy)


def test_a_round_opens_no_talk_before_its_answers_are_revealed(ana: Membership, ben: Membership) -> None:
    with pytest.raises(RuleError, match="revealed"):
        services.open_for_round(round=_round(ana, ben, revealed=False), by=ana)
    assert not Discussion.objects.exists()


def test_a_newcomer_to_the_polycule_is_not_in_a_round_they_were_not_asked_into(
    ana: Membership, ben: Membership
) -> None:
    round = _round(ana, ben)
    eli = MembershipFactory.create(polycule=ana.polycule, display_name="Eli")
    discussion = services.open_for_round(round=round, by=ana)
    with pytest.raises(NotAllowed):
        services.comment(author=eli, discussion=discussion, text="Hi")
