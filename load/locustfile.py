"""Thirty members of one polycule, each signed in as themselves, reading and acting at once.

Run by ``load/run.py`` (``make load``), which seeds the database, starts gunicorn and hands this
file the plan (``LOAD_PLAN``) and where to leave the results (``LOAD_RESULTS``). Each write
carries a token in its words and is logged with what the server answered, so that the run can
compare the database with what people were told was saved.
"""

import itertools
import os
import random
import re
import secrets
import time
from http.cookiejar import Cookie, DefaultCookiePolicy
from pathlib import Path
from typing import Any
from urllib.request import Request as UrlRequest

import gevent  # type: ignore[import-untyped]
from gevent.lock import Semaphore  # type: ignore[import-untyped]
from locust import FastHttpUser, between, events, task
from locust.env import Environment
from locust.stats import StatsEntry

from load.plan import OK, REFUSED, STALE, Plan, Results, Write

PLAN = Plan.load(Path(os.environ["LOAD_PLAN"]))
RESULTS = Path(os.environ["LOAD_RESULTS"])
USERS = int(os.environ["LOAD_USERS"])
SECONDS = float(os.environ["LOAD_SECONDS"])
SIGN_IN = ("sign-in page", "sign in", "after sign-in")
P = f"/p/{PLAN.polycule}/"

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'<input type="hidden" name="version" value="(\d+)"')
BASE = re.compile(r'name="base" value="(\d+)"')
REVISION = re.compile(r'name="revision" value="(\d+)"')
PROPOSAL = re.compile(rf"{P}proposals/([0-9a-f-]{{36}})/")

_seats = itertools.count()
_writes: list[Write] = []
_errors: list[str] = []
_stale = [0]
_exceptions = [0]
_ready = [0]  # members who are through the sign-in form (or failed at it)
# Two password checks at a time: each is a deliberately slow hash, one core's worth. Thirty at
# once would only queue in gunicorn until they time out, which says nothing about Trellis.
_hashing = Semaphore(2)


class LoopbackSecureCookies(DefaultCookiePolicy):
    """Trellis sets Secure ``__Host-`` cookies (promise 4), as it does behind its TLS proxy. Here
    that proxy is played by an ``X-Forwarded-Proto: https`` header on plain HTTP to 127.0.0.1, so
    the cookies are sent back over it, as the browser behind the proxy would."""

    def return_ok_secure(self, cookie: Cookie, request: UrlRequest) -> bool:
        return True


def _error(message: str) -> None:
    if len(_errors) < 20:
        _errors.append(message)


def _think(low: float, high: float) -> None:
    """The time a person takes to read before they answer: the window where others act."""
    time.sleep(random.uniform(low, high))  # noqa: S311 (timing, not secrets); gevent patches sleep


