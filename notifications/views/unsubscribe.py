"""One-click unsubscribe, from the link in every mail. It works signed out and without a CSRF
token, as mail clients post it (``List-Unsubscribe-Post: List-Unsubscribe=One-Click``): the
signed token names the one person and the one kind it may change, and nothing else."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .. import settings_services
from .. import unsubscribe as tokens
from ..kinds import Delivery

TOKEN_MAX = 512


@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = tokens.read(token) if len(token) <= TOKEN_MAX else None
    if found is None:
        response = render(request, "notifications/unsubscribe_unknown.html", status=404)
    else:
        user, kind = found
        context = {"kind": kind, "token": token}
        if request.method == "POST":
            settings_services.choose_delivery(user=user, kind=kind, delivery=Delivery.OFF)
            response = render(request, "notifications/unsubscribe_done.html", context)
        else:
            response = render(request, "notifications/unsubscribe.html", context)
    # The token is in the address: keep it from leaving with a link followed from here.
    response["Referrer-Policy"] = "no-referrer"
    return response
