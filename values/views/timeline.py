"""The polycule's timeline: what happened to what it holds, and who joined and left."""

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.http import Request
from relationships.access import member_required
from relationships.models import Membership

from ..models import Item
from ..timeline import KIND_LABELS, timeline
from .items import number, person_filter

MAX_PAGE = 100_000


@require_safe
@member_required
def polycule_timeline(request: Request, me: Membership) -> HttpResponse:
    group = request.GET.get("kind", "")
    group = group if group in KIND_LABELS else ""
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
        "groups": list(KIND_LABELS.items()),
        "group": group,
        "person": person,
        "item": item,
        "people": me.polycule.memberships.all(),
        "query": _without_page(request),
    }
    return render(request, "values/timeline.html", context)


def _without_page(request: Request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""
