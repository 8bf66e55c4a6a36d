"""The check-in pages: the list, planning one, a check-in in its five parts, and each addition in
place with htmx (a fragment, never a page) and as a plain post (a redirect and a message)."""

import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from conversations.models import Action, CheckIn, Reconnect, Topic, TopicNote
from conversations.services import checkins as services
from relationships.models import Membership
from tests.values.build import HTMX, assert_fragment, boundary, client, followed, old_boundary, page, proposed


def url(name: str, me: Membership, **ids: Any) -> str:
    return reverse(f"conversations:{name}", kwargs={"polycule_id": me.polycule.public_id, **ids})


def at(checkin: CheckIn) -> dict[str, Any]:
    return {"checkin_id": checkin.public_id}


def sunday(ana: Membership, days: int = 3, **kwargs: Any) -> CheckIn:
    day = timezone.now().date() + timedelta(days=days)
    options = {"title": "Sunday talk", "time_zone": "Europe/Paris", **kwargs}
    return services.plan_checkin(by=ana, day=day, at=time(19), **options)


def planned(**kwargs: str) -> dict[str, str]:
    day = (timezone.now() + timedelta(days=7)).date().isoformat()
    return {"title": "Monthly", "date": day, "time": "19:00", "time_zone": "Europe/Paris", "everyone": "1", **kwargs}


# The list


def test_the_list_shows_what_is_coming_and_what_is_past(ana: Membership, ben: Membership) -> None:
    coming = sunday(ana)
    past = services.hold_checkin(member=ana, checkin=services.start_checkin(by=ana, title="Last time", time_zone="UTC"))
    html = page(client(ben).get(url("checkin_list", ben)))
    coming_at, past_at = html.index("Coming up"), html.index("Past check-ins")
    assert coming_at < html.index(coming.get_absolute_url()) < past_at < html.index(past.get_absolute_url())
    assert "19:00</time> (Europe/Paris time)" in html
    assert "held <time" in html


def test_only_a_past_checkin_is_said_to_be_not_marked_as_held(ana: Membership, ben: Membership) -> None:
    sunday(ana, title="Coming")
    gone = sunday(ana, title="Gone by")
    CheckIn.objects.filter(pk=gone.pk).update(scheduled_for=timezone.now() - timedelta(days=3))
    html = page(client(ben).get(url("checkin_list", ben)))
    coming, past = html.split("Past check-ins")
    assert "Coming" in coming
    assert "not marked as held" not in coming
    assert "Gone by" in past
    assert "not marked as held" in past


def test_the_list_says_who_a_private_checkin_is_for(ana: Membership, ben: Membership, cy: Membership) -> None:
    sunday(ana, everyone=False, audience=[cy.public_id])
    assert "For Ana and you" in page(client(cy).get(url("checkin_list", cy)))
    assert "Sunday talk" not in page(client(ben).get(url("checkin_list", ben)))


def test_past_checkins_are_paged(ana: Membership) -> None:
    old = timezone.now() - timedelta(days=100)
    CheckIn.objects.bulk_create(
        CheckIn(polycule=ana.polycule, created_by=ana, title=f"Old {n:02}", scheduled_for=old + timedelta(days=n))
        for n in range(25)
    )
    first = page(client(ana).get(url("checkin_list", ana)))
    after = re.search(r'href="\?after=([\w-]+)"', first)
    assert after is not None
    second = page(client(ana).get(url("checkin_list", ana) + f"?after={after[1]}"))
    assert ("Old 24" in first, "Old 05" in first, "Old 04" in first) == (True, True, False)
    assert ("Old 04" in second, "Old 00" in second, "Old 24" in second, "Back to the start" in second) == (
        True,
        True,
        False,
        True,
    )
    assert "Coming up" not in second  # the coming ones head the first page only
    more = client(ana).get(url("checkin_list", ana) + f"?after={after[1]}", HTTP_HX_REQUEST="true").content.decode()
    assert ("<html" in more, "Old 04" in more, "Old 05" in more) == (False, True, False)
    assert client(ana).get(url("checkin_list", ana) + "?after=nonsense").status_code == 200
    assert client(ana).get(url("checkin_list", ana) + "?page=99999999999999999999").status_code == 200


# Planning one


def test_the_form_offers_every_time_zone_and_defaults_to_london(ana: Membership) -> None:
    html = page(client(ana).get(url("checkin_create", ana)))
    assert '<option value="Europe/London" selected>' in html
    assert html.index('value="America/New_York"') < html.index('value="Europe/Paris"') < html.index('value="UTC"')
    assert 'name="when" value="now"' in html


def test_the_form_defaults_to_the_zone_of_the_polycules_last_checkin(ana: Membership, ben: Membership) -> None:
    sunday(ana, time_zone="America/Sao_Paulo")
    assert '<option value="America/Sao_Paulo" selected>' in page(client(ben).get(url("checkin_create", ben)))


