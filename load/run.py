"""``make load``: thirty members of one polycule reading and acting at once against gunicorn with
production settings and PostgreSQL, then the database compared with what each of them was told.

    uv run python -m load.run --seconds 30

1. creates a database of its own on the PostgreSQL server (``trellis_load`` unless
   ``LOAD_DATABASE_URL`` names another whose name starts with ``trellis_load``), migrates it and
   collects the static files, as a deploy does;
2. seeds one polycule of thirty members with known passwords, a boundary each and a few values
   and agreements adopted by everyone's answer (through the services);
3. starts gunicorn (``config.settings.prod``, 4 workers, 127.0.0.1 only) behind a pretend TLS
   proxy (``X-Forwarded-Proto``, ``X-Forwarded-For``, ``TRUSTED_PROXY_COUNT=1``);
4. runs locust headless (``load/locustfile.py``): each member signs in through the sign-in form
   and opens the dashboard, the polycule, the item list and items; acknowledges boundaries,
   changes their own, proposes and answers proposals and comments, each write carrying a token;
5. stops gunicorn and checks the database against the log of writes: every write the server
   said it saved is there exactly once and as it was sent, nothing refused was saved, nothing
   was saved that nobody sent, each item's versions are numbered 1..n without gaps, and
   proposals were adopted exactly when everyone had answered and nobody objected;
6. prints requests, errors, 409s, p50 and p99 and the check's result, and drops the database,
   whatever happened. The exit code is 1 on any unexpected answer, server error or failed check.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType
from typing import IO
from urllib.parse import urlsplit, urlunsplit

from load.plan import OK, STALE, UNANSWERED, Member, Plan, Results, Write

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/trellis_load"
PASSWORD = "load-test members' own password 2026"
NAMES = [
    "Ana", "Ben", "Cy", "Dee", "Eli", "Fen", "Gus", "Hana", "Ira", "Jo",
    "Kai", "Lee", "Mo", "Noor", "Oli", "Pia", "Quin", "Rae", "Sol", "Tam",
    "Uma", "Vic", "Wren", "Xan", "Yael", "Zoe", "Ash", "Bea", "Cal", "Dru",
]  # fmt: skip
SIGN_IN_BUDGET = 180  # seconds for thirty password checks on a busy machine
TOKEN = re.compile(r"load-[0-9a-f]{10}")
# What gunicorn and Django write when something broke: a traceback, an error, a worker killed.
SERVER_ERROR = re.compile(r"Traceback|\bERROR\b|\bCRITICAL\b|Internal Server Error")


def say(message: str) -> None:
    print(f"[load] {message}", flush=True)


class Interrupted(Exception):
    pass


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(f"signal {signum}")


# The database


def database_urls(url: str, *, prefix: str = "trellis_load", variable: str = "LOAD_DATABASE_URL") -> tuple[str, str]:
    """The run's database URL and the server's maintenance database URL, refusing any name not
    made for this: the run drops the database it names."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(rf"{prefix}[a-z0-9_]*", name):
        raise SystemExit(f"{variable} must name a database called {prefix}..., not {name!r}.")
    return url, urlunsplit(parts._replace(path="/postgres"))


def recreate(admin_url: str, name: str, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


@contextmanager
def throwaway_database(database_url: str, admin_url: str, *, say: Callable[[str], None]) -> Iterator[None]:
    """A new, empty database for the run (an old one of that name is dropped), dropped again
    when the run ends, however it ends, after this process's own connections close."""
    name = urlsplit(database_url).path.lstrip("/")
    recreate(admin_url, name, create=True)
    say(f"database {name} created; migrating and collecting static files")
    try:
        yield
    finally:
        with suppress(Exception):
            from django.db import connections

            connections.close_all()
        recreate(admin_url, name, create=False)
        say(f"database {name} dropped")


# Processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(command: list[str], env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    # Its own process group, so that stopping it stops its children (gunicorn's workers) too.
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603


def stop(process: subprocess.Popen[bytes] | None, *, grace: float = 15) -> None:
    if process is None or process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url + "/accounts/login/", headers={"X-Forwarded-Proto": "https"})  # noqa: S310
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (our own 127.0.0.1)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute")


def tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


# Seeding