class MemberUser(FastHttpUser):
    """One member of the polycule, on their own device, signed in with their own password."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        seat = next(_seats)
        self.me = PLAN.members[seat % len(PLAN.members)]
        self.origin = self.host.replace("http://", "https://") if self.host else ""
        self.client.cookiejar.set_policy(LoopbackSecureCookies())
        self.headers = {
            # The TLS proxy production runs behind (config/settings/prod.py, TRUSTED_PROXY_COUNT).
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"10.0.{seat // 250}.{seat % 250 + 1}",
            "Origin": self.origin,
        }
        # Open proposals seen on the dashboard or an item, oldest first, as the dashboard lists them.
        self.proposals: dict[str, None] = {}
        self.old_tab: int | None = None  # the base of an edit form left open in another tab
        try:
            self.sign_in()  # a failed sign-in is an error; every page after it is one too
        finally:
            # Everyone acts for the same SECONDS once all are signed in: sign-in is deliberately
            # slow (the password hash), and thirty at once would otherwise eat into a short run.
            _ready[0] += 1
        if _ready[0] == USERS:
            runner = self.environment.runner
            assert runner is not None
            gevent.spawn_later(SECONDS, runner.quit)
        while _ready[0] < USERS:
            time.sleep(0.1)

    # Requests

    def page(self, url: str, name: str) -> str | None:
        """A page, expected to answer 200."""
        with self.client.get(
            url, name=name, headers=self.headers, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                _error(f"GET {name}: {response.status_code}")
                return None
            return str(response.text)

    def token(self) -> str:
        return f"load-{secrets.token_hex(5)}"

    def send(self, write: Write, url: str, name: str, data: dict[str, Any], csrf: str, *, htmx: bool) -> str | None:
        """Posts a write and logs what the server answered; returns the redirect's target or the
        fragment when it was saved."""
        write.status = 0
        _writes.append(write)
        headers = {**self.headers, **({"X-CSRFToken": csrf, "HX-Request": "true"} if htmx else {})}
        body = {**data, "csrfmiddlewaretoken": csrf}
        with self.client.post(
            url, data=body, headers=headers, name=name, catch_response=True, allow_redirects=False
        ) as response:
            write.status = response.status_code
            saved = 200 if htmx else 302
            if response.status_code == saved:
                write.outcome = OK
                return str(response.headers.get("Location", "") if not htmx else response.text)
            if response.status_code == 409 and write.kind != "comment":
                write.outcome = STALE
                _stale[0] += 1
                response.success()
                return None
            write.outcome = REFUSED
            response.failure(f"{response.status_code}")
            _error(f"POST {name}: {response.status_code} {response.text[:200]!r}")
            return None

    def follow(self, location: str | None, name: str) -> None:
        """After a saved form, the page it redirects to, as a browser would open it."""
        if location:
            self.page(location, name)

    def sign_in(self) -> bool:
        html = self.page("/accounts/login/", "sign-in page")
        match = CSRF.search(html or "")
        if not match:
            _error("no sign-in form")
            return False
        data = {"csrfmiddlewaretoken": match.group(1), "login": self.me.email, "password": PLAN.password}
        with (
            _hashing,
            self.client.post(
                "/accounts/login/",
                data=data,
                headers=self.headers,
                name="sign in",
                catch_response=True,
                allow_redirects=False,
            ) as response,
        ):
            if response.status_code != 302 or "/accounts/login" in response.headers.get("Location", ""):
                response.failure(f"sign-in answered {response.status_code}")
                _error(f"sign in {self.me.email}: {response.status_code}")
                return False
            location = response.headers["Location"]
        html = self.page(location, "after sign-in")
        self.remember_proposals(html or "")
        return html is not None

    def csrf(self, html: str) -> str:
        match = CSRF.search(html)
        if match:
            return match.group(1)
        return next((c.value or "" for c in self.client.cookiejar if c.name == "__Host-csrftoken"), "")

    def remember_proposals(self, html: str) -> None:
        self.proposals.update(dict.fromkeys(PROPOSAL.findall(html)))

    # What members do

    @task(3)
    def dashboard(self) -> None:
        html = self.page("/home/", "dashboard")
        if html:
            self.remember_proposals(html)

    @task(2)
    def polycule_home(self) -> None:
        self.page(P, "polycule home")

    @task(2)
    def item_list(self) -> None:
        self.page(P + "items/", "item list")

    @task(2)
    def read_item(self) -> None:
        item = random.choice(PLAN.boundaries + PLAN.shared)  # noqa: S311
        html = self.page(f"{P}items/{item}/", "item")
        if html:
            self.remember_proposals(html)

    @task(5)
    def acknowledge(self) -> None:
        """Open someone's boundary; if this version is not answered yet, read it and answer."""
        others = [b for b in PLAN.boundaries if b != self.me.boundary]
        item = random.choice(others)  # noqa: S311
        html = self.page(f"{P}items/{item}/", "item")
        if not html or "/acknowledge/" not in html:
            return
        version = VERSION.search(html)
        if not version:
            return  # answered already
        _think(0.2, 1.5)
        write = Write(self.token(), "ack", self.me.email, item, number=int(version.group(1)))
        answer = random.choice(["understood"] * 9 + ["talk"])  # noqa: S311
        data = {"version": write.number, "answer": answer, "note": f"Read it, thank you. [{write.token}]"}
        self.send(write, f"{P}items/{item}/acknowledge/", "acknowledge", data, self.csrf(html), htmx=True)

    @task(2)
    def edit_own_boundary(self) -> None:
        """Change one's own boundary from the version the form was opened on; now and then from
        an edit form left open in another tab, which is stale when a change was saved since."""
        item = self.me.boundary
        url = f"{P}items/{item}/edit/"
        html = self.page(url, "edit boundary")
        base = BASE.search(html or "")
        if not html or not base:
            return
        number = int(base.group(1))
        if self.old_tab is not None and random.random() < 0.4:  # noqa: S311
            number, self.old_tab = self.old_tab, number
        else:
            self.old_tab = number
        _think(0.3, 1.5)
        write = Write(self.token(), "edit", self.me.email, item, number=number)
        data = {
            "title": f"{self.me.name}'s boundary ({write.token})",
            "text": f"Tell me before you stay over on a weeknight. [{write.token}]",
            "why": "Mornings are hard when I don't know.",
            "base": number,
        }
        self.follow(self.send(write, url, "edit boundary", data, self.csrf(html), htmx=False), "item")

    @task(1)
    def propose(self) -> None:
        """Propose new words for a value or agreement that has no open proposal."""
        item = random.choice(PLAN.shared)  # noqa: S311
        html = self.page(f"{P}items/{item}/", "item")
        if not html:
            return
        self.remember_proposals(html)
        if "Open proposals" in html:
            return
        url = f"{P}items/{item}/propose/"
        form = self.page(url, "propose")
        base = BASE.search(form or "")
        if not form or not base:
            return
        _think(0.3, 1.0)
        write = Write(self.token(), "propose", self.me.email, item, number=int(base.group(1)))
        data = {
            "title": f"We check in every Sunday ({write.token})",
            "text": f"Twenty minutes, phones away. [{write.token}]",
            "why": "The week gets away from us.",
            "base": write.number,
        }
        location = self.send(write, url, "propose", data, self.csrf(form), htmx=False)
        if location:
            found = PROPOSAL.search(location)
            write.proposal = found.group(1) if found else ""
            self.proposals[write.proposal] = None
        self.follow(location, "proposal")

    @task(5)
    def respond(self) -> None:
        """Answer an open proposal one has not answered yet."""
        if not self.proposals:
            self.dashboard()
        if not self.proposals:
            return
        # Mostly the one waiting longest; now and then another.
        seen = list(self.proposals)
        proposal = seen[0] if random.random() < 0.7 else random.choice(seen)  # noqa: S311
        html = self.page(f"{P}proposals/{proposal}/", "proposal")
        if not html:
            return
        revision = REVISION.search(html)
        if "/respond/" not in html or "Your answer</h3>" not in html or not revision:
            self.proposals.pop(proposal, None)  # answered, adopted or closed
            return
        _think(0.2, 1.0)
        write = Write(self.token(), "respond", self.me.email, "", number=int(revision.group(1)), proposal=proposal)
        answer = random.choice(["consent"] * 6 + ["stand_aside"])  # noqa: S311
        data = {"revision": write.number, "answer": answer, "note": f"Works for me. [{write.token}]"}
        if self.send(write, f"{P}proposals/{proposal}/respond/", "respond", data, self.csrf(html), htmx=True):
            self.proposals.pop(proposal, None)

    @task(2)
    def comment(self) -> None:
        item = random.choice(PLAN.boundaries + PLAN.shared)  # noqa: S311
        url = f"{P}items/{item}/talk/"
        html = self.page(url, "discussion")
        if not html:
            return
        _think(0.2, 1.0)
        write = Write(self.token(), "comment", self.me.email, item)
        data = {"text": f"Can we talk about this on Sunday? [{write.token}]"}
        self.send(write, url, "comment", data, self.csrf(html), htmx=True)


