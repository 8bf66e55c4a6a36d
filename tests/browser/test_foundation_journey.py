"""Ana signs up, starts a polycule and invites Ben, who joins from the e-mail link."""

import re
from typing import Any

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from playwright.sync_api import expect

from .conftest import ARTIFACTS, Browser, new_person

PASSWORD = "a long and happy password"


def _link(pattern: str, to: str) -> str:
    message = next(m for m in reversed(mail.outbox) if to in m.to)
    found = re.search(pattern, str(message.body))
    assert found, message.body
    return found.group(0)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _sign_up_and_verify(person: Browser, email: str, name: str, *, invited: bool = False) -> None:
    page = person.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    page.get_by_label("Your name").fill(name)
    if invited:
        # Reached from the invitation: the invited address is already there.
        expect(page.get_by_label("E-mail address")).to_have_value(email)
    else:
        page.get_by_label("E-mail address").fill(email)
    page.get_by_label(re.compile(r"^Password\W*$")).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    person.check("verification sent")
    person.go(_path(_link(r"https?://\S+/accounts/confirm-email/\S+/", email)))
    person.check("confirm e-mail")
    page.get_by_role("button", name="Confirm my address").click()
    # One message: confirmed, and welcome.
    expect(page.locator(".messages li")).to_have_count(1)
    expect(page.locator(".messages li")).to_contain_text("Your e-mail address is confirmed. Welcome to Trellis")


def test_ana_invites_ben_and_ben_joins(
    browse: Browser, browser: Any, live_server: Any, csp_violations: list[str]
) -> None:
    ana = browse
    page = ana.page
    ana.go("/")
    ana.check("landing")
    page.get_by_role("link", name="Create an account").first.click()
    ana.check("sign up")
    _sign_up_and_verify(ana, "ana@example.com", "Ana")

    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Ana")
    ana.check("no polycule yet")
    page.get_by_role("main").get_by_role("link", name="Start a polycule").click()
    page.get_by_label("Name of the polycule").fill("Sunday Garden")
    page.get_by_label("Your name here").fill("Ana")
    ana.check("start a polycule")
    page.get_by_role("button", name="Create it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sunday Garden")
    ana.check("polycule home")

    page.get_by_role("link", name="Invite a partner").click()
    page.get_by_label("Their e-mail address").fill("ben@example.com")
    page.get_by_label("A personal note (optional)").fill("Come and join us, love.")
    ana.check("invite")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("main").get_by_text("ben@example.com").first).to_be_visible()
    ana.check("invitation waiting")

    invitation = next(m for m in mail.outbox if "ben@example.com" in m.to)
    assert "Come and join us, love." in invitation.body
    assert isinstance(invitation, EmailMultiAlternatives)
    assert invitation.alternatives
    assert "text/html" in invitation.alternatives[0][1]
    link = _link(r"https?://\S+/invitations/\S+/", "ben@example.com")

    ben = new_person(browser, live_server, "ben-joins", csp_violations)
    ben_page = ben.page
    ben.go(_path(link))
    assert "/invitations/" not in ben_page.url  # the token leaves the address bar at once
    expect(ben_page.get_by_role("heading", level=1)).to_have_text("Ana invites you to Sunday Garden")
    ben.check("invitation landing signed out")
    ben_page.get_by_role("main").get_by_role("link", name="Create an account").click()
    _sign_up_and_verify(ben, "ben@example.com", "Ben", invited=True)

    expect(ben_page.get_by_role("heading", level=1)).to_have_text("Ana invites you to Sunday Garden")
    ben_page.get_by_label("Your name here").fill("Ben")
    ben_page.get_by_label("Your pronouns (optional)").fill("he/him")
    ben.check("accept invitation")
    ben_page.get_by_role("button", name="Join Sunday Garden").click()
    expect(ben_page.get_by_role("heading", level=1)).to_have_text("Welcome to Sunday Garden, Ben")
    ben.check("welcome")
    ben_page.get_by_role("link", name="meet the others").click()
    expect(ben_page.get_by_role("heading", level=1)).to_have_text("Sunday Garden")
    expect(ben_page.locator("#members")).to_contain_text("Ana")
    ben.check("ben sees the members")

    page.reload()
    expect(page.locator("main").get_by_text("Ben joined")).to_be_visible()
    ana.check("ana sees that ben joined")


def test_the_passkey_button_shows_only_where_it_can_work(browser: Any, live_server: Any) -> None:
    # Without JavaScript a passkey cannot be used: no dead button, a word inside the page instead.
    without = browser.new_context(java_script_enabled=False)
    page = without.new_page()
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_hidden()
    # Playwright's text locators skip <noscript> (microsoft/playwright#32542): read it directly.
    said = page.locator("main > noscript").evaluate("e => e.textContent")
    assert "Signing in with a passkey needs JavaScript" in said
    page.screenshot(path=ARTIFACTS / "login-without-javascript.png", full_page=True, caret="initial")
    assert page.locator("footer ~ *").evaluate_all("els => els.map(e => e.innerText.trim()).join('')") == ""
    without.close()
    with_js = browser.new_context()
    page = with_js.new_page()
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "login-with-javascript.png", full_page=True, caret="initial")
    with_js.close()
