"""What is worth telling, drawn from what the apps already store: they never call here.

Each source module finds candidates (one per person and event key) in a window of time, and
says again, when a notice is about to go and when its mail is written, what it is about, or
why it no longer matters (done already, no longer visible to that person, superseded)."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from ..models import Notice
from . import choices, comments, items, members, talk
from .base import About, Candidate, Found, Gone

__all__ = ["About", "Candidate", "Found", "Gone", "about", "candidates"]

_SOURCES = (items, talk, choices, comments, members)
_BY_PREFIX = {prefix: source for source in _SOURCES for prefix in source.PREFIXES}


def candidates(since: datetime, now: datetime) -> list[Candidate]:
    """Everything worth telling someone that happened after `since` (up to `now`), or that is
    coming due now (actions, check-ins, reviews)."""
    return [candidate for source in _SOURCES for candidate in source.candidates(since, now)]


def about(notices: Sequence[Notice], now: datetime) -> dict[int, Found]:
    """What each notice is about now, by notice id; its ``membership__polycule`` is read with it."""
    by_source: dict[str, list[Notice]] = defaultdict(list)
    found: dict[int, Found] = {}
    for notice in notices:
        source = _BY_PREFIX.get(notice.key.split(":")[0])
        if source is None:
            found[notice.pk] = Gone("unknown")
        else:
            by_source[source.__name__].append(notice)
    for source in _SOURCES:
        if by_source[source.__name__]:
            found |= source.about(by_source[source.__name__], now)
    return found
