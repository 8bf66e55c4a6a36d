"""With real threads on PostgreSQL: two people starting the same discussion at once get one
discussion with both their comments; the same words sent twice at once are saved once; two mutes
at once are one mute."""

import pytest
from django.db import connection

from conversations.models import Comment, Discussion, Mute
from conversations.services import discussions as services
from relationships.models import Membership
from relationships.services import RuleError
from tests.values.build import boundary, current
from tests.values.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL row locks and real concurrent connections: run with DATABASE_URL=postgres://...",
    ),
]


def test_two_first_comments_at_once_share_one_discussion(ana: Membership, ben: Membership) -> None:
    item = boundary(ana)
    version = current(item)
    results = race(
        lambda: services.comment_about(author=ana, item=item, version=version, text="From Ana"),
        lambda: services.comment_about(author=ben, item=item, version=version, text="From Ben"),
    )
    assert all(isinstance(r, Comment) for r in results), results
    assert Discussion.objects.count() == 1
    assert Comment.objects.filter(discussion=Discussion.objects.get()).count() == 2


def test_the_same_words_sent_twice_at_once_are_saved_once(ana: Membership, ben: Membership) -> None:
    discussion = services.discussion_about(member=ben, item=boundary(ana))
    results = race(
        lambda: services.comment(author=ben, discussion=discussion, text="Sunday?"),
        lambda: services.comment(author=ben, discussion=discussion, text="Sunday?"),
    )
    assert sorted(type(r).__name__ for r in results) == ["Comment", "RuleError"], results
    assert any(isinstance(r, RuleError) for r in results)
    assert Comment.objects.count() == 1


def test_two_mutes_at_once_are_one(ana: Membership, ben: Membership) -> None:
    discussion = services.discussion_about(member=ben, item=boundary(ana))
    results = race(
        lambda: services.mute(member=ana, discussion=discussion),
        lambda: services.mute(member=ana, discussion=discussion),
    )
    assert results == [None, None]
    assert Mute.objects.count() == 1
