from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.http import Request
from relationships.access import member_required
from relationships.models import Membership

from ..selectors.talk import talk_page


@require_safe
@member_required
def talk(request: Request, me: Membership) -> HttpResponse:
    """Where the polycule talks: discussions, choices, what-ifs and check-ins."""
    return render(request, "conversations/talk.html", {"me": me, "page": talk_page(me)})