def test_planning_a_checkin_at_19_00_in_paris_shows_it_back_at_19_00(ana: Membership) -> None:
    day = datetime(2026, 7, 14, tzinfo=UTC).date()
    if day <= timezone.now().date():
        day = day.replace(year=timezone.now().year + 1)
    response = client(ana).post(url("checkin_create", ana), planned(date=day.isoformat(), when="later"))
    checkin = CheckIn.objects.get()
    assert checkin.scheduled_for == datetime(day.year, 7, 14, 17, 0, tzinfo=UTC)  # summer: UTC+2
    assert (checkin.title, checkin.time_zone, checkin.created_by, checkin.everyone) == (
        "Monthly",
        "Europe/Paris",
        ana,
        True,
    )
    html = followed(response, client(ana))
    assert f"14 July {day.year}, 19:00</time> (Europe/Paris time)" in html
    assert "Planned. Anyone can add topics." in html


def test_starting_a_checkin_now_opens_it(ana: Membership) -> None:
    response = client(ana).post(url("checkin_create", ana), {**planned(date="", time=""), "when": "now"})
    checkin = CheckIn.objects.get()
    assert response["Location"] == checkin.get_absolute_url()
    assert abs(checkin.scheduled_for - timezone.now()) < timedelta(seconds=5)
    assert "Here it is. Take your time." in followed(response, client(ana))


def test_a_checkin_for_chosen_members_is_theirs_alone(ana: Membership, ben: Membership, cy: Membership) -> None:
    data = planned(everyone="0")
    response = client(ana).post(url("checkin_create", ana), {**data, "audience": [str(ben.public_id)]})
    assert response.status_code == 302
    checkin = CheckIn.objects.get()
    assert checkin.audience() == [ana, ben]
    assert client(cy).get(checkin.get_absolute_url()).status_code == 404
    assert "For Ana and you, nobody else" in page(client(ben).get(checkin.get_absolute_url()))


# The check-in


def test_a_checkin_shows_its_five_parts_in_order(ana: Membership, ben: Membership) -> None:
    checkin = sunday(ana)
    html = page(client(ben).get(checkin.get_absolute_url()))
    parts = ["1. Review", "2. Agenda", "3. Discuss", "4. Actions", "5. Reconnect", "Mark as held"]
    positions = [html.index(part) for part in parts]
    assert positions == sorted(positions)
    for section in ("review", "agenda", "discuss", "actions", "reconnect", "checkin-body"):
        assert f'id="{section}"' in html
    assert "19:00</time> (Europe/Paris time)" in html


def test_the_review_gathers_what_waits_for_the_viewer(ana: Membership, ben: Membership) -> None:
    boundary(ana, "Tell me before sleepovers")
    old_boundary(ben, days=40, review_every_days=30, title="Phones at dinner")
    proposed(ana, "Kids first")
    before = services.hold_checkin(member=ana, checkin=services.start_checkin(by=ana, title="Before", time_zone="UTC"))
    services.agree_action(member=ana, checkin=sunday(ana, title="Earlier"), owner=ben, text="Book the cabin")
    checkin = sunday(ana, days=4, title="This one")
    html = page(client(ben).get(checkin.get_absolute_url()))
    assert "Tell me before sleepovers" in html  # Ana's new boundary, for Ben to acknowledge
    assert "Phones at dinner" in html  # Ben's own, due for review
    assert "Kids first" in html  # an open proposal
    assert "Book the cabin" in html  # carried from the earlier check-in
    assert f"since “{before.title}”" in html


def test_adding_a_topic_in_place_answers_with_the_agenda_and_opens_its_place_under_discuss(
    ana: Membership, ben: Membership
) -> None:
    checkin = sunday(ana)
    response = client(ben).post(url("topic_create", ben, **at(checkin)), {"title": "Holidays"}, **HTMX)
    assert_fragment(response, 'id="agenda"', "Holidays", "Added to the agenda.")
    html = page(response)
    assert 'id="discuss" class="checkin-part" aria-labelledby="discuss-heading" data-hx-swap-oob="true"' in html
    assert f'id="topic-{Topic.objects.get().public_id}"' in html
    assert 'id="actions"' not in html


def test_adding_a_topic_by_a_plain_post_comes_back_to_the_checkin(ana: Membership, ben: Membership) -> None:
    checkin = sunday(ana)
    response = client(ben).post(url("topic_create", ben, **at(checkin)), {"title": "Holidays"})
    assert response["Location"] == checkin.get_absolute_url()
    assert "Added to the agenda." in followed(response, client(ben))
    assert Topic.objects.get().added_by == ben


def test_a_note_in_place_answers_with_its_topic(ana: Membership, ben: Membership) -> None:
    topic = services.add_topic(member=ana, checkin=sunday(ana), title="Holidays")
    response = client(ben).post(url("note_create", ben, topic_id=topic.public_id), {"text": "August?"}, **HTMX)
    assert_fragment(response, f'id="topic-{topic.public_id}"', "August?", "You, <time")
    assert 'id="agenda"' not in page(response)
    plain = client(ana).post(url("note_create", ana, topic_id=topic.public_id), {"text": "Yes"})
    assert plain["Location"].endswith(f"#topic-{topic.public_id}")
    assert list(TopicNote.objects.values_list("text", flat=True)) == ["August?", "Yes"]


