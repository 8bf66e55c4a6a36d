"""Building values state for tests, through the services as people would."""

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relationships.models import Membership
from values import services
from values.models import (
    Acknowledgment,
    Consent,
    Event,
    Item,
    ItemAudience,
    Kind,
    Nudge,
    Proposal,
    ProposalRevision,
    Reaffirmation,
    Response,
    Suggestion,
    Version,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

Answer = Response.Answer
UNDERSTOOD = Acknowledgment.Answer.UNDERSTOOD
# Passed as **HTMX to the test client, as htmx's own request header.
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
VALUES_MODELS = (
    Item,
    ItemAudience,
    Version,
    Acknowledgment,
    Consent,
    Proposal,
    ProposalRevision,
    Response,
    Nudge,
    Suggestion,
    Reaffirmation,
    Event,
)


def boundary(owner: Membership, title: str = "Sleepovers", **kwargs: Any) -> Item:
    words = {"text": "Tell me before, not after.", "why": "I felt blindsided.", **kwargs}
    return services.create_boundary(owner=owner, title=title, **words)


def proposed(proposer: Membership, title: str = "Kids first", kind: Kind = Kind.VALUE, **kwargs: Any) -> Proposal:
    words = {"text": "Children's needs come first.", "why": "We said it at the lake.", **kwargs}
    return services.propose_new(proposer=proposer, kind=kind, title=title, **words)


def adopted(proposer: Membership, *others: Membership, title: str = "Kids first", **kwargs: Any) -> Item:
    """A value or agreement every one of ``others`` consented to."""
    proposal = proposed(proposer, title, **kwargs)
    for member in others:
        services.respond(member=member, proposal=proposal, revision_number=1, answer=Answer.CONSENT)
    item = Item.objects.get(pk=proposal.item_id)
    assert item.current_version is not None, "everyone in its audience has to consent"
    return item


def old_boundary(owner: Membership, *, days: int, review_every_days: int | None = None, title: str = "Old") -> Item:
    """A boundary set ``days`` ago: rows inserted as they were then (versions refuse UPDATE)."""
    then = timezone.now() - timedelta(days=days)
    item = Item.objects.create(
        polycule=owner.polycule,
        kind=Kind.BOUNDARY,
        owner=owner,
        created_by=owner,
        review_every_days=review_every_days,
        created_at=then,
    )
    item.current_version = Version.objects.create(
        item=item, number=1, title=title, text="x", why="y", author=owner, created_at=then
    )
    item.current_title = title
    item.save(update_fields=["current_version", "current_title"])
    Event.objects.create(
        polycule=owner.polycule, kind=Event.Kind.ITEM_CREATED, actor=owner, item=item, version=item.current_version
    )
    return item


def fresh(item: Item) -> Item:
    return Item.objects.select_related("current_version").get(pk=item.pk)


def current(item: Item) -> Version:
    """The item's current version, which it must have."""
    assert item.current_version is not None
    return item.current_version


def url(name: str, me: Membership, **ids: Any) -> str:
    return reverse(f"values:{name}", kwargs={"polycule_id": me.polycule.public_id, **ids})


def client(membership: Membership) -> Client:
    """One signed-in client per membership object, so that flash messages carry to the next page."""
    kept = vars(membership)
    if "_test_client" not in kept:
        kept["_test_client"] = Client()
        kept["_test_client"].force_login(membership.user)
    signed_in: Client = kept["_test_client"]
    return signed_in


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in VALUES_MODELS}


def page(response: "TestResponse") -> str:
    return response.content.decode()


def followed(response: "TestResponse", who: Client) -> str:
    """The page a redirect leads to, as ``who`` sees it."""
    assert response.status_code == 302, response.status_code
    return page(who.get(response["Location"]))


def assert_fragment(response: "TestResponse", *expected: str) -> None:
    """An htmx fragment, not a whole page, showing each of the expected texts."""
    assert response.status_code == 200, response.status_code
    html = page(response)
    assert "<html" not in html
    for text in expected:
        assert text in html, text


def conflict_shows(response: "TestResponse", *texts: str) -> str:
    """A stale edit's 409: what was saved meanwhile beside what the person wrote."""
    assert response.status_code == 409, response.status_code
    html = page(response)
    assert "Someone changed it while you were writing" in html
    for text in texts:
        assert text in html, text
    return html
