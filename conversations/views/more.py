"""The "More" link's answer (accounts/paging.py, templates/_more.html): an htmx request that
carries a cursor gets the next rows alone, and the link again, out of band, for the page after."""

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string

from accounts import paging
from accounts.http import Request


def wants_more(request: Request) -> bool:
    """An htmx request for the rows after a cursor, from a page's "More" link."""
    return bool(request.htmx and request.GET.get("after"))


def cursor(request: Request) -> str:
    return request.GET.get("after", "")


def query(request: Request) -> str:
    """The page's query string without its cursor, for _more.html."""
    return paging.query_without_cursor(request.GET)


def rows(
    request: Request, template: str, context: dict[str, Any], page: paging.Page[Any], list_id: str
) -> HttpResponse:
    """``template`` (a partial holding only the rows) and the "More" link, out of band."""
    more = {"page": page, "list_id": list_id, "query": query(request), "oob": True}
    return HttpResponse(render_to_string(template, context, request) + render_to_string("_more.html", more, request))
