"""Ben opens his mail settings for the first time: the time zone comes from his browser, he
turns one kind of news off and sets quiet hours, makes a calendar address, sees the header's
count arrive, and later stops one kind of mail from a link, signed out."""

import re
from typing import Any

from playwright.sync_api import expect

from notifications import unsubscribe
from notifications.kinds import Delivery, Kind
from notifications.models import Preferences
from notifications.settings_selectors import deliveries_of
from relationships.demo import DEMO_PASSWORD, seed_people
from values import services

from .conftest import Browser, sign_in, watch


def _person(browser: Any, live_server: Any, name: str, violations: list[str], **options: Any) -> Browser:
    context = browser.new_context(viewport={"width": 420, "height": 900}, locale="en-GB", **options)
    page = context.new_page()
    watch(page, violations)
    page.set_default_timeout(20_000)
    return Browser(page, live_server.url, name)


def test_ben_chooses_how_to_be_told(browser: Any, live_server: Any, csp_violations: list[str]) -> None:
    people = seed_people()
    services.create_boundary(owner=people["Ana"], title="Sleepovers", text="Tell me before.", why="Blindsided.")
    ben = _person(browser, live_server, "notification-settings", csp_violations, timezone_id="Europe/Paris")
    page = ben.page
    sign_in(ben, people["Ben"].user.email, DEMO_PASSWORD)

    # The header's count arrives after the page: one boundary waits for Ben.
    expect(page.locator("#needs-count .badge")).to_contain_text("1")
    ben.go("/accounts/settings/")
    page.get_by_role("link", name="Mail and calendars").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mail and calendars")
    expect(page.get_by_label("Your time zone")).to_have_value("Europe/Paris")
    ben.check("settings, zone from the browser")

    page.get_by_label(Kind.MEMBERS.label).select_option(Delivery.OFF.value)
    page.get_by_label("Quiet from").fill("22:00")
    page.get_by_label("Quiet until").fill("22:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("main").get_by_text("Quiet hours need to start and end at different times.")).to_be_visible()
    ben.check("quiet hours refused")
    assert not Preferences.objects.exists()

    page.get_by_label("Quiet until").fill("07:00")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("main").get_by_text("Saved.")).to_be_visible()
    ben.check("saved")
    kept = Preferences.objects.get(user=people["Ben"].user)
    assert kept.time_zone == "Europe/Paris"
    assert (str(kept.quiet_from), str(kept.quiet_until)) == ("22:00:00", "07:00:00")
    assert deliveries_of(people["Ben"].user)[Kind.MEMBERS] == Delivery.OFF

    page.get_by_role("button", name=re.compile("^Make a calendar address")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your calendar address")
    address = page.get_by_label("Calendar address").input_value()
    assert re.search(r"/feeds/[A-Za-z0-9_-]{43}\.ics$", address)
    ben.check("calendar address")
    page.get_by_role("link", name="Back to mail and calendars").click()
    expect(page.get_by_role("button", name=re.compile("^Make a new address"))).to_be_visible()
    ben.check("settings with a calendar")

    # Later, from a mail, signed out: stop mail about boundaries to read.
    link = unsubscribe.token_for(people["Ben"].user, Kind.VERSION)
    reader = _person(browser, live_server, "unsubscribe", csp_violations)
    reader.go(f"/notifications/unsubscribe/{link}/")
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("Stop these mails?")
    reader.check("unsubscribe")
    reader.page.get_by_role("button", name="Stop these mails").click()
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("Done: no more of these mails")
    reader.check("unsubscribed")
    assert deliveries_of(people["Ben"].user)[Kind.VERSION] == Delivery.OFF
    reader.go("/notifications/unsubscribe/not-a-real-link/")
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("This link doesn't work")
    reader.check("unknown link")


def test_without_javascript_the_person_picks_the_zone(
    browser: Any, live_server: Any, csp_violations: list[str]
) -> None:
    people = seed_people()
    ben = _person(
        browser,
        live_server,
        "notification-settings-no-js",
        csp_violations,
        timezone_id="Europe/Paris",
        java_script_enabled=False,
    )
    sign_in(ben, people["Ben"].user.email, DEMO_PASSWORD)
    ben.go("/notifications/")
    page = ben.page
    expect(page.get_by_label("Your time zone")).to_have_value("")
    expect(page.locator("#needs-count")).to_have_text("Needs you")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("main").get_by_text("Choose your time zone, so that quiet hours")).to_be_visible()
    page.get_by_label("Your time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("main").get_by_text("Saved.")).to_be_visible()
    ben.shot("saved without javascript")
    assert Preferences.objects.get().time_zone == "Asia/Tokyo"
