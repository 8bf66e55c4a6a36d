"""Calendar addresses: made, changed and stopped from the settings page, one polycule at a
time; and the feed itself, opened by calendar apps without signing in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from accounts.http import Request
from relationships.access import member_required
from relationships.models import Membership
from relationships.services import RuleError

from .. import feeds
from ..forms import FeedTitlesForm


@require_POST
@member_required
def feed_create(request: Request, me: Membership) -> HttpResponse:
    """A new address (the old one, if any, stops working), shown this once: only its hash is kept."""
    feed, token = feeds.make_feed(membership=me)
    url = feeds.feed_url(token)
    context = {"me": me, "feed": feed, "url": url, "webcal": "webcal://" + url.split("://", 1)[1]}
    response = render(request, "notifications/feed_created.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
@member_required
def feed_titles(request: Request, me: Membership) -> HttpResponse:
    form = FeedTitlesForm(request.POST)
    form.is_valid()  # a checkbox: anything but "on" is off
    try:
        feed = feeds.choose_titles(membership=me, full_titles=bool(form.cleaned_data.get("full_titles")))
    except RuleError as exc:
        messages.error(request, exc.message)
    else:
        if feed.full_titles:
            messages.success(request, f"Your calendar for {me.polycule.name} now shows titles.")
        else:
            messages.success(
                request, f"Your calendar for {me.polycule.name} now says only what kind of thing each event is."
            )
    return redirect("notifications:preferences")


@require_POST
@member_required
def feed_delete(request: Request, me: Membership) -> HttpResponse:
    if feeds.stop_feed(membership=me):
        messages.success(request, f"Your calendar address for {me.polycule.name} no longer works.")
    else:
        messages.info(request, f"There was no calendar address for {me.polycule.name}.")
    return redirect("notifications:preferences")


@require_safe
@login_not_required
def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = feeds.find_feed(token)
    if found is None:
        raise Http404
    response = HttpResponse(feeds.calendar(found).to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="trellis.ics"'
    response["Referrer-Policy"] = "no-referrer"
    return response
