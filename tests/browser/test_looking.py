"""Looking is part of the tests: every page on a phone (360 px) and a desktop (1280 px),
light and dark. Nothing may scroll sideways, axe-core finds nothing, and the screenshots
are kept in test-artifacts/looking/ for a person to look at.

To stay quick on a small CI machine, every page is seen twice (phone in light, desktop in
dark) and the four pages people live on are seen in the other two combinations as well.
Pages reached only by sending a form (an error, a calendar address just made) are reached
the same way each time, by a step instead of an address. Someone who signs in with a second
step and is in no polycule yet has a folder of their own (looking-two-factor-sign-in/).

Not looked at: what is not a page (a download, a calendar feed, the header's count), and the
ways a real security key alone can reach (signing in or confirming with a passkey), and
choosing a first password (only for an account without one, which signing up never makes)."""

import re
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, Route, ViewportSize, expect

from accounts.models import User
from conversations.demo import seed_conversations
from conversations.models import Draft, JournalEntry
from notifications import unsubscribe
from notifications.kinds import Kind as MailKind
from relationships.demo import DEMO_PASSWORD, seed_people
from relationships.models import Membership
from tests.factories import InvitationFactory, UserFactory, token
from values import services
from values.demo import seed_values
from values.models import Item, Kind

from .conftest import Browser, sign_in
from .test_every_page import _pages, _talk_pages

Scheme = Literal["light", "dark"]
# A page is reached at its address, or by a step (filling and sending a form) that ends on it.
Step = Callable[[Browser], None]
Visit = tuple[str, str | Step]
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


def look(
    person: Browser, pages: Sequence[Visit], size: ViewportSize, scheme: Scheme, password: str = DEMO_PASSWORD
) -> list[str]:
    person.page.set_viewport_size(size)
    person.page.emulate_media(color_scheme=scheme)
    problems = []
    for label, where in pages:
        if isinstance(where, str):
            person.go(where)
            confirm_it_is_you(person, where, password)
        else:
            where(person)
        expect(person.page.locator("main h1")).to_be_visible()
        person.check(f"{size['width']} {scheme} {label}")
        overflow = wider_than_the_screen(person.page)
        if overflow:
            problems.append(f"{label} at {size['width']} px scrolls sideways: {overflow}")
    return problems


def confirm_it_is_you(person: Browser, where: str, password: str) -> None:
    """A page that asks for the password again (account deletion, export, leaving) sends the
    session there first, when its last confirmation is older than allauth's time-out: confirm,
    and the page itself follows."""
    asking = reverse("account_reauthenticate")
    if urlsplit(person.page.url).path != asking or urlsplit(where).path == asking:
        return
    person.page.get_by_label("Password").fill(password)
    person.page.get_by_role("button", name="Confirm").click()
    expect(person.page).not_to_have_url(re.compile(re.escape(asking)))
    person.go(where)


def _send_sign_in_form(person: Browser, script: str) -> None:
    """Sends the sign-in form after ``script`` (given the form) has changed it, as no browser
    would on its own: the way to the pages for requests Trellis cannot take."""
    person.go(reverse("account_login"))
    with person.page.expect_navigation():
        person.page.evaluate(
            f"() => {{ const form = document.querySelector('main form[method=\"post\"]'); {script}; form.submit(); }}"
        )


def _forged(person: Browser) -> None:
    """A form sent with a token that is not this session's: the CSRF refusal."""
    _send_sign_in_form(person, "form.querySelector('[name=csrfmiddlewaretoken]').value = 'x'.repeat(64)")
    expect(person.page.get_by_role("heading", level=1)).to_have_text("That isn't possible here")


def _too_large(person: Browser) -> None:
    _send_sign_in_form(person, "form.querySelector('[name=login]').value = 'x'.repeat(3 * 1024 * 1024)")
    expect(person.page.get_by_role("heading", level=1)).to_have_text("That was too much to send at once")


