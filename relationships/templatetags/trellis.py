from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def when(value: datetime | None) -> SafeString | str:
    """A time as people say it ("3 days ago"), with the exact time on hover."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        # HTML allows at most three digits of a second's fraction: whole seconds say enough.
        local.isoformat(timespec="seconds"),
        date_format(local, "DATETIME_FORMAT"),
        _roughly(naturaltime(value)),
    )


@register.filter
def iso(value: datetime | None) -> str:
    """A time for ``<time datetime>``: HTML allows at most three digits of a second's fraction."""
    return "" if value is None else value.isoformat(timespec="seconds")


@register.filter
def changed(pieces: list[object]) -> bool:
    """Whether a word diff (values.diff) adds or removes anything."""
    return any(getattr(piece, "op", "same") != "same" for piece in pieces)


def _roughly(phrase: str) -> str:
    """ "3 months, 4 weeks ago" reads better as "3 months ago"."""
    if phrase == "now":
        return "just now"
    head, sep, tail = phrase.partition(", ")
    if not sep:
        return phrase
    return head + (" ago" if tail.endswith("ago") else " from now")
