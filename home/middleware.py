from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django_htmx.http import trigger_client_event

# The event the header's count listens for (templates/home/_needs_count.html).
CHANGED = "needs-changed"


class CountChangedMiddleware:
    """After a change made in place (an htmx POST answered with success), tells the page, so
    that the header's count asks again: an answer given in place takes its thing off the count
    at once, as a page reached by a link would."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "POST" and getattr(request, "htmx", False) and 200 <= response.status_code < 300:
            trigger_client_event(response, CHANGED)
        return response
