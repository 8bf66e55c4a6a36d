"""Every check-in form fuzzed with hypothesis (no 500, a refusal says why and saves nothing), and
an XSS corpus written into every text a check-in shows, inert on its page and fragments."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from conversations.models import Action, CheckIn, CheckInAudience, Reconnect, Topic, TopicNote
from conversations.services import checkins as services
from relationships.models import Membership
from tests.values.build import HTMX, client, page

FUZZ = hypothesis_settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NASTY = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\r\n", "\u202e", "<script>", "x" * 3000, "-1", "0", "now", "later", "💥"]
)
# Values the forms accept, so that the fuzzer also reaches the services behind them.
PLAUSIBLE = st.sampled_from(["1", "0", "Europe/Paris", "Pacific/Kiritimati", "2030-03-31", "2001-01-01", "02:30"])
TEXT = st.one_of(st.text(max_size=300), NASTY, PLAUSIBLE)
FORGED = ["created_by", "author", "owner", "member", "polycule", "polycule_id", "checkin", "held_at", "shown_on"]
MODELS = (CheckIn, CheckInAudience, Topic, TopicNote, Action, Reconnect)


@dataclass
class World:
    ana: Membership
    ben: Membership
    checkin: CheckIn
    topic: Topic
    action: Action


@pytest.fixture
def world(ana: Membership, ben: Membership, cy: Membership) -> World:
    day = timezone.now().date() + timedelta(days=3)
    checkin = services.plan_checkin(by=ana, title="Sunday", day=day, at=time(19), time_zone="Europe/Paris")
    topic = services.add_topic(member=ana, checkin=checkin, title="Money")
    action = services.agree_action(member=ana, checkin=checkin, owner=ben, text="Call")
    return World(ana, ben, checkin, topic, action)


def url(name: str, w: World, **ids: Any) -> str:
    return reverse(f"conversations:{name}", kwargs={"polycule_id": w.ana.polycule.public_id, **ids})


@dataclass
class Form:
    name: str
    url: Callable[[World], str]
    valid: Callable[[World], dict[str, Any]]
    optional: tuple[str, ...] = ()


def _at(name: str) -> Callable[[World], str]:
    return lambda w: url(name, w, checkin_id=w.checkin.public_id)


def _planned(w: World) -> dict[str, Any]:
    day = (timezone.now() + timedelta(days=7)).date().isoformat()
    return {"title": "Monthly", "date": day, "time": "19:00", "time_zone": "Europe/Paris", "everyone": "1"}


FORMS = [
    Form("checkin_create", lambda w: url("checkin_create", w), _planned, ("audience", "when")),
    Form("topic_create", _at("topic_create"), lambda w: {"title": "Holidays"}),
    Form("note_create", lambda w: url("note_create", w, topic_id=w.topic.public_id), lambda w: {"text": "August"}),
    Form(
        "action_create",
        _at("action_create"),
        lambda w: {"text": "Book it", "owner": str(w.ben.public_id)},
        ("due_on",),
    ),
    Form("action_done", lambda w: url("action_done", w, action_id=w.action.public_id), lambda w: {}, ("shown_on",)),
    Form("reconnect", _at("reconnect"), lambda w: {"text": "Lighter"}),
    Form("checkin_hold", _at("checkin_hold"), lambda w: {}),
]


def _rows() -> tuple[Any, ...]:
    return tuple(tuple(model.objects.order_by("pk").values_list()) for model in MODELS)


def _data(valid: dict[str, Any], optional: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """A valid post with some fields dropped and others replaced by anything at all."""
    fields = (*valid, *optional) or ("nothing",)
    keys = st.one_of(st.sampled_from(fields), st.sampled_from(FORGED))
    changed = st.dictionaries(keys, st.one_of(TEXT, st.lists(TEXT, max_size=3)), max_size=3)
    dropped = st.sets(st.sampled_from(fields))
    return st.builds(
        lambda drop, change: {**{k: v for k, v in valid.items() if k not in drop}, **change}, dropped, changed
    )


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.name)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_any_input_gets_an_answer_and_a_refusal_saves_nothing(form: Form, htmx: bool, world: World) -> None:
    target = form.url(world)
    ben = client(world.ben)

    @FUZZ
    @given(data=_data(form.valid(world), form.optional))
    def post(data: dict[str, Any]) -> None:
        with transaction.atomic():
            before = _rows()
            response = ben.post(target, data, **(HTMX if htmx else {}))
            assert response.status_code < 500
            if response.status_code not in {200, 302}:
                assert response.status_code in {409, 422}, (response.status_code, data)
                assert _rows() == before, data
                assert 'class="errors"' in page(response), data
            transaction.set_rollback(True)

    post()


CORPUS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><script>alert(1)</script>",
    "{{ 7|add:7 }}{% debug %}",
]


@pytest.mark.parametrize("payload", CORPUS)
def test_an_xss_corpus_stays_inert_on_a_checkin(payload: str, ana: Membership, ben: Membership) -> None:
    day = timezone.now().date() + timedelta(days=3)
    checkin = services.plan_checkin(by=ana, title=f"title {payload}", day=day, at=time(19), time_zone="UTC")
    topic = services.add_topic(member=ben, checkin=checkin, title=f"topic {payload}")
    services.add_note(member=ana, topic=topic, text=f"note {payload}")
    services.agree_action(member=ana, checkin=checkin, owner=ben, text=f"action {payload}")
    services.reconnect(member=ben, checkin=checkin, text=f"line {payload}")
    pid = ana.polycule.public_id
    pages = [
        page(client(ben).get(checkin.get_absolute_url())),
        page(client(ben).get(reverse("conversations:checkin_list", kwargs={"polycule_id": pid}))),
        page(
            client(ben).post(
                reverse("conversations:reconnect", kwargs={"polycule_id": pid, "checkin_id": checkin.public_id}),
                {"text": f"line {payload}"},
                **HTMX,
            )
        ),
    ]
    for html in pages:
        # Template syntax in words is only text; markup must come back escaped.
        assert payload not in html or escape(payload) == payload
    assert all(escape(f"{name} {payload}") in pages[0] for name in ("title", "topic", "note", "action", "line"))
