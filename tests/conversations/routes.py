"""Conversations routes for the authorization matrix, one module per feature."""

from tests.matrix import Route, polycule

from . import routes_checkins, routes_choices, routes_discussions, routes_journal, routes_rounds

ROUTES: list[Route] = [
    Route("conversations:talk", polycule, queries=7),
    Route("conversations:choice_list", polycule, queries=4),
    Route("conversations:round_list", polycule, queries=4),
    Route("conversations:discussion_list", polycule, queries=4),
    *routes_discussions.ROUTES,
    *routes_choices.ROUTES,
    *routes_rounds.ROUTES,
    *routes_checkins.ROUTES,
    *routes_journal.ROUTES,
]