def seed(members: int) -> Plan:
    """One polycule of ``members`` people, a boundary each, and values and agreements everyone
    adopted. One password hash for all: hashing thirty times would take longer than the run."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from accounts.models import User
    from relationships import services as relationships
    from relationships.models import Membership
    from values import services as values
    from values.models import Category, Kind, Response

    hashed = make_password(PASSWORD)
    names = [NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i)) for i in range(members)]
    users = User.objects.bulk_create(
        User(email=f"member{i:02}@load.trellis.test", name=name, password=hashed) for i, name in enumerate(names)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    steward = relationships.create_polycule(user=users[0], name="The load-test polycule", display_name=names[0])
    polycule = steward.polycule
    Membership.objects.bulk_create(
        Membership(polycule=polycule, user=user, display_name=name, role=Membership.Role.MEMBER)
        for user, name in zip(users[1:], names[1:], strict=True)
    )
    memberships = [steward, *Membership.objects.filter(polycule=polycule).exclude(pk=steward.pk).order_by("pk")]
    plan_members = []
    for membership, name in zip(memberships, names, strict=True):
        boundary = values.create_boundary(
            owner=membership,
            title=f"{name}'s weeknights",
            text="Tell me before you stay over on a weeknight.",
            why="Mornings are hard when I don't know.",
            category=Category.HOME,
        )
        plan_members.append(Member(email=membership.user.email, name=name, boundary=str(boundary.public_id)))
    shared = []
    for kind, title in [
        (Kind.VALUE, "Honesty first"),
        (Kind.AGREEMENT, "Sunday check-ins"),
        (Kind.AGREEMENT, "Safer sex"),
        (Kind.AGREEMENT, "Calendars are shared"),
    ]:
        proposal = values.propose_new(
            proposer=steward, kind=kind, title=title, text=f"{title}, for all of us.", why="We said so."
        )
        # Everyone else consents; the last answer goes through the service, which adopts it.
        assert proposal.revision is not None
        Response.objects.bulk_create(
            Response(
                revision=proposal.revision,
                member=m,
                polycule=polycule,
                item=proposal.item,
                proposal=proposal,
                answer=Response.Answer.CONSENT,
            )
            for m in memberships[1:-1]
        )
        values.respond(member=memberships[-1], proposal=proposal, revision_number=1, answer=Response.Answer.CONSENT)
        proposal.item.refresh_from_db()
        assert proposal.item.current_version is not None, "seeded proposal not adopted"
        shared.append(str(proposal.item.public_id))
    # One proposal open from the start, answered by all but six: they answer during the run,
    # and the last of them, racing the others, adopts it.
    open_one = values.propose_change(
        proposer=steward,
        item=proposal.item,
        base_number=1,
        title="Calendars are shared, a week ahead",
        text="Plans go in the shared calendar a week ahead.",
        why="Surprises on Friday are hard.",
    )
    assert open_one.revision is not None
    Response.objects.bulk_create(
        Response(
            revision=open_one.revision,
            member=m,
            polycule=polycule,
            item=open_one.item,
            proposal=open_one,
            answer=Response.Answer.CONSENT,
        )
        for m in memberships[1 : max(1, members - 6)]
    )
    return Plan(
        polycule=str(polycule.public_id),
        password=PASSWORD,
        members=plan_members,
        boundaries=[m.boundary for m in plan_members],
        shared=shared,
    )


def high_water() -> dict[str, int]:
    """The highest id of each table the members write to: rows above it were made by the run."""
    from django.db.models import Max, Model

    from conversations.models import CommentRevision, Discussion
    from values.models import Acknowledgment, Proposal, Response, Version

    models: dict[str, type[Model]] = {
        "ack": Acknowledgment,
        "version": Version,
        "proposal": Proposal,
        "response": Response,
        "comment": CommentRevision,
        "discussion": Discussion,
    }
    return {key: model._default_manager.aggregate(top=Max("pk"))["top"] or 0 for key, model in models.items()}


# The check


class Check:
    """The database against the log of writes. ``problems`` stays empty when nothing was lost,
    duplicated, altered or invented, and every rule held."""

    def __init__(self, plan: Plan, writes: list[Write], seeded: dict[str, int]) -> None:
        self.plan = plan
        self.writes = {w.token: w for w in writes}
        self.seeded = seeded
        self.found: Counter[str] = Counter()
        self.problems: list[str] = []
        self.adopted = 0
        self.still_open: list[str] = []

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def saw(self, kind: str, text: str, *, member: str, item: str, number: int, proposal: str = "") -> None:
        """A row the run made: it must carry the token of a write of this kind and match it."""
        match = TOKEN.search(text)
        write = self.writes.get(match.group(0)) if match else None
        if write is None or write.kind != kind:
            self.problem(f"a {kind} in the database that no member sent: {text[:80]!r}")
            return
        self.found[write.token] += 1
        expected = write.number + 1 if kind == "edit" else write.number
        sent = (write.member, write.item or item, expected, write.proposal or proposal)
        if (member, item, number, proposal) != sent:
            self.problem(f"{kind} {write.token} saved as {(member, item, number, proposal)}, sent as {sent}")

    def run(self) -> None:
        self.rows()
        self.each_write()
        self.versions()
        self.adoptions()
        self.discussions()

    def rows(self) -> None:
        from conversations.models import CommentRevision
        from values.models import Acknowledgment, Kind, Proposal, Response, Version

        for ack in Acknowledgment.objects.filter(pk__gt=self.seeded["ack"]).select_related(
            "version__item", "member__user"
        ):
            item = str(ack.version.item.public_id)
            self.saw("ack", ack.note, member=ack.member.user.email, item=item, number=ack.version.number)
        for version in Version.objects.filter(pk__gt=self.seeded["version"], item__kind=Kind.BOUNDARY).select_related(
            "item", "author__user"
        ):
            item = str(version.item.public_id)
            self.saw("edit", version.text, member=version.author.user.email, item=item, number=version.number)
        for proposal in Proposal.objects.filter(pk__gt=self.seeded["proposal"]).select_related(
            "item", "proposer__user", "revision", "base_version"
        ):
            assert proposal.revision is not None
            self.saw(
                "propose",
                proposal.revision.text,
                member=proposal.proposer.user.email,
                item=str(proposal.item.public_id),
                number=proposal.base_version.number if proposal.base_version else 0,
                proposal=str(proposal.public_id),
            )
        for response in Response.objects.filter(pk__gt=self.seeded["response"]).select_related(
            "revision__proposal__item", "revision__proposal__proposer", "member__user"
        ):
            proposal = response.revision.proposal
            if (
                not response.note
                and response.member_id == proposal.proposer_id
                and proposal.pk > self.seeded["proposal"]
            ):
                continue  # putting a proposal forward is the proposer's own consent
            self.saw(
                "respond",
                response.note,
                member=response.member.user.email,
                item=str(proposal.item.public_id),
                number=response.revision.number,
                proposal=str(proposal.public_id),
            )
        for revision in CommentRevision.objects.filter(pk__gt=self.seeded["comment"]).select_related(
            "comment__author__user", "comment__discussion__item"
        ):
            about = revision.comment.discussion.item
            self.saw(
                "comment",
                revision.text,
                member=revision.comment.author.user.email,
                item=str(about.public_id) if about else "",
                number=0,
            )

    def each_write(self) -> None:
        for token, write in self.writes.items():
            found = self.found[token]
            if write.outcome == OK and found != 1:
                self.problem(f"{write.kind} {token}: saved (HTTP {write.status}) but found {found} times")
            elif write.outcome == UNANSWERED and found > 1:
                self.problem(f"{write.kind} {token}: unanswered but found {found} times")
            elif write.outcome not in (OK, UNANSWERED) and found:
                self.problem(f"{write.kind} {token}: refused (HTTP {write.status}) but saved")

    def versions(self) -> None:
        from values.models import Item, Kind, Proposal

        for item in Item.objects.filter(polycule__public_id=self.plan.polycule).prefetch_related("versions"):
            numbers = [v.number for v in item.versions.all()]
            if sorted(numbers) != list(range(1, len(numbers) + 1)):
                self.problem(f"item {item.public_id}: version numbers {sorted(numbers)}, not 1..{len(numbers)}")
            current = max(item.versions.all(), key=lambda v: v.number, default=None)
            if current is None or item.current_version_id != current.pk:
                self.problem(f"item {item.public_id}: its current version is not its newest")
            if item.kind != Kind.BOUNDARY:
                adopted = Proposal.objects.filter(item=item, status=Proposal.Status.ADOPTED).count()
                if adopted != len(numbers):
                    self.problem(f"item {item.public_id}: {len(numbers)} versions, {adopted} adopted proposals")

    def adoptions(self) -> None:
        """Adopted exactly when every member had answered the current wording and nobody objected."""
        from values import selectors
        from values.models import Proposal, Response

        proposals = Proposal.objects.filter(item__polycule__public_id=self.plan.polycule)
        for proposal in proposals.select_related("item__current_version", "revision", "base_version"):
            latest = selectors.latest_responses(proposal)
            members = proposal.item.audience()
            everyone = all(m.pk in latest and latest[m.pk].answer != Response.Answer.OBJECT for m in members)
            if proposal.status == Proposal.Status.ADOPTED:
                self.adopted += proposal.change != Proposal.Change.CREATE  # those of the seed aside
                version = getattr(proposal, "adopted_version", None)
                base = proposal.base_version
                if not everyone:
                    self.problem(f"proposal {proposal.public_id}: adopted before everyone answered")
                if version is None or version.number != (base.number + 1 if base else 1):
                    self.problem(f"proposal {proposal.public_id}: adopted without the next version")
            elif proposal.is_open:
                current = proposal.item.current_version_id == proposal.base_version_id
                if everyone and current:
                    self.problem(f"proposal {proposal.public_id}: everyone answered, still not adopted")
                waiting = sum(1 for m in members if m.pk not in latest)
                self.still_open.append(f"{waiting} answers to go" if current else "written against an old version")

    def discussions(self) -> None:
        from django.db.models import Count

        from conversations.models import Discussion

        doubled = (
            Discussion.objects.values("item", "version", "proposal", "round")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .count()
        )
        if doubled:
            self.problem(f"{doubled} things have more than one discussion")


# The run


@contextmanager
def environment(database_url: str) -> Iterator[dict[str, str]]:
    settings = {
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "EMAIL_URL": "locmem://",
        "TRUSTED_PROXY_COUNT": "1",
        "PYTHONPATH": str(ROOT),
    }
    saved = {key: os.environ.get(key) for key in [*settings, "REDIS_URL"]}
    os.environ.pop("REDIS_URL", None)  # the cache lives in the load database, not a shared Redis
    os.environ.update(settings)
    try:
        yield dict(os.environ)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def report(results: Results, check: Check, seconds: int, users: int, workers: int) -> None:
    saved = Counter(w.kind for w in results.writes if w.outcome == OK)
    stale = Counter(w.kind for w in results.writes if w.outcome == STALE)
    unanswered = sum(1 for w in results.writes if w.outcome == UNANSWERED)
    print()
    print(f"Load: {users} members for {seconds} s against gunicorn ({workers} workers) and PostgreSQL")
    print(f"  requests      {results.requests}")
    print(f"  errors        {results.errors}")
    print(f"  409 (stale)   {results.stale}  ({', '.join(f'{k} {n}' for k, n in sorted(stale.items())) or 'none'})")
    print(f"  p50           {results.p50_ms:.0f} ms   (signed-in requests; signing in is on its own lines below)")
    print(f"  p99           {results.p99_ms:.0f} ms   (max {results.max_ms:.0f} ms)")
    kinds = ["ack", "edit", "propose", "respond", "comment"]
    print(f"  writes saved  {sum(saved.values())}  ({', '.join(f'{k} {saved[k]}' for k in kinds)})")
    print(f"  adopted       {check.adopted} proposals; still open: {'; '.join(check.still_open) or 'none'}")
    if unanswered:
        print(f"  unanswered    {unanswered} writes cut off by the end of the run (allowed once or not at all)")
    print("  by request    requests / errors / p50 / p99 (ms)")
    for name, row in results.by_name.items():
        print(
            f"    {name:<28} {row['requests']:>6.0f} {row['errors']:>4.0f} {row['p50_ms']:>6.0f} {row['p99_ms']:>6.0f}"
        )
    for sample in results.error_samples:
        print(f"  error: {sample}")
    if check.problems:
        print(f"  consistency   FAILED ({len(check.problems)} problems)")
        for problem in check.problems[:30]:
            print(f"    - {problem}")
    else:
        print(
            "  consistency   ok: every saved write is in the database exactly once and as sent, no refused"
            " write was saved, nothing unsent was saved, versions are numbered 1..n without gaps,"
            " proposals were adopted exactly when everyone had answered"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOAD_SECONDS", "30")))
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOAD_USERS", "30")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("LOAD_WORKERS", "4")))
    args = parser.parse_args(argv)
    database_url, admin_url = database_urls(os.environ.get("LOAD_DATABASE_URL", DEFAULT_DATABASE_URL))
    signal.signal(signal.SIGTERM, _interrupted)

    work = Path(tempfile.mkdtemp(prefix="trellis-load-"))
    server: subprocess.Popen[bytes] | None = None
    swarm: subprocess.Popen[bytes] | None = None
    server_log = work / "gunicorn.log"
    swarm_log = work / "locust.log"
    try:
        with environment(database_url) as env, throwaway_database(database_url, admin_url, say=say):
            started = time.monotonic()
            with (work / "collectstatic.log").open("wb") as log:
                static = start([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env, log)
                import django
                from django.core.management import call_command

                django.setup()
                call_command("migrate", verbosity=0)
                call_command("createcachetable", verbosity=0)
                say(f"migrated in {time.monotonic() - started:.0f} s")
                plan = seed(args.users)
                seeded = high_water()
                if static.wait(120) != 0:
                    raise RuntimeError("collectstatic failed:\n" + tail(work / "collectstatic.log"))
            plan.save(work / "plan.json")
            say(f"seeded {len(plan.members)} members in {time.monotonic() - started:.0f} s; starting gunicorn")

            port = free_port()
            url = f"http://127.0.0.1:{port}"
            server = start(
                [
                    sys.executable, "-m", "gunicorn", "config.wsgi",
                    "--bind", f"127.0.0.1:{port}",
                    "--workers", str(args.workers),
                    "--no-control-socket",
                    "--preload",
                    "--timeout", "60",
                    "--graceful-timeout", "10",
                ],
                env,
                server_log.open("wb"),
            )  # fmt: skip
            wait_until_up(url, server)
            up = time.monotonic()

            say(f"{args.users} members for {args.seconds} s")
            results_path = work / "results.json"
            swarm_env = {
                **env,
                "LOAD_PLAN": str(work / "plan.json"),
                "LOAD_RESULTS": str(results_path),
                "LOAD_USERS": str(args.users),
                "LOAD_SECONDS": str(args.seconds),
            }
            swarm = start(
                [
                    sys.executable, "-m", "locust",
                    "-f", str(ROOT / "load" / "locustfile.py"),
                    "--headless", "--only-summary",
                    "--users", str(args.users),
                    "--spawn-rate", "10",
                    "--stop-timeout", "10",
                    "--host", url,
                    "--loglevel", "WARNING",
                    "--exit-code-on-error", "0",
                ],
                swarm_env,
                swarm_log.open("wb"),
            )  # fmt: skip
            # Signing in comes first (the locustfile starts the clock once everyone is in).
            if swarm.wait(SIGN_IN_BUDGET + args.seconds + 60) != 0 or not results_path.exists():
                raise RuntimeError("locust failed:\n" + tail(swarm_log))
            swarm = None
            say(f"signing in and the run took {time.monotonic() - up:.0f} s")
            stop(server)
            results = Results.load(results_path)

            check = Check(plan, results.writes, seeded)
            check.run()
            server_errors = [
                line for line in server_log.read_text(errors="replace").splitlines() if SERVER_ERROR.search(line)
            ]
            for line in server_errors[:10]:
                check.problem(f"server log: {line[:200]}")
            for kind in ("ack", "edit", "respond", "comment"):
                if not any(w.kind == kind and w.outcome == OK for w in results.writes):
                    check.problem(f"no {kind} was saved: the run did not exercise it")
            report(results, check, args.seconds, args.users, args.workers)
            if server_errors:
                print("\n".join(["", "gunicorn's log ends:", tail(server_log)]))
            return 1 if results.errors or check.problems else 0
    except (Interrupted, KeyboardInterrupt) as exc:
        say(f"stopped ({exc or 'interrupted'})")
        return 130
    finally:
        stop(swarm, grace=5)
        stop(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
