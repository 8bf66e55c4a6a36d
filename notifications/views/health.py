"""/health/ for operators and their monitors: no private data, 503 when something is wrong."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import health as checks


@require_safe
@login_not_required
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    report = checks.check()
    return JsonResponse(report.as_json(), status=200 if report.status == "ok" else 503)
