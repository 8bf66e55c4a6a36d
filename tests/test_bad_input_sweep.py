"""Promises 16 and 18: bad input on every URL, and never a 5xx, nor a half-saved refusal.

Driven by the list of every URL the authorization matrix knows (ROUTES, and the account and
public pages of tests/test_authorization.py): each is tried, as the member who can reach it,
with wrong methods, malformed and unknown ids, missing and duplicate fields, oversized fields
and bodies, NUL bytes, invalid UTF-8 and lone surrogates, right-to-left and emoji text, HTML
and script, odd content types and charsets, huge and negative numbers. No answer may be a 5xx,
and a refused request (4xx) may leave no row behind (tests/rows.py counts them all).

To stay well under a minute, every URL gets every kind of attack but a rotating sample of the
payloads within each kind; across the sweep, every payload meets dozens of URLs.
"""

import sys
import traceback
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

import pytest
from django.conf import settings
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import reverse

from tests.matrix import MEMBER, STEWARD, World, build_world
from tests.rows import row_counts
from tests.test_authorization import ACCOUNT, PUBLIC, ROUTES

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

# One value for every field of a form, percent-encoded as it travels, so that it can carry
# bytes no text holds (invalid UTF-8, a lone surrogate's encoding).
PAYLOADS = {
    "NUL byte": "a%00b",
    "invalid UTF-8": "%FF%FE%C0%AF",
    "lone surrogate": "%ED%A0%80x%ED%BF%BF",
    "right-to-left and emoji": quote("\u202etxet\u202c 🙂 👩\u200d❤️\u200d👩 مرحبا"),
    "HTML and script": quote('<script>alert(1)</script><img src=x onerror="alert(1)">"\'&'),
    "huge number": "9" * 40,
    "negative number": "-1",
    "infinite number": "1e309",
    "oversized field": "x" * 50_000,
    "blank": "",
    "whitespace and controls": "%20%0D%0A%09%01%1B%7F",
    "unknown id": str(uuid.uuid4()),
}
# Query strings for pages: every parameter a Trellis page reads, with bad values.
QUERIES = {
    "huge numbers": "page={n}&from={n}&to={n}&version={n}".format(n="9" * 40),
    "negative numbers": "page=-1&from=-5&to=-1&needs=-1",
    "garbage and duplicates": "page=abc&page=2&person=not-a-uuid&item=not-a-uuid&kind=<script>&category=%00",
    "invalid UTF-8 and surrogates": "prompt=%FF%FE&person=%ED%A0%80&item=%00&q=%E2%80%AE%F0%9F%99%82",
    "unknown ids": f"person={uuid.uuid4()}&item={uuid.uuid4()}&prompt={uuid.uuid4()}",
}
# For the fields that take a number (a version, a number of days ...).
NUMBERS = {
    "huge": "9" * 40,
    "just over 32 bits": "2147483648",
    "just over 64 bits": "9223372036854775808",
    "negative": "-1",
    "zero": "0",
    "infinite": "1e309",
    "not a number": "NaN",
}
WRONG_METHODS = ["PUT", "PATCH", "DELETE", "OPTIONS"]
# Fields the account and public pages (allauth's) take; a form ignores the ones it lacks.
ACCOUNT_FIELDS = {
    "login": "ben@example.com",
    "email": "someone@example.com",
    "password": "correct horse battery staple",
    "oldpassword": "correct horse battery staple",
    "password1": "a long and happy password",
    "password2": "a long and happy password",
    "code": "123456",
    "name": "Ben",
    "action_add": "",
}
LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
CSRF = "a" * 32
# Answers that are not errors: /health/ says 503 until the scheduler has run.
OWN_5XX = {"notifications:health": 503}


@dataclass
class Target:
    """One URL and method, with who tries it and a valid body to spoil."""

    name: str
    label: str
    url: str
    method: str
    client: Client
    fields: dict[str, list[str]]
    # Each id in the address (as written there), and each number.
    ids: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    # Account and public pages share one guessed set of fields: no point in spoiling each.
    own_fields: bool = True


