"""Ana reads what deleting her account does, gives her password again, mistypes her address,
then deletes it: she lands signed out with a goodbye, and Ben becomes the steward."""

from typing import Any

from playwright.sync_api import expect

from relationships.demo import DEMO_PASSWORD, seed_people
from relationships.models import Membership

from .conftest import new_person, sign_in


def test_ana_deletes_her_account(browser: Any, live_server: Any, csp_violations: list[str]) -> None:
    people = seed_people()
    ana = new_person(browser, live_server, "account-deletion", csp_violations)
    page = ana.page
    sign_in(ana, people["Ana"].user.email, DEMO_PASSWORD)

    ana.go("/accounts/settings/")
    page.get_by_role("link", name="Delete your account").click()
    if page.get_by_label("Password").count():
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    expect(page.locator("main").get_by_text("This cannot be undone")).to_be_visible()
    expect(page.locator("main").get_by_text("will become its steward")).to_be_visible()
    ana.check("the explanation")

    page.get_by_label("Your e-mail address").fill("not-me@example.com")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator("main").get_by_text("That isn't the address you sign in with")).to_be_visible()
    ana.check("a mistyped address")

    page.get_by_label("Your e-mail address").fill(people["Ana"].user.email)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator("main").get_by_text("Your account is deleted")).to_be_visible()
    ana.check("signed out, with a goodbye")
    assert Membership.objects.get(pk=people["Ben"].pk).is_steward
    assert not csp_violations
