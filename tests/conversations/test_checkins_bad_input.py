"""What a person should never be able to send to a check-in: bad input gets a clear message and a
4xx (422 for what to correct, 409 for too late or already done, 403 for what isn't theirs, 404 for
what they may not see), never a 500, and nothing is saved, half or whole."""

from datetime import time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conversations.models import Action, CheckIn, CheckInAudience, Reconnect, Topic, TopicNote
from conversations.services import checkins as services
from relationships.models import Membership
from tests.values.build import HTMX, client, page

MODELS = (CheckIn, CheckInAudience, Topic, TopicNote, Action, Reconnect)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def url(name: str, me: Membership, **ids: Any) -> str:
    return reverse(f"conversations:{name}", kwargs={"polycule_id": me.polycule.public_id, **ids})


def at(checkin: CheckIn) -> dict[str, Any]:
    return {"checkin_id": checkin.public_id}


def sunday(ana: Membership, **kwargs: Any) -> CheckIn:
    day = timezone.now().date() + timedelta(days=3)
    return services.plan_checkin(by=ana, title="Sunday", day=day, at=time(19), time_zone="Europe/Paris", **kwargs)


def planned(**kwargs: Any) -> dict[str, Any]:
    day = (timezone.now() + timedelta(days=7)).date().isoformat()
    return {"title": "Monthly", "date": day, "time": "19:00", "time_zone": "Europe/Paris", "everyone": "1", **kwargs}


def refused(response: Any, status: int, *words: str) -> str:
    assert response.status_code == status, (response.status_code, page(response)[:300])
    html = page(response)
    for text in words:
        assert text in html, text
    return html


# Planning


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Give the check-in a name."),
        ({"title": "   "}, "Give the check-in a name."),
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"time_zone": "Mars/Olympus_Mons"}, "a time zone we know"),
        ({"time_zone": ""}, "This field is required."),
        ({"date": "2001-01-01"}, "That day has already passed."),
        ({"date": "2026-02-30"}, "Enter a real day."),
        ({"date": "99999-01-01"}, "Enter a real day."),
        ({"date": "9999-12-31", "time": "23:59"}, "within the next two years"),
        ({"date": ""}, "Choose a day, or start it now."),
        ({"time": "25:00"}, "Enter a time, like 19:00."),
        ({"time": ""}, "Choose a time, or start it now."),
        ({"everyone": "0"}, "Choose at least one person, or make it for everyone."),
        ({"everyone": "maybe"}, "Select a valid choice."),
        ({"when": "yesterday"}, "Press “Plan it” or “Start it now”."),
    ],
)
def test_planning_with_bad_input_says_what_to_correct_and_saves_nothing(
    ana: Membership, data: dict[str, str], message: str
) -> None:
    refused(client(ana).post(url("checkin_create", ana), planned(**data)), 422, message)
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_time_the_clocks_skip_is_refused_next_to_the_time(ana: Membership) -> None:
    today = timezone.now().date()
    # The last Sunday of March after today: the clocks go forward in Paris at 2:00 that night.
    day = next(
        d
        for d in (today + timedelta(days=n) for n in range(400))
        if d.month == 3 and d.weekday() == 6 and (d + timedelta(days=7)).month == 4
    )
    response = client(ana).post(url("checkin_create", ana), planned(date=day.isoformat(), time="02:30"))
    html = refused(response, 422, "The clocks go forward that night in Europe/Paris")
    assert html.index('id="id_time_error"') < html.index('id="id_time_zone"')
    assert not CheckIn.objects.exists()


def test_an_empty_post_is_refused_not_shown_a_blank_form(ana: Membership) -> None:
    refused(client(ana).post(url("checkin_create", ana), {}), 422, "Give the check-in a name.")
    assert not CheckIn.objects.exists()


def test_choosing_someone_from_another_polycule_is_refused(ana: Membership, ben: Membership, zed: Membership) -> None:
    data = planned(everyone="0", audience=[str(ben.public_id), str(zed.public_id)])
    refused(client(ana).post(url("checkin_create", ana), data), 422, "Select a valid choice.")
    assert counts() == dict.fromkeys(counts(), 0)