@dataclass
class Sweep:
    """Sends requests, checking each; what went wrong is kept in `problems`."""

    problems: list[str] = field(default_factory=list)
    turn: Iterator[int] = field(default_factory=count)
    errors: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    sent: int = 0

    def pick[T](self, options: list[T], many: int = 1) -> list[T]:
        """A rotating sample: across the sweep, each option comes up as often as the others."""
        start = next(self.turn)
        return [options[(start + i) % len(options)] for i in range(many)]

    def send(
        self,
        target: Target,
        what: str,
        method: str,
        url: str,
        body: bytes = b"",
        content_type: str = "application/x-www-form-urlencoded",
        expect: int | None = None,
        **extra: Any,
    ) -> None:
        if next(self.turn) % 2:
            extra["HTTP_HX_REQUEST"] = "true"
        self.errors.clear()
        extra["HTTP_X_CSRFTOKEN"] = CSRF
        response: TestResponse = target.client.generic(method, url, body, content_type=content_type, **extra)
        status = response.status_code
        where = f"{target.label} · {what} → {status}"
        if status >= 500 and OWN_5XX.get(target.name) != status:
            self.problems.append(f"{where}: {'; '.join(self.errors) or 'server error'}")
        if expect is not None and status != expect:
            self.problems.append(f"{where}, expected {expect}")
        after = row_counts()
        if 400 <= status < 500 and after != self.rows:
            changed = sorted(label for label in after if after[label] != self.rows.get(label))
            self.problems.append(f"{where}: refused, yet rows changed in {changed}")
        self.rows = after
        self.sent += 1


def _encode(fields: dict[str, list[str]]) -> str:
    return "&".join(f"{quote_plus(name)}={quote_plus(value)}" for name, values in fields.items() for value in values)


def _spoiled(fields: dict[str, list[str]], payload: str) -> str:
    return "&".join(f"{quote_plus(name)}={payload}" for name in fields)


def _sweep_post(sweep: Sweep, target: Target) -> None:
    url, fields = target.url, target.fields
    valid = _encode(fields).encode()
    form = "application/x-www-form-urlencoded"
    for method in sweep.pick(WRONG_METHODS):
        sweep.send(target, f"method {method}", method, url, valid)
    sweep.send(target, "no fields", "POST", url, b"")
    if fields and target.own_fields:
        duplicated = valid + b"&" + _spoiled(fields, sweep.pick(list(PAYLOADS.values()))[0]).encode()
        sweep.send(target, "every field twice", "POST", url, duplicated)
    if len(fields) > 1 and target.own_fields:
        missing = sweep.pick(list(fields))[0]
        rest = {name: values for name, values in fields.items() if name != missing}
        sweep.send(target, f"without {missing}", "POST", url, _encode(rest).encode())
    for name in sweep.pick(list(PAYLOADS), many=2):
        body = _spoiled(fields or {"text": []}, PAYLOADS[name]).encode()
        sweep.send(target, f"every field: {name}", "POST", url, body)
    numeric = [name for name, values in fields.items() if values and all(v.lstrip("-").isdigit() for v in values)]
    for name in sweep.pick(list(NUMBERS), many=2) if numeric else []:
        spoiled = {**fields, **{field: [NUMBERS[name]] for field in numeric}}
        sweep.send(target, f"numbers: {name}", "POST", url, _encode(spoiled).encode())
    shapes: dict[str, tuple[bytes, str, int | None]] = {
        "charset utf-16": (valid.decode().encode("utf-16"), f"{form}; charset=utf-16", 400),
        "charset nonsense": (valid, f"{form}; charset=nonsense", 400),
        "plain text": (valid, "text/plain", None),
        "JSON": (b'{"a": [1, {"b": null}], "c": "\\ud800"}', "application/json", None),
        "broken multipart": (
            b"--xyz\r\nContent-Disposition: form-data\r\n\r\n",
            "multipart/form-data; boundary=xyz",
            None,
        ),
        "multipart without boundary": (valid, "multipart/form-data", None),
        "no content type": (valid, "", None),
        "body over the limit": (valid + b"&filler=" + b"x" * LIMIT, form, 413),
        "too many fields": (
            b"&".join(b"f%d=1" % i for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)),
            form,
            None,  # 413 where the body is read; a view that reads nothing never learns of it
        ),
    }
    for shape in sweep.pick(list(shapes), many=2):
        body, content_type, expect = shapes[shape]
        # An empty body travels without a content type: nothing to refuse.
        sweep.send(target, shape, "POST", url, body, content_type, expect=expect if body else None)
    _sweep_ids(sweep, target, "POST", valid)


def _sweep_get(sweep: Sweep, target: Target) -> None:
    for method in sweep.pick([*WRONG_METHODS, "POST"]):
        sweep.send(target, f"method {method}", method, target.url)
    for name in sweep.pick(list(QUERIES)):
        sweep.send(target, f"query: {name}", "GET", f"{target.url}?{QUERIES[name]}")
    _sweep_ids(sweep, target, "GET", b"")


