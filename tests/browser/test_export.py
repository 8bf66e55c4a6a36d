"""Ben takes his data with him: from his account page he is asked for his password again,
reads what the file holds, downloads it (nothing private to anyone else in it), then opens his
polycule's printable page, on screen and as it prints."""

import json
from typing import Any

from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.home import export_world as w

from .conftest import new_person, sign_in


def test_ben_downloads_his_data_and_prints_the_agreements(
    browser: Any, live_server: Any, csp_violations: list[str]
) -> None:
    cast = w.build()
    ben = new_person(browser, live_server, "export-ben", csp_violations)
    page = ben.page
    sign_in(ben, cast.ben.user.email, PASSWORD)

    ben.go("/accounts/settings/")
    page.get_by_role("link", name="Download your data").click()
    # Asked for the password again before anything is shown (promise 11).
    expect(page).to_have_url(f"{live_server.url}/accounts/reauthenticate/?next=%2Faccounts%2Fexport%2F")
    ben.check("asked for the password again")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    ben.check("what the file holds")

    with page.expect_download() as started:
        page.get_by_role("link", name="Download my data").click()
    download = started.value
    assert download.suggested_filename.startswith("trellis-export-")
    assert download.suggested_filename.endswith(".json")
    path = download.path()
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    assert document["account"]["email"] == cast.ben.user.email
    for word in (w.SEALED, w.PRIVATE_ITEM, w.ANSWER_TO_CY):
        assert word in text
    for word in w.forbidden(cast)["Ben"]:
        assert word not in text

    ben.go(cast.ana.polycule.get_absolute_url())
    page.get_by_role("link", name="Our agreements, to print").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("what we hold together")
    expect(page.locator("main").get_by_text(f"{w.SHARED}, please.")).to_be_visible()
    ben.check("our agreements on screen")

    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.locator("nav.subnav")).to_be_hidden()
    expect(page.locator("main").get_by_text(w.SHARED_WHY)).to_be_visible()
    ben.check("our agreements as printed")
    for word in w.forbidden(cast)["Ben"]:
        assert word not in page.content()