def test_forged_fields_do_not_change_who_planned_it_or_where(ana: Membership, ben: Membership, zed: Membership) -> None:
    forged = {"created_by": ben.pk, "polycule": zed.polycule.pk, "polycule_id": zed.polycule.public_id, "held_at": "x"}
    assert client(ana).post(url("checkin_create", ana), planned(**forged)).status_code == 302
    checkin = CheckIn.objects.get()
    assert (checkin.created_by, checkin.polycule, checkin.held_at) == (ana, ana.polycule, None)


def test_planning_the_same_checkin_twice_is_a_conflict(ana: Membership) -> None:
    assert client(ana).post(url("checkin_create", ana), planned()).status_code == 302
    refused(client(ana).post(url("checkin_create", ana), planned()), 409, "You&#x27;ve already planned “Monthly”")
    assert CheckIn.objects.count() == 1


# Adding to a check-in


def test_an_empty_or_oversized_topic_note_action_or_line_is_refused(ana: Membership, ben: Membership) -> None:
    checkin = sunday(ana)
    topic = services.add_topic(member=ana, checkin=checkin, title="Money")
    before = counts()
    owner = str(ben.public_id)
    tries = [
        ("topic_create", at(checkin), {"title": ""}, "Give the topic a few words."),
        ("topic_create", at(checkin), {"title": "x" * 201}, "at most 200 characters"),
        ("note_create", {"topic_id": topic.public_id}, {"text": " "}, "Write a few words for the note."),
        ("note_create", {"topic_id": topic.public_id}, {"text": "x" * 2001}, "at most 2000 characters"),
        ("action_create", at(checkin), {"text": "", "owner": owner}, "Say what will be done."),
        ("action_create", at(checkin), {"text": "x" * 501, "owner": owner}, "at most 500 characters"),
        ("action_create", at(checkin), {"text": "Call", "owner": owner, "due_on": "2026-13-01"}, "Enter a real day."),
        ("action_create", at(checkin), {"text": "Call", "owner": owner, "due_on": "2001-01-01"}, "already passed"),
        ("action_create", at(checkin), {"text": "Call"}, "Choose who takes it on."),
        ("reconnect", at(checkin), {"text": ""}, "Say a few words about how you are."),
        ("reconnect", at(checkin), {"text": "x" * 1001}, "at most 1000 characters"),
    ]
    for name, ids, data, message in tries:
        for extra in ({}, HTMX):
            response = client(ben).post(url(name, ben, **ids), data, **extra)
            html = refused(response, 422, message)
            assert ("<html" in html) == (not extra), name
    assert counts() == before


def test_an_action_owner_from_another_polycule_or_outside_the_checkin_is_refused(
    ana: Membership, ben: Membership, cy: Membership, zed: Membership
) -> None:
    checkin = sunday(ana, everyone=False, audience=[ben.public_id])
    for outsider in (zed, cy):
        data = {"text": "Call the landlord", "owner": str(outsider.public_id)}
        refused(client(ana).post(url("action_create", ana, **at(checkin)), data, **HTMX), 422, "Choose someone")
    assert not Action.objects.exists()


def test_marking_someone_elses_action_done_is_refused(ana: Membership, ben: Membership) -> None:
    action = services.agree_action(member=ana, checkin=sunday(ana), owner=ben, text="Call the landlord")
    for extra in ({}, HTMX):
        response = client(ana).post(url("action_done", ana, action_id=action.public_id), **extra)
        refused(response, 403, "This one is Ben&#x27;s to mark done.")
    assert Action.objects.get().done_at is None


