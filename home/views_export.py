"""A person's data, theirs to take: the export page, its JSON download (both behind
re-authentication, promise 11), and a polycule's printable "our agreements" page."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from accounts import audit
from accounts.http import Request, reauthentication_required
from relationships.access import member_required
from relationships.models import Membership

from .agreements import agreements
from .export import export


@require_safe
@reauthentication_required
def export_page(request: Request) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("polycule").order_by("joined_at", "id")
    return render(request, "home/export.html", {"memberships": memberships})


@require_safe
@reauthentication_required
def export_download(request: Request) -> HttpResponse:
    now = timezone.now()
    document = export(request.user, now)
    audit.record("export", request=request)
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    name = f"trellis-export-{timezone.localdate(now).isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    add_never_cache_headers(response)  # no-store, among others (promise 5)
    return response


@require_safe
@member_required
def agreements_print(request: Request, me: Membership) -> HttpResponse:
    return render(
        request, "home/agreements_print.html", {"me": me, "page": agreements(me), "printed_on": timezone.localdate()}
    )
