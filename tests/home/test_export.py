"""Promises 11, 13 and 21 for the export: a person's data is theirs to take, behind
re-authentication, and it holds nothing private to anyone else."""

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import audit
from accounts.models import User
from conversations.services import discussions, rounds
from home.export import export
from relationships.models import Membership
from relationships.services import leave_polycule
from tests.factories import PASSWORD
from tests.home import export_world as w
from values import services
from values.models import Acknowledgment

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

EXPORT = reverse("home:export")
DOWNLOAD = reverse("home:export_download")


@pytest.fixture
def cast(db: None) -> w.Cast:
    return w.build()


def _everyone(cast: w.Cast) -> list[Membership]:
    return [cast.ana, cast.ben, cast.cy, cast.dee, cast.eve, cast.zed]


def _text(user: User) -> str:
    return json.dumps(export(user), ensure_ascii=False)


def _fresh_client(user: User) -> Client:
    """Signed in, and just now asked for the password again."""
    client = Client()
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def _stale_client(user: User) -> Client:
    """Signed in a while ago (force_login records no authentication): asked to re-authenticate."""
    client = Client()
    client.force_login(user)
    return client


def _asks_to_reauthenticate(response: "TestResponse") -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))


# What is in it, and what never is (promise 13)


def test_no_export_holds_words_private_to_someone_else(cast: w.Cast) -> None:
    forbidden = w.forbidden(cast)
    for member in _everyone(cast):
        text = _text(member.user)
        for word in forbidden[member.display_name]:
            assert word not in text, f"{word} reached {member.display_name}'s export"


def test_each_export_holds_what_its_person_may_see(cast: w.Cast) -> None:
    """The canaries are really there for those who may read them: the test above is not passed by
    an empty file."""
    may = {
        "Ana": (w.JOURNAL, w.PRIVATE_ITEM, w.PRIVATE_CHOICE, w.SHARED, w.SHARED_WHY, w.CURRENT_NOTE, w.COMMENT),
        "Ben": (w.SEALED, w.PRIVATE_ITEM, w.PRIVATE_CHOICE, w.ANSWER_TO_CY, w.OLD_NOTE, w.CURRENT_NOTE, w.AFTER_EVE),
        "Cy": (w.ANSWER_TO_CY, w.SHARED, w.CURRENT_NOTE, w.COMMENT, "Two weeks in August."),
        "Eve": (w.EVE_WROTE,),
    }
    for member in (cast.ana, cast.ben, cast.cy, cast.eve):
        text = _text(member.user)
        for word in may[member.display_name]:
            assert word in text, f"{word} is missing from {member.display_name}'s export"


def test_a_sealed_answer_is_in_everyones_export_once_revealed(cast: w.Cast) -> None:
    assert w.SEALED not in _text(cast.cy.user)
    rounds.answer(member=cast.cy, round=cast.sealed, text="Cy's answer")
    rounds.answer(member=cast.ana, round=cast.sealed, text="Ana's answer")
    assert w.SEALED in _text(cast.cy.user)
    assert w.SEALED in _text(cast.ana.user)


def test_the_document_has_its_documented_shape(cast: w.Cast) -> None:
    document = export(cast.ana.user)
    assert document["format"] == "trellis-export"
    assert document["format_version"] == 1
    assert set(document) == {"format", "format_version", "exported_at", "account", "journal", "drafts", "polycules"}
    assert document["account"]["email"] == cast.ana.user.email
    assert [a["email"] for a in document["account"]["email_addresses"]] == [cast.ana.user.email]
    [here] = document["polycules"]
    assert here["status"] == "member"
    assert set(here) == {
        *("id", "name", "status", "you", "members", "items", "proposals", "suggestions"),
        *("discussions", "choices", "what_ifs", "check_ins"),
    }
    shared = next(i for i in here["items"] if i["id"] == str(cast.shared.public_id))
    assert [v["number"] for v in shared["versions"]] == [1, 2]
    assert shared["current_version"] == 2
    # Who acknowledged which version, and when; an old version's notes stay with their writers.
    [v1, v2] = shared["versions"]
    assert [(a["by"]["name"], a["note"]) for a in v1["acknowledgments"]] == [("Ben", None), ("Eve", None)]
    assert [(a["by"]["name"], a["note"]) for a in v2["acknowledgments"]] == [("Cy", w.CURRENT_NOTE)]
    [value] = here["proposals"]
    assert value["status"] == "adopted"
    assert {r["by"]["name"] for r in value["responses_to_current_wording"]} == {"Ana", "Ben", "Cy"}
    assert [r["answer"] for r in value["your_responses"]] == ["consent"]
    assert [e["text"] for e in document["journal"]] == [f"I am tired of saying yes. {w.JOURNAL}"]
    assert len(document["drafts"]) == 1


