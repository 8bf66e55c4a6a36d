"""What a discussion shows (``thread``), and who asked a member to talk about their boundary
(``talk_requests``, for the dashboard), each in a fixed number of queries."""

from datetime import timedelta

from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from accounts import paging
from conversations.models import Comment, CommentRevision
from conversations.selectors import discussions as selectors
from conversations.services import discussions as services
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.values.build import boundary, current
from values import services as values
from values.models import Acknowledgment, Item

TALK = Acknowledgment.Answer.TALK
URL = "/somewhere/"


def _ask(member: Membership, item: Item, note: str = "", version: int = 1) -> Acknowledgment:
    return values.acknowledge(member=member, item=item, version_number=version, answer=TALK, note=note)


def _talk_about_version(author: Membership, item: Item, text: str) -> Comment:
    return services.comment_about(author=author, item=item, version=current(item), text=text)


# The thread


def test_a_thread_before_anyone_writes_is_empty_and_open_to_the_audience(ana: Membership, ben: Membership) -> None:
    thread = selectors.thread(ben, None, comment_url=URL, audience=[ana, ben])
    assert (thread.discussion, thread.comments, thread.count) == (None, [], 0)
    assert thread.can_comment
    assert not thread.can_mute  # nothing to mute yet
    assert thread.comment_url == URL