def count_exception(user_instance: FastHttpUser, exception: Exception, tb: Any, **kwargs: Any) -> None:
    """An exception inside a member's task is an error of the run, never silently skipped."""
    _exceptions[0] += 1
    _error(f"exception: {exception!r}")


def save_results(environment: Environment, **kwargs: Any) -> None:
    stats = environment.stats
    total = stats.total
    # The members' requests once signed in; signing in is shown on its own lines.
    activity = StatsEntry(stats, "activity", "", use_response_times_cache=False)
    for entry in stats.entries.values():
        if entry.name not in SIGN_IN:
            activity.extend(entry)
    by_name: dict[str, dict[str, float]] = {
        f"{entry.method} {entry.name}": {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5) or 0,
            "p99_ms": entry.get_response_time_percentile(0.99) or 0,
        }
        for entry in sorted(stats.entries.values(), key=lambda e: -e.num_requests)
    }
    Results(
        requests=total.num_requests,
        errors=total.num_failures + _exceptions[0],
        stale=_stale[0],
        p50_ms=activity.get_response_time_percentile(0.5) or 0,
        p99_ms=activity.get_response_time_percentile(0.99) or 0,
        max_ms=activity.max_response_time or 0,
        by_name=by_name,
        error_samples=_errors,
        writes=_writes,
    ).save(RESULTS)


events.user_error.add_listener(count_exception)  # type: ignore[no-untyped-call]
events.quitting.add_listener(save_results)  # type: ignore[no-untyped-call]