def _unreadable(person: Browser) -> None:
    """A body in a charset other than UTF-8, which no browser sends but a misbehaving client can."""

    def as_utf16(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        headers = {**route.request.headers, "content-type": "application/x-www-form-urlencoded; charset=utf-16"}
        route.continue_(headers=headers)

    pattern = re.compile(re.escape(reverse("account_login")) + "$")
    person.page.route(pattern, as_utf16)
    try:
        _send_sign_in_form(person, "")
    finally:
        person.page.unroute(pattern, as_utf16)
    expect(person.page.get_by_role("heading", level=1)).to_have_text("We couldn't read what was sent")


def _server_error(person: Browser) -> None:
    """The 500 page cannot be asked for; it is served as Django would serve it, to be looked at."""
    address = person.base_url + "/looking-at-the-500-page/"
    html = render_to_string("500.html")
    person.page.route(address, lambda route: route.fulfill(status=500, body=html, content_type="text/html"))
    try:
        person.page.goto(address)
    finally:
        person.page.unroute(address)


def _calendar_address(person: Browser) -> None:
    """The calendar address, shown the once it is made (the answer to a form, never at an address)."""
    person.go(reverse("notifications:preferences"))
    person.page.get_by_role("button", name=re.compile("^Make a (calendar|new) address")).first.click()
    expect(person.page.get_by_role("heading", level=1)).to_contain_text("Your calendar address")


def _code_sent(person: Browser) -> None:
    """Confirming it is you by a code sent by mail: the page that asks for it."""
    person.go(reverse("account_request_reauthentication_code"))
    person.page.get_by_role("button", name="Send me a code").click()
    expect(person.page).to_have_url(re.compile(re.escape(reverse("account_confirm_reauthentication_code"))))


def _unsubscribed(link: str) -> Step:
    def step(person: Browser) -> None:
        person.go(link)
        person.page.get_by_role("button", name="Stop these mails").click()
        expect(person.page.get_by_role("heading", level=1)).to_have_text("Done: no more of these mails")

    return step


def _stale_edit(owner: Membership, boundary: Item) -> Step:
    """The page a change meets when someone changed the same thing meanwhile, in another tab."""

    def step(person: Browser) -> None:
        person.go(reverse("values:boundary_edit", args=[owner.polycule.public_id, boundary.public_id]))
        person.page.get_by_label("In your own words").fill("A day's notice, please, and two for a weekend.")
        boundary.refresh_from_db()
        assert boundary.current_version is not None
        services.revise_boundary(
            owner=owner,
            item=boundary,
            base_number=boundary.current_version.number,
            title=boundary.current_version.title,
            text=f"Changed in another tab meanwhile (version {boundary.current_version.number + 1}).",
            why="To see both texts side by side.",
        )
        person.page.get_by_role("button", name="Save as a new version").click()
        expect(person.page.get_by_role("heading", level=1)).to_have_text("Someone changed it while you were writing")

    return step


def _signed_out_pages(people: dict[str, Membership]) -> list[Visit]:
    """The pages before signing in: the account's ways in and back, an invitation's link in
    each of its states, a mail's unsubscribe link, and the pages for what Trellis cannot do."""
    ana = people["Ana"]
    polycule = ana.polycule
    noor = UserFactory.create(email="noor@example.com", name="Noor", verified=False)
    address = EmailAddress.objects.create(user=noor, email=noor.email, verified=False, primary=True)
    key = default_token_generator.make_token(ana.user)
    reset = reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(ana.user), "key": key})
    now = timezone.now()
    waiting = InvitationFactory.create(invited_by=ana, polycule=polycule, note="Come and see what we keep together.")
    expired = InvitationFactory.create(invited_by=ana, polycule=polycule, expires_at=now - timedelta(days=1))
    used = InvitationFactory.create(
        invited_by=ana, polycule=polycule, accepted_at=now, accepted_membership=people["Cy"]
    )
    revoked = InvitationFactory.create(invited_by=ana, polycule=polycule, revoked_at=now)
    link = reverse("notifications:unsubscribe", args=[unsubscribe.token_for(people["Ben"].user, MailKind.VERSION)])
    invitation = "relationships:invitation_open"
    return [
        ("landing", "/"),
        ("sign in", reverse("account_login")),
        ("sign up", reverse("account_signup")),
        ("password reset", reverse("account_reset_password")),
        ("password reset sent", reverse("account_reset_password_done")),
        ("new password from the mail", reset),
        ("new password set", reverse("account_reset_password_from_key_done")),
        ("verification sent", reverse("account_email_verification_sent")),
        ("confirm the address", reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])),
        ("confirm link that does not work", reverse("account_confirm_email", args=["nonsense"])),
        ("account inactive", reverse("account_inactive")),
        ("invitation", reverse(invitation, args=[token(waiting)])),
        ("invitation expired", reverse(invitation, args=[token(expired)])),
        ("invitation used", reverse(invitation, args=[token(used)])),
        ("invitation withdrawn", reverse(invitation, args=[token(revoked)])),
        ("invitation link that does not work", reverse(invitation, args=["x" * 64])),
        ("unsubscribe", link),
        ("unsubscribed", _unsubscribed(link)),
        ("unsubscribe link that does not work", reverse("notifications:unsubscribe", args=["not-a-real-link"])),
        ("not found", "/nowhere/"),
        ("forged form", _forged),
        ("unreadable form", _unreadable),
        ("too much to send", _too_large),
        ("server error", _server_error),
    ]


