"""Where the polycule talks: the latest of each kind of conversation, and the full list of each,
a page at a time ("More" appends the next rows in place with htmx; a plain link without)."""

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts import paging
from accounts.http import Request
from relationships.access import member_required
from relationships.models import Membership

from ..selectors import talk as selectors
from ..selectors.talk import talk_page
from . import more


@require_safe
@member_required
def talk(request: Request, me: Membership) -> HttpResponse:
    """Where the polycule talks: discussions, choices, what-ifs and check-ins."""
    return render(request, "conversations/talk.html", {"me": me, "page": talk_page(me)})


def _listed(
    request: Request, me: Membership, rows: Callable[..., paging.Page[Any]], template: str, list_id: str
) -> HttpResponse:
    page = rows(me, after=more.cursor(request))
    context = {"me": me, "page": page, "query": more.query(request)}
    if more.wants_more(request):
        return more.rows(request, f"{template}#rows", context, page, list_id)
    return render(request, template, context)


@require_safe
@member_required
def choice_list(request: Request, me: Membership) -> HttpResponse:
    return _listed(request, me, selectors.choice_list, "conversations/choice_list.html", "choice-rows")


@require_safe
@member_required
def round_list(request: Request, me: Membership) -> HttpResponse:
    return _listed(request, me, selectors.round_list, "conversations/round_list.html", "round-rows")


@require_safe
@member_required
def discussion_list(request: Request, me: Membership) -> HttpResponse:
    return _listed(request, me, selectors.discussion_list, "conversations/discussion_list.html", "discussion-rows")
