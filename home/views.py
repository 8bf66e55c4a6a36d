from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts import paging
from accounts.http import Request
from relationships.access import member_required
from relationships.models import Membership
from values.models import Item

from . import selectors
from .timeline import GROUPS, timeline


@require_safe
def dashboard(request: Request) -> HttpResponse:
    """What needs the person, in every polycule they are in."""
    dashboard = selectors.dashboard(request.user, timezone.localdate())
    # The header's count is the dashboard's own sum here: no second request asks for it.
    context = {"dashboard": dashboard, "polycules": dashboard.polycules, "needs_count": dashboard.count}
    return render(request, "home/dashboard.html", context)


@require_safe
def needs_count(request: Request) -> HttpResponse:
    """The header's small count of what needs the person, fetched after the page (hx-trigger
    "load") so that no page pays for the dashboard's queries. Derived, never a read receipt."""
    return render(request, "home/_needs_count.html", {"count": selectors.needs_count(request.user)})


@require_safe
@member_required
def onboarding(request: Request, me: Membership) -> HttpResponse:
    welcome = selectors.welcome(me, after=request.GET.get("after", ""))
    context = {"me": me, "welcome": welcome, "page": welcome.items, "query": paging.query_without_cursor(request.GET)}
    if request.htmx and request.GET.get("after"):
        return render(request, "home/onboarding.html#more-cards", {**context, "oob": True})
    return render(request, "home/onboarding.html", context)


@require_safe
@member_required
def polycule_timeline(request: Request, me: Membership) -> HttpResponse:
    group = request.GET.get("kind", "")
    group = group if group in GROUPS else ""
    people = list(me.polycule.memberships.all())
    person = next((m for m in people if str(m.public_id) == request.GET.get("person")), None)
    item = _visible_item(me, request.GET.get("item", ""))
    # An old link's ?page= is ignored: pages are found by their cursor, ``after``.
    page = timeline(me, after=request.GET.get("after", ""), group=group, person=person, item=item, people=people)
    context = {"me": me, "page": page, "query": _without_cursor(request)}
    if request.htmx and request.GET.get("after"):
        # "More": the next lines, added to the list in place.
        return render(request, "home/timeline.html#timeline-rows", {**context, "oob": True})
    context |= {"groups": list(GROUPS.items()), "group": group, "person": person, "item": item, "people": people}
    return render(request, "home/timeline.html", context)


def _visible_item(me: Membership, public_id: str) -> Item | None:
    try:
        return Item.objects.visible_to(me).filter(public_id=UUID(public_id)).first() if public_id else None
    except ValueError:
        return None


def _without_cursor(request: Request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return paging.query_without_cursor(query)
