"""Notifications routes for the authorization matrix: the calendar address of one polycule,
made, changed and stopped by the member. The settings page itself is a person's own page
(``ACCOUNT`` in tests/test_authorization.py); the feed, unsubscribe and health are public."""

from tests.matrix import Route, polycule

ROUTES: list[Route] = [
    Route("notifications:feed_create", polycule, method="post", queries=11),
    Route(
        "notifications:feed_titles",
        polycule,
        method="post",
        data=lambda world: {"full_titles": "on"},
        member=302,
        steward=302,
        queries=11,
    ),
    Route("notifications:feed_delete", polycule, method="post", member=302, steward=302, queries=11),
]
