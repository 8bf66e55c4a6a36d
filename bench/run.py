"""``make bench``: the project's own benchmark. Every main page's server time as a ratio to a
trivial signed-in page (the floor), with production settings under gunicorn and PostgreSQL,
at a given size, then again with many other polycules in the database.

    uv run python -m bench.run [--size full|small] [--rounds N] [--json PATH]

1. creates a database of its own (``trellis_bench`` unless ``BENCH_DATABASE_URL`` names another
   whose name starts with ``trellis_bench``), migrates it and collects the static files;
2. writes the data (``home.benchdata``): full is one polycule of 30 members, 2,000 items,
   40,000 versions and 500,000 acknowledgments; small is a quick size for CI;
3. starts gunicorn (``config.settings.prod``; workers and threads from ``gunicorn.conf.py``,
   ``--workers`` only when given) behind a pretend TLS proxy, and signs the members in through
   the sign-in form;
4. measures the floor and every page, interleaved in random order over several rounds, from a
   client on 127.0.0.1 (time to the last byte; gunicorn's sync workers close each connection,
   so each request opens one); counts each page's queries once in this process (Django's test
   client against the same database under ``CaptureQueriesContext``); sizes are the bytes as
   sent when the browser accepts gzip and Brotli, and the first load adds the CSS and JS the
   page links;
5. adds the crowd of other small polycules and measures the same pages again;
6. has thirty members (threads, signed in; with fewer members some share one) read pages at
   once, each pausing 0.5-2 s between pages as a person does, and reports p50, p99 and errors;
7. prints a markdown table, writes the JSON (``bench/results.json`` by default, not under
   version control) and drops the database, whatever happened.

It is a benchmark, not a test: the goals of issue 11 are reported as met or not, and the exit
code is 0 when the run completed; 1 only when something broke (a server error, a page that did
not answer 200).
"""

import argparse
import gzip
import http.client
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import brotli  # type: ignore[import-untyped]