@pytest.mark.parametrize("htmx", [False, True])
def test_adding_to_a_held_checkin_is_refused(ana: Membership, ben: Membership, htmx: bool) -> None:
    checkin = sunday(ana)
    topic = services.add_topic(member=ana, checkin=checkin, title="Money")
    services.hold_checkin(member=ana, checkin=checkin)
    before = counts()
    extra = HTMX if htmx else {}
    tries = [
        ("topic_create", at(checkin), {"title": "Too late"}),
        ("note_create", {"topic_id": topic.public_id}, {"text": "Too late"}),
        ("action_create", at(checkin), {"text": "Too late", "owner": str(ben.public_id)}),
        ("reconnect", at(checkin), {"text": "Too late"}),
    ]
    for name, ids, data in tries:
        refused(client(ben).post(url(name, ben, **ids), data, **extra), 409, "has been held")
    refused(client(ben).post(url("checkin_hold", ben, **at(checkin)), **extra), 409, "already marked as held")
    assert counts() == before
    assert CheckIn.objects.get().held_by == ana


@pytest.mark.parametrize("htmx", [False, True])
def test_a_double_submit_saves_once_and_says_so(ana: Membership, ben: Membership, htmx: bool) -> None:
    checkin = sunday(ana)
    extra = HTMX if htmx else {}
    who = client(ben)
    assert who.post(url("topic_create", ben, **at(checkin)), {"title": "Money"}, **extra).status_code < 400
    refused(
        who.post(url("topic_create", ben, **at(checkin)), {"title": "Money"}, **extra), 409, "already on the agenda"
    )
    topic = Topic.objects.get()
    note = url("note_create", ben, topic_id=topic.public_id)
    assert who.post(note, {"text": "Split it"}, **extra).status_code < 400
    refused(who.post(note, {"text": "Split it"}, **extra), 409, "already added this note")
    action = {"text": "Call", "owner": str(ben.public_id)}
    assert who.post(url("action_create", ben, **at(checkin)), action, **extra).status_code < 400
    refused(who.post(url("action_create", ben, **at(checkin)), action, **extra), 409, "already on the list")
    done = url("action_done", ben, action_id=Action.objects.get().public_id)
    assert who.post(done, **extra).status_code < 400
    refused(who.post(done, **extra), 409, "already marked done")
    # Saying the same words twice about how one is changes nothing, and is no error.
    assert who.post(url("reconnect", ben, **at(checkin)), {"text": "Fine"}, **extra).status_code < 400
    assert who.post(url("reconnect", ben, **at(checkin)), {"text": "Fine"}, **extra).status_code < 400
    assert who.post(url("checkin_hold", ben, **at(checkin)), **extra).status_code < 400
    refused(who.post(url("checkin_hold", ben, **at(checkin)), **extra), 409, "already marked as held")
    assert (Topic.objects.count(), TopicNote.objects.count(), Action.objects.count(), Reconnect.objects.count()) == (
        1,
        1,
        1,
        1,
    )


def test_forged_ids_of_a_checkin_someone_may_not_see_are_404(
    ana: Membership, ben: Membership, cy: Membership, zed: Membership
) -> None:
    private = sunday(ana, everyone=False, audience=[ben.public_id])
    topic = services.add_topic(member=ben, checkin=private, title="Ours")
    action = services.agree_action(member=ana, checkin=private, owner=ana, text="Ours")
    theirs = services.start_checkin(by=zed, title="Theirs", time_zone="UTC")
    before = counts()
    for name, ids in [
        ("checkin_detail", at(private)),
        ("topic_create", at(private)),
        ("note_create", {"topic_id": topic.public_id}),
        ("action_create", at(private)),
        ("action_done", {"action_id": action.public_id}),
        ("reconnect", at(private)),
        ("checkin_hold", at(private)),
    ]:
        send = client(cy).get if name == "checkin_detail" else client(cy).post
        assert send(url(name, cy, **ids), {"title": "x", "text": "x"}).status_code == 404, name
    # Another polycule's check-in, through Ana's polycule's address, is no more found.
    assert client(ana).get(url("checkin_detail", ana, **at(theirs))).status_code == 404
    assert client(ana).post(url("topic_create", ana, **at(theirs)), {"title": "x"}).status_code == 404
    assert counts() == before