def test_an_action_in_place_answers_with_the_actions(ana: Membership, ben: Membership) -> None:
    checkin = sunday(ana)
    due = (timezone.now().date() + timedelta(days=4)).isoformat()
    data = {"text": "Book the cabin", "owner": str(ben.public_id), "due_on": due}
    response = client(ana).post(url("action_create", ana, **at(checkin)), data, **HTMX)
    assert_fragment(response, 'id="actions"', "Book the cabin", "Ben's", "It comes back at every check-in")
    action = Action.objects.get()
    assert (action.owner, action.created_by, action.due_on.isoformat() if action.due_on else None) == (ben, ana, due)


def test_its_owner_marks_an_action_done_in_place(ana: Membership, ben: Membership) -> None:
    action = services.agree_action(member=ana, checkin=sunday(ana), owner=ben, text="Book the cabin")
    mine = page(client(ben).get(action.checkin.get_absolute_url()))
    assert url("action_done", ben, action_id=action.public_id) in mine
    theirs = page(client(ana).get(action.checkin.get_absolute_url()))
    assert url("action_done", ana, action_id=action.public_id) not in theirs
    response = client(ben).post(url("action_done", ben, action_id=action.public_id), **HTMX)
    assert_fragment(response, f'id="action-{action.public_id}"', "Done <time")
    assert Action.objects.get().done_at is not None


def test_marking_a_carried_action_done_comes_back_to_the_checkin_it_was_carried_to(
    ana: Membership, ben: Membership
) -> None:
    earlier = sunday(ana, title="Earlier")
    later = sunday(ana, days=10, title="Later")
    action = services.agree_action(member=ana, checkin=earlier, owner=ben, text="Book the cabin")
    html = page(client(ben).get(later.get_absolute_url()))
    assert f'name="shown_on" value="{later.public_id}"' in html
    assert f'from <a href="{earlier.get_absolute_url()}">Earlier</a>' in html
    response = client(ben).post(url("action_done", ben, action_id=action.public_id), {"shown_on": later.public_id})
    assert response["Location"] == later.get_absolute_url()
    assert "Marked done." in followed(response, client(ben))


def test_each_says_how_they_are_and_can_change_it_in_place(ana: Membership, ben: Membership) -> None:
    checkin = sunday(ana)
    first = client(ben).post(url("reconnect", ben, **at(checkin)), {"text": "Tired but glad"}, **HTMX)
    assert_fragment(first, 'id="reconnect"', "Tired but glad", "Change what I said")
    again = client(ben).post(url("reconnect", ben, **at(checkin)), {"text": "Glad"}, **HTMX)
    assert_fragment(again, "“Glad”")
    assert list(Reconnect.objects.values_list("text", flat=True)) == ["Glad"]


def test_marking_it_held_in_place_closes_every_form(ana: Membership, ben: Membership) -> None:
    checkin = sunday(ana)
    response = client(ben).post(url("checkin_hold", ben, **at(checkin)), **HTMX)
    assert_fragment(response, 'id="checkin-body"', "marked by you", "Plan the next one")
    html = page(response)
    assert "<form" not in html
    assert CheckIn.objects.get().held_by == ben


def test_a_held_checkin_names_the_next_one_its_actions_go_to(ana: Membership, ben: Membership, cy: Membership) -> None:
    checkin = sunday(ana, days=0)
    sunday(ana, days=5, title="Just us two", everyone=False, audience=[cy.public_id])  # not for Ben
    following = sunday(ana, days=9, title="Next Sunday")
    later = sunday(ana, days=20, title="Later still")
    response = client(ben).post(url("checkin_hold", ben, **at(checkin)), **HTMX)
    link = f'<a href="{following.get_absolute_url()}">Next Sunday</a>'
    assert_fragment(response, "its open actions move on to the next check-in:", link)
    whole = page(client(ben).get(checkin.get_absolute_url()))
    assert link in whole
    for html in (page(response), whole):
        assert "Just us two" not in html
        assert "Plan the next one" not in html
        assert later.title not in html
    # Once none is coming, it offers to plan one.
    CheckIn.objects.exclude(pk=checkin.pk).delete()
    assert "Plan the next one" in page(client(ben).get(checkin.get_absolute_url()))


def test_a_held_checkin_stays_readable(ana: Membership, ben: Membership) -> None:
    checkin = sunday(ana)
    topic = services.add_topic(member=ben, checkin=checkin, title="Holidays")
    services.add_note(member=ana, topic=topic, text="August")
    services.agree_action(member=ana, checkin=checkin, owner=ben, text="Book the cabin")
    services.reconnect(member=ben, checkin=checkin, text="Lighter")
    response = client(ana).post(url("checkin_hold", ana, **at(checkin)))
    assert "Marked as held." in followed(response, client(ana))
    html = page(client(ben).get(checkin.get_absolute_url()))
    for words in ("Holidays", "August", "Book the cabin", "Lighter", "marked by Ana"):
        assert words in html
    assert "Add to the agenda" not in html
    assert "Mark as held" not in html
    assert url("action_done", ben, action_id=Action.objects.get().public_id) in html  # actions go on