def test_choice_answers_are_read_by_who_shared_it_and_by_each_for_their_own(cast: w.Cast) -> None:
    def answers(member: Membership) -> dict[str, list[tuple[str, str]]]:
        [here] = export(member.user)["polycules"]
        return {c["text"]: [(a["by"]["name"], a["note"]) for a in c["answers"]] for c in here["choices"]}

    festival = "I am going to the festival with Noor."
    assert sorted(answers(cast.cy)[festival]) == [("Ana", "Have fun."), ("Ben", w.ANSWER_TO_CY)]
    assert answers(cast.ana)[festival] == [("Ana", "Have fun.")]
    assert answers(cast.ben)[festival] == [("Ben", w.ANSWER_TO_CY)]
    assert w.PRIVATE_CHOICE not in answers(cast.cy)


def test_words_back_are_read_by_who_wrote_them_and_to_whom_alone(cast: w.Cast) -> None:
    def written_back(member: Membership) -> list[tuple[str, str]]:
        [here] = export(member.user)["polycules"]
        return [(r["to"]["name"], r["note"]) for c in here["choices"] for r in c["written_back"]]

    assert written_back(cast.cy) == written_back(cast.ben) == [("Ben", w.WORDS_BACK)]
    assert written_back(cast.ana) == []
    leave_polycule(membership=cast.cy)
    [left] = export(cast.cy.user)["polycules"]
    assert [r["note"] for r in left["written"]["choice_words_back"]] == [w.WORDS_BACK]


def test_a_former_member_gets_only_what_they_wrote(cast: w.Cast) -> None:
    document = export(cast.eve.user)
    [there] = document["polycules"]
    assert there["status"] == "former member"
    assert "items" not in there
    assert [a["note"] for a in there["written"]["acknowledgments"]] == [w.EVE_WROTE]
    assert there["you"]["left_at"] is not None


def test_someone_in_no_polycule_gets_their_account_alone(user: User) -> None:
    document = export(user)
    assert document["polycules"] == []
    assert document["account"]["email"] == user.email


def test_the_query_count_does_not_grow_with_the_data(cast: w.Cast) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            export(cast.ben.user)
        return len(queries)

    before = count()
    for n in range(6):
        item = services.create_boundary(owner=cast.ana, title=f"More {n}", text="More.", why="Because.")
        services.acknowledge(
            member=cast.ben, item=item, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD, note="ok"
        )
        services.revise_boundary(owner=cast.ana, item=item, base_number=1, title=f"More {n}", text="Again.", why="")
        discussions.comment_about(author=cast.cy, item=item, text=f"Comment {n}")
    assert count() == before


# The pages (promise 11: re-authentication)


def test_the_export_page_and_the_download_ask_for_reauthentication(cast: w.Cast) -> None:
    client = _stale_client(cast.ana.user)
    assert _asks_to_reauthenticate(client.get(EXPORT))
    assert _asks_to_reauthenticate(client.get(DOWNLOAD))


def test_reauthenticating_leads_back_to_the_export_page(cast: w.Cast) -> None:
    client = _stale_client(cast.ana.user)
    url = f"{reverse('account_reauthenticate')}?next={EXPORT}"
    response = client.post(url, {"password": PASSWORD, "next": EXPORT})
    assert response.status_code == 302
    assert response["Location"] == EXPORT
    page = client.get(EXPORT)
    assert page.status_code == 200
    assert "Download my data" in page.content.decode()


def test_the_export_page_explains_the_file_and_links_to_each_print_page(cast: w.Cast) -> None:
    html = _fresh_client(cast.ana.user).get(EXPORT).content.decode()
    assert "only what you wrote" in html
    assert reverse("home:export_download") in html
    assert reverse("home:agreements_print", args=[cast.ana.polycule.public_id]) in html


def test_the_download_is_a_json_attachment_that_no_one_caches(cast: w.Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    recorded: list[tuple[str, Any]] = []
    real = audit.record

    def spy(action: str, **kwargs: Any) -> None:
        recorded.append((action, kwargs.get("request")))
        real(action, **kwargs)

    monkeypatch.setattr(audit, "record", spy)
    client = _fresh_client(cast.ben.user)
    recorded.clear()  # re-authenticating is recorded too
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert re.fullmatch(
        r'attachment; filename="trellis-export-\d{4}-\d{2}-\d{2}\.json"', response["Content-Disposition"]
    )
    assert "no-store" in response["Cache-Control"]
    document: dict[str, Any] = json.loads(response.content)
    assert document["account"]["email"] == cast.ben.user.email
    assert w.SEALED in response.content.decode()
    assert w.JOURNAL not in response.content.decode()
    [request] = [r for a, r in recorded if a == "export"]
    assert request.user == cast.ben.user


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_download_refuses_other_methods(cast: w.Cast, method: str) -> None:
    client = _fresh_client(cast.ben.user)
    assert getattr(client, method)(DOWNLOAD).status_code == 405


def test_the_account_page_links_to_the_export(cast: w.Cast) -> None:
    html = _stale_client(cast.ana.user).get(reverse("accounts:settings")).content.decode()
    assert EXPORT in html
