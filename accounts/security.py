"""The account's security page: what happened to one's own account lately, in plain words."""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .http import Request
from .models import SecurityEvent, User

SHOWN = 20

# The ones to look at twice if they were not you.
_WATCH = frozenset({SecurityEvent.Action.LOGIN_FAILED, SecurityEvent.Action.MFA_FAILED})


@dataclass(frozen=True)
class EventRow:
    what: str
    ip: str
    at: datetime
    watch: bool

    @property
    def sentence(self) -> str:
        return f"{self.what} from {self.ip}" if self.ip else self.what


@dataclass(frozen=True)
class SecurityPage:
    events: list[EventRow]
    days: int
    shown: int = SHOWN


def security_page(user: User) -> SecurityPage:
    """The person's own latest events (never anyone else's), newest first."""
    rows = SecurityEvent.objects.filter(user=user).order_by("-at", "-id")[:SHOWN]
    events = [
        EventRow(
            what=event.get_action_display(),
            ip=event.ip or "",
            at=event.at,
            watch=event.action in _WATCH,
        )
        for event in rows
    ]
    return SecurityPage(events=events, days=settings.SECURITY_EVENT_DAYS)


@require_safe
def security_events(request: Request) -> HttpResponse:
    return render(request, "accounts/security.html", {"page": security_page(request.user)})
