"""Promise 21 (and 13): once Ana and Ben delete their accounts, Ana's journal words and Ben's
sealed answer are nowhere: not in any text column of the database, not on any page Cy opens."""

from django.apps import apps
from django.db import models

from home import deletion
from tests.matrix import World, build_world
from tests.test_canaries import JOURNAL, SEALED, _client, _pages, _plant

CANARIES = (JOURNAL.decode(), SEALED.decode())


def _dump() -> str:
    """Every text, character and JSON column of every table, as one string."""
    found: list[str] = []
    for model in apps.get_models(include_auto_created=True):
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if columns:
            found.extend(str(row) for row in model._default_manager.values_list(*columns))
    return "\n".join(found)


def test_deleted_private_words_are_nowhere(db: None) -> None:
    world: World = build_world()
    sealed = world.extra["sealed"] = _plant(world)
    before = _dump()
    assert all(canary in before for canary in CANARIES), "the canaries were planted"

    deletion.delete_account(user=world.ana.user)
    deletion.delete_account(user=world.ben.user)

    after = _dump()
    for canary in CANARIES:
        assert canary not in after, f"{canary} is still in the database"
    cy = _client(world.cy)
    for url in [*_pages(world), sealed.get_absolute_url()]:
        for headers in ({}, {"HX-Request": "true"}):
            response = cy.get(url, headers=headers)
            assert response.status_code < 500, url
            for word in (JOURNAL, SEALED):
                assert word not in response.content, f"{word.decode()} reached Cy at {url}"
    # Cy is the last one left in the round and in the polycule, and now its steward.
    world.cy.refresh_from_db()
    assert world.cy.is_steward
