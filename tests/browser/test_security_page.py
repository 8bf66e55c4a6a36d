"""Ana looks at the recent activity on her account: her sign-in, and a wrong password tried on
her account from elsewhere, in plain words, with a way to act on it."""

from typing import Any

from django.test import Client
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory

from .conftest import Browser, sign_in


def test_ana_sees_what_happened_to_her_account(browse: Browser, live_server: Any) -> None:
    ana = UserFactory.create(email="ana@example.com", name="Ana")
    someone_else = Client(REMOTE_ADDR="203.0.113.50")
    assert someone_else.post("/accounts/login/", {"login": ana.email, "password": "a guess"}).status_code == 200
    other = UserFactory.create(email="zed@example.com")
    assert Client(REMOTE_ADDR="192.0.2.99").post("/accounts/login/", {"login": other.email, "password": PASSWORD})

    sign_in(browse, ana.email, PASSWORD)
    page = browse.page
    browse.go("/accounts/settings/")
    page.get_by_role("link", name="Recent activity on your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recent activity on your account")
    expect(page.locator("main").get_by_text("Signed in from 127.0.0.1")).to_be_visible()
    expect(
        page.locator("main").get_by_text("Someone tried to sign in with a wrong password from 203.0.113.50")
    ).to_be_visible()
    expect(page.locator("main").get_by_text("192.0.2.99")).to_have_count(0)
    browse.check("recent activity")
