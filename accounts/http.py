from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class Request(HttpRequest):
    """What a view behind LoginRequiredMiddleware receives."""

    user: User
    htmx: HtmxDetails


class PublicRequest(HttpRequest):
    htmx: HtmxDetails
