"""Browser tests: Debian's Chromium driven by Playwright, axe-core for accessibility,
and a watch for Content Security Policy violations on every page."""

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request, expect

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # Phone first: the journeys run in a phone-sized window.
    return {**browser_context_args, "viewport": {"width": 420, "height": 900}, "locale": "en-GB"}


# Each watched page with its requests still in flight, for this test.
WATCHED: list[tuple[Page, set[Request]]] = []


@pytest.fixture
def csp_violations(page: Page) -> Iterator[list[str]]:
    """Collects CSP violations; the test fails if there are any (promise 6). At the end, waits
    for every watched page's requests to be answered (a header's count asked for after the last
    click, say): the database is emptied after the test, and a request still being served then
    races the emptying (a foreign key failing as Django writes its permissions back)."""
    found: list[str] = []
    watch(page, found)
    yield found
    for watched, pending in WATCHED:
        settle(watched, pending)
    WATCHED.clear()
    assert not found, f"CSP violations: {found}"


def settle(page: Page, pending: set[Request], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while pending and not page.is_closed() and time.monotonic() < deadline:
        page.wait_for_timeout(20)


def watch(page: Page, found: list[str]) -> None:
    pending: set[Request] = set()
    page.on("request", lambda request: pending.add(request))
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))
    WATCHED.append((page, pending))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error('Content Security Policy: '"
        " + e.violatedDirective + ' at ' + e.sourceFile + ':' + e.lineNumber + ' ' + e.sample + ' '"
        " + (e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 160) : ''))"
    )

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            found.append(f"{page.url}: {message.text[:300]}")

    page.on("console", on_console)


class Browser:
    """A person at a browser: navigation helpers, axe checks and screenshots."""

    def __init__(self, page: Page, base_url: str, name: str) -> None:
        self.page = page
        self.base_url = base_url
        self.name = re.sub(r"[^a-z0-9_-]+", "-", name.lower())
        self.shots = 0
        shutil.rmtree(ARTIFACTS / self.name, ignore_errors=True)

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        # The header's count arrives just after the page (hx-trigger "load"): wait for it, so
        # that no request is still in flight when the test changes the database behind it.
        if self.page.evaluate("() => typeof htmx !== 'undefined'"):
            expect(self.page.locator("#needs-count[data-counting]")).to_have_count(0)

    def check(self, label: str) -> None:
        """Screenshot the page and run axe-core on it: no violation allowed."""
        # Let htmx finish swapping first (the header's count included, which a page reached by a
        # click asks for once its deferred scripts ran, at "load"): a half-faded element would
        # fail the contrast check.
        self.page.wait_for_load_state("load")
        if self.page.evaluate("() => typeof htmx !== 'undefined'"):
            expect(self.page.locator("#needs-count[data-counting]")).to_have_count(0)
        expect(self.page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)
        self.shot(label)
        assert_accessible(self.page, label)

    def shot(self, label: str) -> Path:
        self.shots += 1
        folder = ARTIFACTS / self.name
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.shots:03d}-{re.sub(r'[^a-z0-9]+', '-', label.lower())}.png"
        # caret="initial": hiding the caret would make Playwright inject a <style> the CSP rightly blocks.
        self.page.screenshot(path=path, full_page=True, caret="initial")
        return path


def assert_accessible(page: Page, label: str) -> None:
    # Evaluated through the DevTools protocol, which the page's CSP does not govern.
    page.evaluate("source => { if (!window.axe) { (0, eval)(source); } }", AXE.read_text())
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    violations = [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})" for v in result["violations"]
    ]
    assert not violations, f"axe found problems on {label}: {violations}"


@pytest.fixture
def browse(page: Page, live_server: Any, csp_violations: list[str], request: pytest.FixtureRequest) -> Browser:
    page.set_default_timeout(20_000)
    return Browser(page, live_server.url, request.node.name)


def open_as(browser: Any, live_server: Any, email: str, password: str, name: str, violations: list[str]) -> Browser:
    """A second person in their own browser context (own cookies), signed in."""
    person = new_person(browser, live_server, name, violations)
    sign_in(person, email, password)
    return person


def new_person(browser: Any, live_server: Any, name: str, violations: list[str]) -> Browser:
    """Someone at their own browser (own cookies), watched for CSP violations like the first."""
    context = browser.new_context(viewport={"width": 420, "height": 900})
    page = context.new_page()
    watch(page, violations)
    page.set_default_timeout(20_000)
    return Browser(page, live_server.url, name)


def sign_in(person: Browser, email: str, password: str) -> None:
    person.go("/accounts/login/")
    person.page.get_by_label("E-mail address").fill(email)
    person.page.get_by_label("Password").fill(password)
    person.page.get_by_role("button", name="Sign in", exact=True).click()
