"""Looking is part of the tests: every page on a phone (360 px) and a desktop (1280 px),
light and dark. Nothing may scroll sideways, axe-core finds nothing, and the screenshots
are kept in test-artifacts/looking/ for a person to look at.

To stay quick on a small CI machine, every page is seen twice (phone in light, desktop in
dark) and the four pages people live on are seen in the other two combinations as well."""

from typing import Any, Literal

import pytest
from django.urls import reverse
from playwright.sync_api import Page, ViewportSize, expect

from conversations.demo import seed_conversations
from relationships.demo import DEMO_PASSWORD, seed_people
from relationships.models import Membership
from values.demo import seed_values

from .conftest import Browser, sign_in
from .test_every_page import _pages, _talk_pages

Scheme = Literal["light", "dark"]
PHONE: ViewportSize = {"width": 360, "height": 780}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
MAIN_FOUR = ("dashboard", "boundary", "open proposal", "timeline")


@pytest.fixture
def looking(page: Page, live_server: Any, csp_violations: list[str]) -> Browser:
    page.set_default_timeout(20_000)
    return Browser(page, live_server.url, "looking")


def wider_than_the_screen(page: Page) -> list[str]:
    """The elements that reach past the right edge, if the page scrolls sideways."""
    found: list[str] = page.evaluate(
        """() => {
            const width = window.innerWidth;
            if (document.documentElement.scrollWidth <= width) { return []; }
            return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 0.5)
                .slice(0, 5)
                .map(e => {
                    const classes = String(e.getAttribute('class') || '').split(/\\s+/).filter(Boolean);
                    const name = [e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''), ...classes].join('.');
                    return name + ' ' + Math.round(e.getBoundingClientRect().right) + 'px';
                });
        }"""
    )
    return found


def look(person: Browser, pages: list[tuple[str, str]], size: ViewportSize, scheme: Scheme) -> list[str]:
    person.page.set_viewport_size(size)
    person.page.emulate_media(color_scheme=scheme)
    problems = []
    for label, url in pages:
        person.go(url)
        expect(person.page.locator("main h1")).to_be_visible()
        person.check(f"{size['width']} {scheme} {label}")
        overflow = wider_than_the_screen(person.page)
        if overflow:
            problems.append(f"{label} at {size['width']} px scrolls sideways: {overflow}")
    return problems


def test_every_page_fits_a_phone_and_a_desktop_in_light_and_dark(looking: Browser) -> None:
    people: dict[str, Membership] = seed_people()
    seed_values(people)
    seed_conversations(people)
    signed_out = [
        ("landing", "/"),
        ("sign in", reverse("account_login")),
        ("sign up", reverse("account_signup")),
        ("password reset", reverse("account_reset_password")),
    ]
    problems = look(looking, signed_out, PHONE, "light") + look(looking, signed_out, DESKTOP, "dark")

    sign_in(looking, "ana@example.com", DEMO_PASSWORD)
    every = _pages(people["Ana"], people["Ben"]) + _talk_pages(people["Ana"])
    main_four = [(label, url) for label, url in every if label in MAIN_FOUR]
    assert len(main_four) == len(MAIN_FOUR)
    problems += look(looking, every, PHONE, "light")
    problems += look(looking, every, DESKTOP, "dark")
    problems += look(looking, main_four, PHONE, "dark")
    problems += look(looking, main_four, DESKTOP, "light")
    assert not problems, "\n".join(problems)


def test_a_message_sits_under_the_section_menu(browse: Browser) -> None:
    people: dict[str, Membership] = seed_people()
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    browse.page.set_viewport_size(PHONE)
    browse.go(reverse("relationships:membership_edit", args=[people["Ana"].polycule.public_id]))
    browse.page.get_by_role("button", name="Save").click()
    message = browse.page.get_by_role("status").filter(has_text="Saved.")
    expect(message).to_be_visible()
    expect(message).to_have_count(1)
    # The header's count arrives just after the page: let it, before looking.
    expect(browse.page.locator("#needs-count[data-hx-get]")).to_have_count(0)
    menu = browse.page.locator("nav.subnav").bounding_box()
    below = message.bounding_box()
    assert menu is not None
    assert below is not None
    assert below["y"] >= menu["y"] + menu["height"]
    browse.check("360 light a message under the menu")


def test_the_two_factor_forms_fit_a_phone_and_a_desktop(
    page: Page, live_server: Any, csp_violations: list[str]
) -> None:
    """Setting up an authenticator app or a passkey asks to confirm it is you first; then the
    forms themselves, looked at like every other page (their screenshots in a folder of their own)."""
    looking = Browser(page, live_server.url, "looking-two-factor")
    seed_people()
    sign_in(looking, "ana@example.com", DEMO_PASSWORD)
    looking.go(reverse("mfa_activate_totp"))
    expect(looking.page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    looking.page.get_by_label("Password").fill(DEMO_PASSWORD)
    looking.page.get_by_role("button", name="Confirm").click()
    expect(looking.page).to_have_url(looking.base_url + reverse("mfa_activate_totp"))
    forms = [("authenticator app", reverse("mfa_activate_totp")), ("add a passkey", reverse("mfa_add_webauthn"))]
    problems = look(looking, forms, PHONE, "light") + look(looking, forms, DESKTOP, "dark")
    assert not problems, "\n".join(problems)
    expect(looking.page.get_by_role("heading", level=1)).not_to_have_text("Confirm it is you")
