from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.http import Request
from relationships.access import member_required
from relationships.models import Membership
from values.models import Item
from values.views.items import number, person_filter

from . import selectors
from .timeline import GROUPS, timeline

MAX_PAGE = 100_000


@require_safe
def dashboard(request: Request) -> HttpResponse:
    """What needs the person, in every polycule they are in."""
    dashboard = selectors.dashboard(request.user, timezone.localdate())
    return render(request, "home/dashboard.html", {"dashboard": dashboard, "polycules": dashboard.polycules})


@require_safe
def needs_count(request: Request) -> HttpResponse:
    """The header's small count of what needs the person, fetched after the page (hx-trigger
    "load") so that no page pays for the dashboard's queries. Derived, never a read receipt."""
    dashboard = selectors.dashboard(request.user, timezone.localdate())
    count = sum(polycule.count for polycule in dashboard.polycules)
    return render(request, "home/_needs_count.html", {"count": count})


@require_safe
@member_required
def onboarding(request: Request, me: Membership) -> HttpResponse:
    return render(request, "home/onboarding.html", {"me": me, "welcome": selectors.welcome(me)})


@require_safe
@member_required
def polycule_timeline(request: Request, me: Membership) -> HttpResponse:
    group = request.GET.get("kind", "")
    group = group if group in GROUPS else ""
    person_id = person_filter(me, request.GET.get("person", ""))
    person = me.polycule.memberships.filter(public_id=person_id).first() if person_id else None
    item = None
    if request.GET.get("item"):
        try:
            item = Item.objects.visible_to(me).filter(public_id=UUID(request.GET["item"])).first()
        except ValueError:
            item = None
    # Clamped: a huge page number would overflow the database's OFFSET.
    page = min(max(number(request.GET.get("page"), default=1), 1), MAX_PAGE)
    lines, has_next = timeline(me, page=page, group=group, person=person, item=item)
    context = {
        "me": me,
        "lines": lines,
        "page": page,
        "has_next": has_next,
        "groups": list(GROUPS.items()),
        "group": group,
        "person": person,
        "item": item,
        "people": me.polycule.memberships.all(),
        "query": _without_page(request),
    }
    return render(request, "home/timeline.html", context)


def _without_page(request: Request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""