def _more_signed_in_pages(people: dict[str, Membership]) -> list[Visit]:
    """Ana's pages that test_every_page does not list: her account's settings and data, the
    printable page, a change suggested on someone else's boundary, an invitation for her."""
    ana = people["Ana"]
    pid = ana.polycule.public_id
    theirs = Item.objects.visible_to(ana).filter(kind=Kind.BOUNDARY).exclude(owner=ana).first()
    assert theirs is not None
    elsewhere = InvitationFactory.create(
        email=ana.user.email,
        note="We'd love you to see ours.",
        invited_by__display_name="Mira",
        invited_by__polycule__name="The Lighthouse",
    )
    entry = JournalEntry.objects.filter(author=ana.user).first()
    assert entry is not None
    sent = Draft.objects.create(
        author=ana.user,
        entry=entry,
        membership=ana,
        kind=Draft.Kind.BOUNDARY,
        data={
            "title": "Notice",
            "text": "A message before, please.",
            "why": "",
            "category": "communication",
            "everyone": True,
            "audience": [],
            "review_every_days": None,
        },
        sent_at=timezone.now(),
    )
    return [
        ("suggest a change", reverse("values:suggestion_create", args=[pid, theirs.public_id])),
        ("our agreements, to print", reverse("home:agreements_print", args=[pid])),
        ("leave the polycule", reverse("relationships:polycule_leave", args=[pid])),
        ("an invitation for someone signed in", reverse("relationships:invitation_open", args=[token(elsewhere)])),
        ("a draft already sent", reverse("conversations:draft_edit", args=[sent.public_id])),
        ("mail and calendars", reverse("notifications:preferences")),
        ("calendar address made", _calendar_address),
        ("recent activity", reverse("accounts:security")),
        ("a code instead of the password", reverse("account_request_reauthentication_code")),
        ("the code sent", _code_sent),
        ("your data", reverse("home:export")),
        ("delete your account", reverse("home:account_delete")),
        ("sign out", reverse("account_logout")),
        ("not allowed", reverse("relationships:invitation_resend", args=[pid, elsewhere.public_id])),
    ]


