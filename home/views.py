from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.http import Request
from relationships.access import member_required
from relationships.models import Membership

from . import selectors


@require_safe
def dashboard(request: Request) -> HttpResponse:
    """What needs the person, in every polycule they are in."""
    return render(request, "home/dashboard.html", {"polycules": selectors.dashboard(request.user)})


@require_safe
@member_required
def onboarding(request: Request, me: Membership) -> HttpResponse:
    return render(request, "home/onboarding.html", {"me": me, "welcome": selectors.welcome(me)})
