"""The check-in page reads its audience with the reconnect lines, its topics with their notes and
the last held check-in with the check-in itself: each read agrees with the plain one it replaces."""

from datetime import timedelta

from django.utils import timezone

from conversations.models import CheckIn, Topic
from conversations.selectors import checkins as selectors
from conversations.services import checkins as services
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.factories import MembershipFactory


def _held(by: Membership, days_ago: int, title: str, **kwargs: object) -> CheckIn:
    when = timezone.now() - timedelta(days=days_ago)
    return CheckIn.objects.create(
        polycule=by.polycule, created_by=by, title=title, scheduled_for=when, held_at=when, held_by=by, **kwargs
    )


def test_the_audience_and_the_lines_read_together_agree_with_the_plain_reads(
    ana: Membership, ben: Membership, cy: Membership, zed: Membership
) -> None:
    eve = MembershipFactory.create(polycule=ana.polycule, display_name="Eve")
    everyone = services.start_checkin(by=ana, title="All of us", time_zone="UTC")
    some = services.start_checkin(
        by=cy, title="Cy, Ben, Eve", time_zone="UTC", everyone=False, audience=[ben.public_id, eve.public_id]
    )
    services.start_checkin(by=zed, title="Elsewhere", time_zone="UTC")
    for checkin, speakers in ((everyone, (ben, eve, ana)), (some, (eve, cy))):
        for member in speakers:
            services.reconnect(member=member, checkin=checkin, text=f"{member.display_name} here")
    leave_polycule(membership=eve)
    for checkin in (everyone, some):
        audience, _ = selectors.people(checkin)
        assert audience == checkin.audience()
        for me in (ana, ben, cy):
            mine = selectors.checkin_page(me, checkin).reconnects
            plain = selectors.reconnects(me, checkin, checkin.audience())
            assert mine is not None
            assert [
                (r.member, r.member.display_name, r.line and (r.line.pk, r.line.text, r.line.member)) for r in mine.rows
            ] == [
                (r.member, r.member.display_name, r.line and (r.line.pk, r.line.text, r.line.member))
                for r in plain.rows
            ]
            assert mine.mine == plain.mine
    assert "Eve here" in [line.text for line in selectors.people(everyone)[1].values()]


def test_topics_come_with_their_notes_in_order(ana: Membership, ben: Membership) -> None:
    checkin = services.start_checkin(by=ana, title="Sunday", time_zone="UTC")
    first = services.add_topic(member=ana, checkin=checkin, title="First")
    services.add_topic(member=ben, checkin=checkin, title="Nothing said")
    third = services.add_topic(member=ben, checkin=checkin, title="Third")
    for topic, author, text in ((first, ben, "b1"), (third, ana, "a3"), (first, ana, "a1"), (third, ben, "b3")):
        services.add_note(member=author, topic=topic, text=text)
    rows = selectors.topics(checkin)
    plain = [selectors.topic_row(topic) for topic in Topic.objects.filter(checkin=checkin)]
    shape = lambda rows: [  # noqa: E731
        (r.topic, r.topic.added_by.display_name, [(n, n.text, n.author.display_name, n.topic) for n in r.notes])
        for r in rows
    ]
    assert shape(rows) == shape(plain)
    assert [len(r.notes) for r in rows] == [2, 0, 2]


def test_the_last_held_check_in_read_with_the_check_in_is_the_same(
    ana: Membership, ben: Membership, cy: Membership
) -> None:
    assert selectors.review(ana, services.start_checkin(by=ana, title="First ever", time_zone="UTC")).since is None
    _held(ana, 30, "Long ago")
    private = _held(cy, 5, "Cy's alone", everyone=False)
    recent = _held(ana, 10, "Recent")
    between = _held(ana, 3, "Between", everyone=False)
    live = services.start_checkin(by=ana, title="Now", time_zone="UTC")
    for me in (ana, ben, cy):
        for checkin in CheckIn.objects.filter(polycule=ana.polycule):
            read = selectors.visible_checkin(me, checkin.public_id, with_since=True)
            if read is None:
                continue
            plain = selectors.review(me, checkin).since
            since = selectors.review(me, read).since
            assert (since, since and since.title, since and since.held_at) == (
                plain,
                plain and plain.title,
                plain and plain.held_at,
            ), (me, checkin.title)
    assert selectors.review(cy, selectors.visible_checkin(cy, live.public_id, with_since=True)).since == private  # type: ignore[arg-type]
    assert selectors.review(ana, selectors.visible_checkin(ana, live.public_id, with_since=True)).since == between  # type: ignore[arg-type]
    assert selectors.review(ben, selectors.visible_checkin(ben, live.public_id, with_since=True)).since == recent  # type: ignore[arg-type]