def test_every_page_fits_a_phone_and_a_desktop_in_light_and_dark(looking: Browser) -> None:
    people: dict[str, Membership] = seed_people()
    seed_values(people)
    seed_conversations(people)
    signed_out = _signed_out_pages(people)
    problems = look(looking, signed_out, PHONE, "light") + look(looking, signed_out, DESKTOP, "dark")

    looking.page.context.clear_cookies()
    sign_in(looking, "ana@example.com", DEMO_PASSWORD)
    every = _pages(people["Ana"], people["Ben"]) + _talk_pages(people["Ana"]) + _more_signed_in_pages(people)
    main_four = [(label, url) for label, url in every if label in MAIN_FOUR]
    assert len(main_four) == len(MAIN_FOUR)
    problems += look(looking, every, PHONE, "light")
    problems += look(looking, every, DESKTOP, "dark")
    problems += look(looking, main_four, PHONE, "dark")
    problems += look(looking, main_four, DESKTOP, "light")

    # Ben, last (his changes then alter no page looked at after them): what a member who is not a
    # steward meets where only a steward may go, and his boundary changed while he was writing.
    ben = people["Ben"]
    his = Item.objects.filter(owner=ben, kind=Kind.BOUNDARY).first()
    assert his is not None
    looking.page.context.clear_cookies()
    sign_in(looking, ben.user.email, DEMO_PASSWORD)
    bens: list[Visit] = [
        ("not a steward", reverse("relationships:polycule_rename", args=[ben.polycule.public_id])),
        ("someone changed it meanwhile", _stale_edit(ben, his)),
    ]
    problems += look(looking, bens, PHONE, "light") + look(looking, bens, DESKTOP, "dark")
    assert not problems, "\n".join(problems)


def test_a_message_sits_under_the_section_menu(browse: Browser) -> None:
    people: dict[str, Membership] = seed_people()
    sign_in(browse, "ana@example.com", DEMO_PASSWORD)
    browse.page.set_viewport_size(PHONE)
    browse.go(reverse("relationships:membership_edit", args=[people["Ana"].polycule.public_id]))
    browse.page.get_by_role("button", name="Save").click()
    message = browse.page.locator("main").get_by_role("status").filter(has_text="Saved.")
    expect(message).to_be_visible()
    expect(message).to_have_count(1)
    # The header's count arrives just after the page: let it, before looking.
    expect(browse.page.locator("#needs-count[data-counting]")).to_have_count(0)
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


def _code(secret: str) -> str:
    """The code Zoë's authenticator app shows now."""
    code: str = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))
    return code


def test_someone_with_two_factor_and_no_polycule_yet_fits_too(
    page: Page, live_server: Any, csp_violations: list[str]
) -> None:
    """Zoë signs in with an authenticator app, belongs to no polycule yet, and keeps a passkey
    and recovery codes: the second step of signing in, the empty dashboard, and the pages that
    look after her second steps."""
    looking = Browser(page, live_server.url, "looking-two-factor-sign-in")
    page.set_default_timeout(20_000)
    zoe: User = UserFactory.create(email="zoe@example.com", name="Zoë")
    zoe.set_password(DEMO_PASSWORD)
    zoe.save(update_fields=["password"])
    secret = generate_totp_secret()
    TOTP.activate(zoe, secret)
    RecoveryCodes.activate(zoe)

    sign_in(looking, zoe.email, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("One more step to sign in")
    step: list[Visit] = [("the second step of signing in", reverse("mfa_authenticate"))]
    problems = look(looking, step, PHONE, "light") + look(looking, step, DESKTOP, "dark")
    page.get_by_label("Code").fill(_code(secret))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(looking.base_url + reverse("home:dashboard"))

    # A passkey as allauth keeps it (the pages read its name and whether it is a passkey).
    key = Authenticator.objects.create(
        user=zoe,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Zoë's phone", "credential": {"clientExtensionResults": {"credProps": {"rk": True}}}},
    )
    pages: list[Visit] = [
        ("dashboard in no polycule", reverse("home:dashboard")),
        ("no polycule yet", reverse("relationships:polycule_list")),
        ("two-factor on", reverse("mfa_index")),
        ("recovery codes", reverse("mfa_view_recovery_codes")),
        ("new recovery codes", reverse("mfa_generate_recovery_codes")),
        ("turn off the authenticator app", reverse("mfa_deactivate_totp")),
        ("confirm with the app", reverse("mfa_reauthenticate")),
        ("keys and passkeys", reverse("mfa_list_webauthn")),
        ("rename a key", reverse("mfa_edit_webauthn", kwargs={"pk": key.pk})),
        ("remove a key", reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})),
    ]
    problems += look(looking, pages, PHONE, "light") + look(looking, pages, DESKTOP, "dark")
    assert not problems, "\n".join(problems)
