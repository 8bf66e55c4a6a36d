"""The pages for requests Trellis cannot take (400, 405, 413, 404), as a person meets them in
Chromium: clear words, no policy broken, no accessibility problem."""

import re

from django.urls import reverse
from playwright.sync_api import Route, expect

from relationships.demo import DEMO_PASSWORD, seed_people
from relationships.models import Polycule
from tests.factories import InvitationFactory

from .conftest import Browser, sign_in


def _as_utf16(route: Route) -> None:
    # No browser sends a form in another charset; a misbehaving client can.
    headers = {**route.request.headers, "content-type": "application/x-www-form-urlencoded; charset=utf-16"}
    route.continue_(headers=headers)


def test_the_error_pages_say_what_happened(browse: Browser) -> None:
    ana = seed_people()["Ana"]
    polycule: Polycule = ana.polycule
    name = polycule.name
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    page = browse.page
    rename = reverse("relationships:polycule_rename", args=[polycule.public_id])

    browse.go("/nowhere/")
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn't find that page")
    browse.check("404")

    invitation = InvitationFactory.create(invited_by=ana, polycule=polycule)
    browse.go(reverse("relationships:invitation_resend", args=[polycule.public_id, invitation.public_id]))
    expect(page.get_by_role("heading", level=1)).to_have_text("That can't be done from here")
    browse.check("405")

    # A name far over the size limit, put in by script (past the field's own limit) and sent
    # as a plain form post: the whole body goes, and the answer is the page, not a reset.
    browse.go(rename)
    page.evaluate(
        """() => {
            const form = document.querySelector('form[action$="/rename/"]');
            form.querySelector('input[name="name"]').value = 'x'.repeat(3 * 1024 * 1024);
            form.submit();
        }"""
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("That was too much to send at once")
    browse.check("413")

    browse.go(rename)
    page.route(
        re.compile(r".*/rename/$"),
        lambda route: _as_utf16(route) if route.request.method == "POST" else route.continue_(),
    )
    page.evaluate("() => document.querySelector('form[action$=\"/rename/\"]').submit()")
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn't read what was sent")
    browse.check("400")
    polycule.refresh_from_db()
    assert polycule.name == name  # neither the 413 nor the 400 saved anything