def _sweep_ids(sweep: Sweep, target: Target, method: str, body: bytes) -> None:
    variants = [(f"unknown {id_}", target.url.replace(id_, str(uuid.uuid4()))) for id_ in target.ids]
    variants += [(f"malformed {id_}", target.url.replace(id_, "not-an-id%00")) for id_ in target.ids]
    picked = sweep.pick(variants) if variants else []
    # Few addresses hold a number: each gets every bad one.
    for number in target.numbers:
        picked += [
            (f"{name} number in the address", target.url.replace(f"/{number}/", f"/{value}/"))
            for name, value in NUMBERS.items()
            if value.isdigit()
        ]
    for what, url in picked:
        sweep.send(target, what, method, url, body, expect=404)


def _fields(data: dict[str, Any]) -> dict[str, list[str]]:
    return {name: [str(v) for v in value] if isinstance(value, list) else [str(value)] for name, value in data.items()}


def _route_targets(world: World, app: str, clients: dict[str, Client]) -> Iterator[Target]:
    for route in ROUTES:
        if route.name.split(":")[0] != app:
            continue
        kwargs = route.kwargs(world)
        persona = MEMBER if route.expected(MEMBER) < 400 else STEWARD
        yield Target(
            name=route.name,
            label=f"{route.id} as {persona}",
            url=reverse(route.name, kwargs=kwargs),
            method=route.method,
            client=clients[persona],
            fields=_fields(route.data(world)),
            ids=[str(v) for v in kwargs.values() if isinstance(v, uuid.UUID) or _is_uuid(v)],
            numbers=[str(v) for v in kwargs.values() if isinstance(v, int)],
        )


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _page_targets(names: Mapping[str, dict[str, Any]], client: Client, who: str) -> Iterator[Target]:
    for name, kwargs in sorted(names.items()):
        url = reverse(name, kwargs=kwargs)
        for method in ("get", "post"):
            yield Target(name, f"{name}:{method} {who}", url, method, client, _fields(ACCOUNT_FIELDS), own_fields=False)


PUBLIC_KWARGS: dict[str, dict[str, str]] = {
    "relationships:invitation_open": {"token": "x" * 64},
    "notifications:unsubscribe": {"token": "x" * 64},
    "notifications:feed": {"token": "x" * 64},
    "account_confirm_email": {"key": "nonsense"},
    "account_reset_password_from_key": {"uidb36": "zz", "key": "nonsense"},
}
GROUPS = ["relationships", "values", "conversations", "home", "notifications", "account pages", "public pages"]


@pytest.fixture
def sweep(db: None) -> Iterator[Sweep]:
    sweep = Sweep()

    def _keep(sender: object, **kwargs: object) -> None:
        kind, error, _ = sys.exc_info()
        if error is not None:
            frames = traceback.extract_tb(error.__traceback__)[-2:]
            sweep.errors.append(f"{kind.__name__ if kind else ''}: {error} at {traceback.format_list(frames)}")

    got_request_exception.connect(_keep)
    sweep.rows = row_counts()
    yield sweep
    got_request_exception.disconnect(_keep)


def _browser_like(user: Any = None) -> Client:
    """A client that passes CSRF checks the way a browser does, so that the checks run."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF
    return client


@pytest.mark.parametrize("group", GROUPS)
def test_no_url_answers_bad_input_with_a_server_error_or_saves_a_refused_request(group: str, sweep: Sweep) -> None:
    world = build_world()
    clients: dict[str, Client] = {}
    for persona in (MEMBER, STEWARD):
        membership = world.persona(persona)
        assert membership is not None
        clients[persona] = _browser_like(membership.user)
    if group == "account pages":
        targets = list(_page_targets(ACCOUNT, clients[MEMBER], "as member"))
    elif group == "public pages":
        kwargs = {name: PUBLIC_KWARGS.get(name, {}) for name in PUBLIC}
        targets = list(_page_targets(kwargs, _browser_like(), "signed out"))
    else:
        targets = list(_route_targets(world, group, clients))
    assert targets
    sweep.rows = row_counts()
    for target in targets:
        if target.method == "post":
            _sweep_post(sweep, target)
        else:
            _sweep_get(sweep, target)
    print(f"{group}: {len(targets)} URLs and methods, {sweep.sent} requests")
    assert not sweep.problems, "\n".join(sweep.problems)


def test_every_url_of_the_matrix_is_swept() -> None:
    swept = {route.name.split(":")[0] for route in ROUTES}
    assert swept <= set(GROUPS), f"Add these apps to GROUPS: {sorted(swept - set(GROUPS))}"
