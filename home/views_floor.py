"""The floor: the cheapest signed-in page, through the same middleware, session and base
template as every other page. ``make bench`` (bench/run.py) measures every page as a ratio to it."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.http import Request


@require_safe
def floor(request: Request) -> HttpResponse:
    return render(request, "home/floor.html")