from load.run import (
    ROOT,
    SERVER_ERROR,
    Interrupted,
    _interrupted,
    database_urls,
    environment,
    free_port,
    start,
    stop,
    tail,
    throwaway_database,
    wait_until_up,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/trellis_bench"
SIZES: dict[str, dict[str, int]] = {
    "full": {"members": 30, "items": 2000, "versions": 40000, "acks": 500000, "crowd": 100000, "rounds": 10},
    "small": {"members": 6, "items": 60, "versions": 400, "acks": 1000, "crowd": 50, "rounds": 3},
}
SECONDS = {"full": 20.0, "small": 5.0}
CONCURRENT = 30
THINK = (0.5, 2.0)  # seconds a member reads a page before the next, in the concurrent run
# Issue 11's goals, as ratios to the floor measured in the same run.
GOAL_RATIO, GOAL_ACK_RATIO, GOAL_CROWD, GOAL_BYTES, GOAL_QUERIES, GOAL_P99_MS = 2.0, 3.0, 1.1, 60_000, 10, 50.0
COUNT_PATH = "/home/count/"  # home:needs_count, asked by every page after it loads
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ASSET = re.compile(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"|<script[^>]+src="([^"]+)"')


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# A client of our own: plain HTTP to 127.0.0.1, as the browser behind the TLS proxy.


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes  # as sent: compressed when the server compressed it
    seconds: float

    def text(self) -> str:
        encoding = self.headers.get("content-encoding", "")
        body = self.body
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            body = brotli.decompress(body)
        return body.decode("utf-8", errors="replace")


class Browser:
    """One person's browser: their cookies, a connection kept while the server keeps it."""

    def __init__(self, port: int, seat: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.base = {
            "Host": f"127.0.0.1:{port}",
            # The TLS proxy production runs behind (config/settings/prod.py, TRUSTED_PROXY_COUNT).
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"10.1.{seat // 250}.{seat % 250 + 1}",
            "Accept-Encoding": "gzip, br",
            "User-Agent": "trellis-bench",
        }

    def copy(self, seat: int) -> "Browser":
        other = Browser(self.port, seat)
        other.cookies = dict(self.cookies)
        return other

    def request(
        self, method: str, path: str, *, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        sent = {**self.base, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urlencode(data).encode() if data is not None else None
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://127.0.0.1:{self.port}"
            sent["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
                raw = response.read()
            except (http.client.HTTPException, ConnectionError, TimeoutError):
                self.close()
                if attempt:
                    raise
                continue
            seconds = time.perf_counter() - started
            names = {k.lower(): v for k, v in response.getheaders()}
            for line in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = line.partition("=")
                value = rest.split(";", 1)[0]
                if "max-age=0" in line.lower() or "expires=thu, 01 jan 1970" in line.lower():
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
            if names.get("connection", "").lower() == "close" or response.will_close:
                self.close()
            return Answer(response.status, names, raw, seconds)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def csrf(self) -> str:
        return self.cookies.get("__Host-csrftoken", "")

    def sign_in(self, email: str, password: str) -> None:
        page = self.request("GET", "/accounts/login/", headers={"Accept-Encoding": "identity"})
        found = CSRF.search(page.text())
        if page.status != 200 or not found:
            raise Broken(f"sign-in page: {page.status}")
        answer = self.request(
            "POST",
            "/accounts/login/",
            data={"login": email, "password": password, "csrfmiddlewaretoken": unescape(found.group(1))},
        )
        if answer.status != 302:
            raise Broken(f"signing in {email}: {answer.status} {answer.text()[:300]!r}")


class Broken(Exception):
    """Something did not answer as a working Trellis does: the run stops with exit code 1."""


# What is measured


@dataclass
class Page:
    name: str
    path: str
    who: str = "member"  # member, newcomer
    ack: bool = False  # the in-place acknowledge: a POST on a fresh boundary each time
    everyone: bool = True  # every member may open it (used by the concurrent run)
    # The header's count is kept until something changes (home.selectors.needs_count), and the
    # dashboard reads the items it kept by their ids: "kept" asks for the count once, unmeasured,
    # just before, as every page does after it loads; "afresh" forgets every kept count first.
    count: str = ""


@dataclass
class Targets:
    """Boundaries whose current version the benchmark member has not answered, one per POST."""

    polycule: str
    items: list[tuple[str, int]] = field(default_factory=list)

    def take(self) -> tuple[str, int]:
        if not self.items:
            raise Broken("no boundary left for the benchmark member to acknowledge: make more (unanswered=)")
        return self.items.pop()


def pages_for(polycule: str, member_email: str) -> tuple[list[Page], Targets]:
    """The pages to measure, chosen in the database among what the benchmark member sees."""
    from django.db.models import Count
    from django.urls import reverse

    from conversations.models import CheckIn, Choice, Discussion, Round
    from relationships.models import Membership
    from values.models import Acknowledgment, Item, Kind, Proposal

    me = Membership.objects.get(polycule__public_id=polycule, user__email=member_email)
    p = {"polycule_id": polycule}
    visible = Item.objects.visible_to(me).live().filter(everyone=True)
    # An item with many versions, as someone who has held it for years.
    item = visible.annotate(n=Count("versions")).order_by("-n", "pk").first()
    assert item is not None
    assert item.current_version is not None
    at = {**p, "item_id": item.public_id}
    newest = item.current_version.number
    proposal = (
        Proposal.objects.filter(item__in=visible, status=Proposal.Status.OPEN).order_by("-created_at", "pk").first()
    )
    choice = Choice.objects.visible_to(me).filter(everyone=True).order_by("-created_at").first()
    held = (
        CheckIn.objects.visible_to(me).filter(everyone=True, held_at__isnull=False).order_by("-scheduled_for").first()
    )
    round_ = Round.objects.visible_to(me).filter(revealed_at__isnull=False).order_by("-created_at").first()
    talked = (
        Discussion.objects.filter(item__in=visible, version__isnull=True, proposal__isnull=True)
        .annotate(n=Count("comments"))
        .order_by("-n", "pk")
        .first()
    )
    pages = [
        Page("floor", reverse("home:floor")),
        # Kept: after another page, whose header asked for the count; afresh: after any change.
        Page("dashboard, kept", reverse("home:dashboard"), count="kept"),
        Page("dashboard, afresh", reverse("home:dashboard"), count="afresh", everyone=False),
        # Asked by every page after it loads (hx-trigger "load"): what each page view costs besides,
        # kept while nothing changes, and counted afresh after a change.
        Page("header count, kept (htmx)", reverse("home:needs_count"), count="kept"),
        Page("header count, afresh (htmx)", reverse("home:needs_count"), count="afresh", everyone=False),
        Page("welcome (newcomer)", reverse("home:onboarding", kwargs=p), who="newcomer", everyone=False),
        Page("polycule home", reverse("relationships:polycule_detail", kwargs=p)),
        Page("item list", reverse("values:item_list", kwargs=p)),
        Page("item list, needs me", reverse("values:item_list", kwargs=p) + "?needs=1"),
        Page("item detail", reverse("values:item_detail", kwargs=at)),
        Page("versions", reverse("values:version_list", kwargs=at)),
        Page("diff", reverse("values:version_diff", kwargs=at) + f"?from={max(newest - 1, 1)}&to={newest}"),
        Page("timeline", reverse("home:timeline", kwargs=p)),
        Page("talk", reverse("conversations:talk", kwargs=p)),
        Page("check-ins", reverse("conversations:checkin_list", kwargs=p)),
    ]
    if proposal is not None:
        pages.append(
            Page("proposal", reverse("values:proposal_detail", kwargs={**p, "proposal_id": proposal.public_id}))
        )
    if choice is not None:
        pages.append(
            Page("choice", reverse("conversations:choice_detail", kwargs={**p, "choice_id": choice.public_id}))
        )
    if round_ is not None:
        kwargs = {**p, "round_id": round_.public_id}
        pages.append(Page("what-if round", reverse("conversations:round_detail", kwargs=kwargs), everyone=False))
    if held is not None:
        kwargs = {**p, "checkin_id": held.public_id}
        pages.append(Page("check-in", reverse("conversations:checkin_detail", kwargs=kwargs)))
    if talked is not None and talked.item is not None:
        kwargs = {**p, "item_id": talked.item.public_id}
        pages.append(Page("discussion", reverse("conversations:discussion_item", kwargs=kwargs)))
    pages.append(Page("acknowledge (htmx)", "", ack=True, everyone=False))
    answered = Acknowledgment.objects.filter(member=me).values("version_id")
    waiting = (
        Item.objects.visible_to(me)
        .live()
        .filter(kind=Kind.BOUNDARY)
        .exclude(owner=me)
        .exclude(current_version_id__in=answered)
        .select_related("current_version")
        .order_by("pk")
    )
    targets = Targets(polycule, [(str(i.public_id), i.current_version.number) for i in waiting if i.current_version])
    return pages, targets


def forget_counts() -> None:
    """Every kept header count, and the items the dashboard reads with it, forgotten, as after a
    change in the polycule (outside the time measured: the next count is the whole count)."""
    from home.models import WaitingCount

    WaitingCount.objects.all().delete()


def ack_request(targets: Targets) -> tuple[str, dict[str, str]]:
    from django.urls import reverse

    item, number = targets.take()
    url = reverse("values:boundary_acknowledge", kwargs={"polycule_id": targets.polycule, "item_id": item})
    return url, {"version": str(number), "answer": "understood", "note": ""}


# Transaction control, which Django lists among the queries: not counted, as in the tests'
# query budgets (a test's transaction hides BEGIN and COMMIT, and savepoints are left out).
CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE)


def count_queries(pages: list[Page], targets: Targets, emails: dict[str, str]) -> dict[str, int]:
    """Each page's queries, once, through Django's test client in this process, signed in as
    the same people, against the same database as the server: the statements that read or
    write, not BEGIN and COMMIT around a write (``CONTROL``)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    clients: dict[str, Client] = {}
    for who, email in emails.items():
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="10.2.0.1")
        client.force_login(User.objects.get(email=email))
        clients[who] = client
    counts: dict[str, int] = {}
    for page in pages:
        client = clients[page.who]
        client.get(pages[0].path, secure=True)  # a request before, as in a session in use
        if page.count == "kept":
            client.get(COUNT_PATH, secure=True)
        elif page.count == "afresh":
            forget_counts()
        with CaptureQueriesContext(connection) as queries:
            if page.ack:
                url, data = ack_request(targets)
                csrf = client.cookies.get("__Host-csrftoken")
                response = client.post(
                    url, data, secure=True, headers={"HX-Request": "true", "X-CSRFToken": csrf.value if csrf else ""}
                )
            else:
                response = client.get(page.path, secure=True)
        if response.status_code != 200:
            raise Broken(f"{page.name}: {response.status_code} in the test client")
        counts[page.name] = sum(not CONTROL.match(query["sql"]) for query in queries.captured_queries)
    return counts


@dataclass
class Measured:
    times: list[float] = field(default_factory=list)
    html_bytes: int = 0
    encoding: str = ""
    first_load_bytes: int = 0
    queries: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p99(self) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


class Bench:
    def __init__(self, port: int, pages: list[Page], targets: Targets, browsers: dict[str, Browser]) -> None:
        self.port = port
        self.pages = pages
        self.targets = targets
        self.browsers = browsers
        self.assets: dict[str, int] = {}

    def one(self, page: Page) -> Answer:
        browser = self.browsers[page.who]
        if page.ack:
            url, data = ack_request(self.targets)
            data["csrfmiddlewaretoken"] = browser.csrf()
            answer = browser.request(
                "POST", url, data=data, headers={"HX-Request": "true", "X-CSRFToken": browser.csrf()}
            )
        else:
            if page.count == "kept":
                browser.request("GET", COUNT_PATH)
            elif page.count == "afresh":
                forget_counts()
            answer = browser.request("GET", page.path)
        if answer.status != 200:
            raise Broken(f"{page.name}: {answer.status} {answer.text()[:300]!r}")
        return answer

    def first_load(self, page: Page, answer: Answer) -> int:
        """The page's compressed bytes and those of the CSS and JS it links, as served."""
        total = len(answer.body)
        browser = self.browsers[page.who]
        for css, js in ASSET.findall(answer.text()):
            url = unescape(css or js)
            if url.startswith("/") and url not in self.assets:
                asset = browser.request("GET", url)
                self.assets[url] = len(asset.body) if asset.status == 200 else 0
            total += self.assets.get(url, 0)
        return total

    def measure(self, rounds: int, queries: dict[str, int]) -> dict[str, Measured]:
        results = {page.name: Measured(queries=queries.get(page.name, 0)) for page in self.pages}
        for page in self.pages:  # once, unmeasured: warm the workers, learn the sizes
            answer = self.one(page)
            row = results[page.name]
            row.html_bytes = len(answer.body)
            row.encoding = answer.headers.get("content-encoding", "none")
            row.first_load_bytes = self.first_load(page, answer)
        rng = random.Random(11)  # noqa: S311 (an order, not a secret)
        for n in range(rounds):
            order = list(self.pages)
            rng.shuffle(order)
            for page in order:
                results[page.name].times.append(self.one(page).seconds)
            say(f"round {n + 1}/{rounds}")
        return results


def concurrent(port: int, pages: list[Page], members: list[Browser], seconds: float) -> dict[str, Any]:
    """Thirty members reading pages at once for a while; each pauses as a person reads."""
    shared = [p for p in pages if p.everyone and p.name != "floor"]
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def member(seat: int) -> None:
        browser = members[seat % len(members)].copy(seat)
        rng = random.Random(seat)  # noqa: S311
        time.sleep(rng.uniform(0, THINK[1]))  # not all at the same instant
        while time.monotonic() < deadline:
            page = rng.choice(shared)
            try:
                answer = browser.request("GET", page.path)
                with lock:
                    times.append(answer.seconds)
                    if answer.status != 200:
                        errors.append(f"{page.name}: {answer.status}")
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(f"{page.name}: {exc!r}")
            time.sleep(rng.uniform(*THINK))
        browser.close()

    threads = [threading.Thread(target=member, args=(seat,)) for seat in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(times) or [0.0]
    return {
        "members": CONCURRENT,
        "signed_in_as": len(members),
        "seconds": seconds,
        "requests": len(times),
        "errors": len(errors),
        "error_samples": errors[:10],
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))],
    }


# Output


def met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def table(results: dict[str, Any]) -> str:
    plain, crowd = results["pages"], results.get("crowd_pages", {})
    floor = plain["floor"]["median_ms"]
    floor_crowd = crowd["floor"]["median_ms"] if crowd else None
    floor_drift = f"{floor_crowd / floor:.2f}" if floor_crowd else "-"
    lines = [
        f"Size: {results['size_text']}. Crowd: {results['crowd']} other polycules. {results['rounds']} rounds,"
        f" gunicorn {results['server']}. Times are client-measured on 127.0.0.1 (to the last byte)."
        ' "crowd / no crowd" is each page\'s median with the crowd over its median without, which'
        ' the goal is judged on; "in floors" compares its ratios to the floor instead, which'
        f" cancels a drift of the machine but carries the floor's own noise (the floor took {floor_drift}"
        " times as long with the crowd).",
        "",
        "| page | queries | median ms | p99 ms | x floor | HTML bytes | first load bytes"
        " | median ms, crowd | crowd / no crowd | in floors | goals |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, row in plain.items():
        ratio = row["median_ms"] / floor
        goals = []
        if name != "floor":
            limit = GOAL_ACK_RATIO if name.startswith("acknowledge") else GOAL_RATIO
            goals.append(f"≤{limit:g}x {met(ratio <= limit)}")
        with_crowd = crowd.get(name)
        crowd_ratio = in_floors = None
        if with_crowd and floor_crowd:
            crowd_ratio = with_crowd["median_ms"] / row["median_ms"]
            in_floors = (with_crowd["median_ms"] / floor_crowd) / ratio
            if name != "floor":
                goals.append(f"crowd ≤{GOAL_CROWD:g} {met(crowd_ratio <= GOAL_CROWD)}")
        goals.append(f"≤{GOAL_QUERIES} queries {met(row['queries'] <= GOAL_QUERIES)}")
        if not name.startswith("acknowledge"):
            goals.append(f"≤60 KB {met(row['first_load_bytes'] <= GOAL_BYTES)}")
        lines.append(
            "| "
            + " | ".join(
                [
                    name,
                    str(row["queries"]),
                    f"{row['median_ms']:.1f}",
                    f"{row['p99_ms']:.1f}",
                    f"{ratio:.2f}",
                    f"{row['html_bytes']:,} ({row['encoding']})",
                    f"{row['first_load_bytes']:,}",
                    f"{with_crowd['median_ms']:.1f}" if with_crowd else "-",
                    f"{crowd_ratio:.2f}" if crowd_ratio is not None else "-",
                    f"{in_floors:.2f}" if in_floors is not None else "-",
                    ", ".join(goals),
                ]
            )
            + " |"
        )
    c = results.get("concurrent")
    if c:
        ok = c["p99_ms"] <= GOAL_P99_MS and not c["errors"]
        lines += [
            "",
            f"{c['members']} members at once ({c['signed_in_as']} accounts signed in), {c['seconds']:g} s,"
            f" {THINK[0]}-{THINK[1]} s between pages: {c['requests']} requests, p50 {c['p50_ms']:.0f} ms,"
            f" p99 {c['p99_ms']:.0f} ms, errors {c['errors']} (goal p99 ≤ {GOAL_P99_MS:g} ms, no errors:"
            f" {met(ok)})",
        ]
    return "\n".join(lines)


def rows(measured: dict[str, Measured]) -> dict[str, dict[str, Any]]:
    return {
        name: {
            "queries": m.queries,
            "median_ms": 1000 * m.median,
            "p99_ms": 1000 * m.p99,
            "samples": len(m.times),
            "html_bytes": m.html_bytes,
            "encoding": m.encoding,
            "first_load_bytes": m.first_load_bytes,
        }
        for name, m in measured.items()
    }


# The run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--rounds", type=int, help="rounds of every page (default: 10 full, 3 small)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--seconds", type=float, help="length of the concurrent run (default: 20 full, 5 small)")
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    rounds = args.rounds or size["rounds"]
    seconds = args.seconds or SECONDS[args.size]
    database_url, admin_url = database_urls(
        os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        prefix="trellis_bench",
        variable="BENCH_DATABASE_URL",
    )
    signal.signal(signal.SIGTERM, _interrupted)

    work = Path(tempfile.mkdtemp(prefix="trellis-bench-"))
    server: subprocess.Popen[bytes] | None = None
    server_log = work / "gunicorn.log"
    began = time.monotonic()
    try:
        with environment(database_url) as env, throwaway_database(database_url, admin_url, say=say):
            with (work / "collectstatic.log").open("wb") as log:
                static = start([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env, log)
                import django
                from django.core.management import call_command

                django.setup()
                import logging

                logging.getLogger("trellis.audit").disabled = True  # this process's test client
                call_command("migrate", verbosity=0)
                call_command("createcachetable", verbosity=0)
                from home import benchdata

                say(f"writing {size['members']} members, {size['items']} items, {size['versions']} versions,"
                    f" {size['acks']} acknowledgments")  # fmt: skip
                made = benchdata.generate(
                    members=size["members"], items=size["items"], versions=size["versions"], acks=size["acks"]
                )
                say(f"written in {made.seconds['total']:.0f} s")
                if static.wait(180) != 0:
                    raise RuntimeError("collectstatic failed:\n" + tail(work / "collectstatic.log"))
            assert made.newcomer is not None
            port = free_port()
            command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
            if args.workers:
                command += ["--workers", str(args.workers)]
            server = start(command, env, server_log.open("wb"))
            wait_until_up(f"http://127.0.0.1:{port}", server)
            workers = args.workers or int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
            threads = int(os.environ.get("WEB_THREADS") or 1)
            say(f"gunicorn up ({workers} workers x {threads} threads); signing in {len(made.emails)} members")

            browsers: dict[str, Browser] = {}
            members: list[Browser] = []
            for seat, email in enumerate(made.emails):
                browser = Browser(port, seat)
                browser.sign_in(email, made.password)
                members.append(browser)
                if email == made.member:
                    browsers["member"] = browser
                if email == made.newcomer:
                    browsers["newcomer"] = browser
            pages, targets = pages_for(made.polycule, made.member)
            say(f"{len(pages)} pages; {len(targets.items)} boundaries to acknowledge; counting queries")
            emails = {"member": made.member, "newcomer": made.newcomer}
            bench = Bench(port, pages, targets, browsers)
            queries = count_queries(pages, targets, emails)
            say(f"measuring {rounds} rounds")
            plain = bench.measure(rounds, queries)

            say(f"writing the crowd: {size['crowd']} other polycules")
            crowd_made = benchdata.crowd(size["crowd"], say=say)
            say(f"crowd written in {crowd_made.seconds['total']:.0f} s; measuring again")
            queries_crowd = count_queries(pages, targets, emails)
            with_crowd = bench.measure(rounds, queries_crowd)

            say(f"{CONCURRENT} members at once for {seconds:g} s")
            together = concurrent(port, pages, members, seconds)
            stop(server)
            server = None
            errors = [line for line in server_log.read_text(errors="replace").splitlines() if SERVER_ERROR.search(line)]
            results: dict[str, Any] = {
                "size": args.size,
                "size_text": (
                    f"{size['members']} members, {size['items']:,} items, {size['versions']:,} versions,"
                    f" {size['acks']:,} acknowledgments"
                ),
                "crowd": size["crowd"],
                "rounds": rounds,
                "server": f"{workers} workers x {threads} threads, config.settings.prod",
                "generated_seconds": {"polycule": made.seconds["total"], "crowd": crowd_made.seconds["total"]},
                "pages": rows(plain),
                "crowd_pages": rows(with_crowd),
                "concurrent": together,
                "server_errors": errors[:10],
                "seconds": time.monotonic() - began,
            }
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=2))
            print(table(results))
            say(f"done in {results['seconds']:.0f} s; JSON in {args.json}")
            if errors or together["errors"]:
                for line in errors[:10]:
                    say(f"server log: {line[:300]}")
                for sample in together["error_samples"]:
                    say(f"error: {sample}")
                return 1
            return 0
    except Broken as exc:
        say(f"broken: {exc}")
        if server_log.exists():
            say("gunicorn's log ends:\n" + tail(server_log))
        return 1
    except (Interrupted, KeyboardInterrupt) as exc:
        say(f"stopped ({exc or 'interrupted'})")
        return 130
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
