"""Building notifications state for tests: check-ins, actions, calendar feeds."""

from datetime import date, time, timedelta
from typing import Any

import icalendar
from django.test import Client
from django.utils import timezone

from conversations.models import Action, CheckIn
from conversations.services import checkins
from notifications import feeds
from relationships.models import Membership


def checkin(by: Membership, *, days: int = 5, title: str = "Sunday check-in", **kwargs: Any) -> CheckIn:
    day = timezone.now().date() + timedelta(days=days)
    options = {"time_zone": "Europe/Paris", "everyone": True, **kwargs}
    return checkins.plan_checkin(by=by, title=title, day=day, at=time(19, 0), **options)


def action(
    checkin: CheckIn, owner: Membership, *, text: str = "Book the cottage", due_on: date | None = None
) -> Action:
    due = due_on or timezone.now().date() + timedelta(days=10)
    return checkins.agree_action(member=checkin.created_by, checkin=checkin, owner=owner, text=text, due_on=due)


def token_for(member: Membership) -> str:
    return feeds.make_feed(membership=member)[1]


def parsed(content: bytes) -> dict[str, icalendar.Event]:
    """The feed's events by UID, as a calendar app reads them."""
    calendar = icalendar.Calendar.from_ical(content)
    return {event.uid: event for event in calendar.events}


def fetch(token: str) -> dict[str, icalendar.Event]:
    response = Client().get(f"/feeds/{token}.ics")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return parsed(response.content)