def test_replies_sit_under_their_comment_in_the_order_they_were_written(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    first = services.comment_about(author=ben, item=item, text="First")
    second = services.comment_about(author=ana, item=item, text="Second")
    services.comment(author=ana, discussion=first.discussion, text="Reply one", parent=first)
    services.comment(author=ben, discussion=first.discussion, text="Reply two", parent=first)
    thread = selectors.thread(ben, first.discussion, comment_url=URL)
    assert [c.text for c in thread.comments] == ["First", "Second"]
    assert [r.text for r in thread.comments[0].replies] == ["Reply one", "Reply two"]
    assert thread.comments[1].comment == second
    assert thread.comments[1].replies == []
    assert thread.count == 4


def test_each_comment_says_what_the_reader_may_do_with_it(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="Mine")
    services.comment(author=ana, discussion=first.discussion, text="Ana's reply", parent=first)
    as_ben = selectors.thread(ben, first.discussion, comment_url=URL)
    mine, reply = as_ben.comments[0], as_ben.comments[0].replies[0]
    assert (mine.can_reply, mine.can_correct) == (True, True)
    assert (reply.can_reply, reply.can_correct) == (False, False)  # one level; Ana's words
    as_ana = selectors.thread(ana, first.discussion, comment_url=URL)
    assert (as_ana.comments[0].can_reply, as_ana.comments[0].can_correct) == (True, False)
    assert as_ana.comments[0].replies[0].can_correct


def test_a_corrected_comment_says_edited_and_keeps_its_earlier_wordings(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="Frist")
    services.correct(author=ben, comment=first, text="First")
    services.correct(author=ben, comment=first, text="First of all")
    shown = selectors.thread(ana, first.discussion, comment_url=URL).comments[0]
    assert shown.text == "First of all"
    assert shown.edited
    assert shown.edited_at is not None
    assert shown.edited_at > shown.written_at
    assert [r.text for r in shown.earlier] == ["Frist", "First"]


def test_an_uncorrected_comment_is_not_edited(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="Once")
    shown = selectors.thread(ana, first.discussion, comment_url=URL).comments[0]
    assert (shown.edited, shown.edited_at, shown.earlier) == (False, None, [])


def test_the_thread_knows_whether_the_reader_muted_it(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="Hello")
    services.mute(member=ana, discussion=first.discussion)
    assert selectors.thread(ana, first.discussion, comment_url=URL).is_muted
    assert not selectors.thread(ben, first.discussion, comment_url=URL).is_muted


def test_words_of_someone_who_left_stay_but_are_no_longer_theirs_to_correct(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="Still here")
    gone = leave_polycule(membership=ben)
    thread = selectors.thread(ana, first.discussion, comment_url=URL)
    assert thread.comments[0].text == "Still here"
    assert thread.comments[0].author.display_name == "Ben"
    assert not selectors.thread(gone, first.discussion, comment_url=URL).comments[0].can_correct


def _grow(author: Membership, parent: Comment, count: int) -> None:
    """Comments, replies and corrections, straight to the database."""
    for n in range(count):
        comment = Comment.objects.create(discussion=parent.discussion, author=author)
        reply = Comment.objects.create(discussion=parent.discussion, author=author, parent=comment)
        CommentRevision.objects.bulk_create(
            [
                CommentRevision(comment=comment, number=1, text=f"Comment {n}"),
                CommentRevision(comment=comment, number=2, text=f"Comment {n}, corrected"),
                CommentRevision(comment=reply, number=1, text=f"Reply {n}"),
            ]
        )


def test_a_thread_costs_the_same_queries_whatever_its_length(
    ana: Membership, ben: Membership, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="Hello")
    ana.polycule  # noqa: B018 - loaded, as the gate loads it
    discussion = first.discussion
    # A page of comments with their replies, latest wordings, the thread's size and the reader's
    # mute, in one query; the audience is the caller's.
    with django_assert_num_queries(1):
        selectors.thread(ana, discussion, comment_url=URL, audience=[ana, ben])
    _grow(ben, first, 30)
    # And the earlier wordings of the corrected ones on the page.
    with django_assert_num_queries(2):
        thread = selectors.thread(ana, discussion, comment_url=URL, audience=[ana, ben])
    assert thread.count == 61
    _grow(ben, first, 70)
    with django_assert_num_queries(2):
        thread = selectors.thread(ana, discussion, comment_url=URL, audience=[ana, ben])
    assert thread.count == 201
    assert len(thread.comments) == paging.PAGE_SIZE  # a page of comments, each with its reply
    assert all(len(c.replies) == 1 for c in thread.comments[1:])
    assert thread.page.next


def test_a_long_thread_is_read_a_page_at_a_time_oldest_first(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="Hello")
    _grow(ben, first, paging.PAGE_SIZE + 5)
    one = selectors.thread(ana, first.discussion, comment_url=URL, audience=[ana, ben])
    two = selectors.thread(ana, first.discussion, comment_url=URL, audience=[ana, ben], after=one.page.next)
    texts = [c.text for c in one.comments + two.comments]
    assert texts[0] == "Hello"
    assert texts[1:] == [f"Comment {n}, corrected" for n in range(paging.PAGE_SIZE + 5)]
    assert (one.page.first, two.page.first, two.page.next) == (True, False, "")


def test_after_a_new_comment_the_thread_shows_its_newest_page(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="Hello")
    _grow(ben, first, paging.PAGE_SIZE + 5)
    services.comment(author=ana, discussion=first.discussion, text="The newest")
    newest = selectors.thread(ana, first.discussion, comment_url=URL, audience=[ana, ben], newest=True)
    assert newest.comments[-1].text == "The newest"
    assert len(newest.comments) == paging.PAGE_SIZE
    assert not newest.page.first  # there are earlier comments: "Back to the start"


def test_after_a_reply_the_thread_shows_the_comment_replied_to(ana: Membership, ben: Membership) -> None:
    first = services.comment_about(author=ben, item=boundary(ana), text="Hello")
    _grow(ben, first, paging.PAGE_SIZE + 5)
    late = Comment.objects.filter(parent__isnull=True).order_by("-created_at", "-id")[2]
    anchored = selectors.thread(ana, first.discussion, comment_url=URL, audience=[ana, ben], anchor=late)
    assert anchored.comments[0].comment == late
    assert not anchored.page.first
    from_start = selectors.thread(ana, first.discussion, comment_url=URL, audience=[ana, ben], anchor=first)
    assert from_start.comments[0].comment == first
    assert from_start.page.first


# Who asked to talk, for the owner's dashboard


def test_the_owner_is_asked_to_talk_about_their_boundary_with_the_note(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    item = boundary(ana)
    _ask(ben, item, note="It lands hard")
    values.acknowledge(member=cy, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD)
    (request,) = selectors.talk_requests(ana)
    assert (request.item, request.version, request.member, request.note) == (item, current(item), ben, "It lands hard")
    assert request.url == f"/p/{ana.polycule.public_id}/items/{item.public_id}/versions/1/talk/"
    assert selectors.talk_requests(ben) == []
    assert selectors.talk_requests(cy) == []


def test_writing_back_in_that_versions_discussion_answers_the_request(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    _ask(ben, item)
    _talk_about_version(ben, item, "When suits you?")
    assert len(selectors.talk_requests(ana)) == 1  # Ben writing is not Ana answering
    services.comment_about(author=ana, item=item, text="About the whole thing")
    assert len(selectors.talk_requests(ana)) == 1  # another discussion
    _talk_about_version(ana, item, "Tonight?")
    assert selectors.talk_requests(ana) == []


def test_writing_before_someone_asked_does_not_answer_them(ana: Membership, ben: Membership, cy: Membership) -> None:
    item = boundary(ana)
    written = _talk_about_version(ana, item, "Ask me anything about it.")
    Comment.objects.filter(pk=written.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    _ask(ben, item)
    assert [r.member for r in selectors.talk_requests(ana)] == [ben]
    _talk_about_version(ana, item, "Tonight?")
    assert selectors.talk_requests(ana) == []


def test_muting_the_versions_discussion_hides_the_requests_until_unmuted(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    _ask(ben, item)
    discussion = services.discussion_about(member=ana, item=item, version=current(item))
    services.mute(member=ana, discussion=discussion)
    assert selectors.talk_requests(ana) == []
    services.unmute(member=ana, discussion=discussion)
    assert len(selectors.talk_requests(ana)) == 1


def test_someone_elses_mute_hides_nothing_from_the_owner(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    _ask(ben, item)
    services.mute(member=ben, discussion=services.discussion_about(member=ben, item=item, version=current(item)))
    assert len(selectors.talk_requests(ana)) == 1


def test_only_the_current_version_of_a_live_boundary_asks(ana: Membership, ben: Membership, cy: Membership) -> None:
    changed, retired = boundary(ana, "Changed"), boundary(ana, "Retired")
    _ask(ben, changed)
    _ask(ben, retired)
    values.revise_boundary(owner=ana, item=changed, base_number=1, title="Changed", text="New words", why="w")
    values.retire_boundary(owner=ana, item=retired)
    assert selectors.talk_requests(ana) == []
    _ask(cy, changed, version=2)
    assert [(r.member, r.version.number) for r in selectors.talk_requests(ana)] == [(cy, 2)]


def test_someone_who_left_no_longer_waits_for_a_talk(ana: Membership, ben: Membership) -> None:
    _ask(ben, boundary(ana))
    leave_polycule(membership=ben)
    assert selectors.talk_requests(ana) == []


def test_talk_requests_cost_one_query_whatever_their_number(
    ana: Membership, ben: Membership, cy: Membership, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _ask(ben, boundary(ana, "One"))
    with django_assert_num_queries(1):
        assert len(selectors.talk_requests(ana)) == 1
    for n in range(10):
        item = boundary(ana, f"More {n}")
        _ask(ben, item)
        _ask(cy, item)
    with django_assert_num_queries(1):
        requests = selectors.talk_requests(ana)
    assert len(requests) == 21
    assert all(r.url.endswith("/versions/1/talk/") for r in requests)
