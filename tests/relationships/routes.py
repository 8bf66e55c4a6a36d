from tests.matrix import Route, invitation, polycule, target

ROUTES = [
    Route("relationships:polycule_detail", polycule, queries=5),
    Route("relationships:polycule_rename", polycule, member=403, queries=3, fragment=3),
    Route(
        "relationships:polycule_rename",
        polycule,
        "post",
        lambda w: {"name": "Garden"},
        403,
        302,
        queries=6,
        fragment=5,
    ),
    Route("relationships:membership_edit", polycule, queries=3),
    Route("relationships:membership_edit", polycule, "post", lambda w: {"display_name": "B"}, 302, 302, queries=6),
    # Leaving asks for a fresh sign-in first: the matrix's sessions are not fresh, and 4 of these
    # queries are allauth's, choosing how to re-authenticate before its redirect (the post is kept
    # in the session, to be sent again once it was them).
    Route("relationships:polycule_leave", polycule, member=302, steward=302, queries=7),
    Route("relationships:polycule_leave", polycule, "post", member=302, steward=302, queries=8),
    # A steward's change to another member locks both rows (and the stewards') in one ordered
    # statement, then counts the change in a second (relationships.acting).
    Route("relationships:member_role", target, "post", lambda w: {"role": "steward"}, 403, 302, queries=8, fragment=7),
    Route("relationships:member_remove", target, member=403, queries=4),
    Route("relationships:member_remove", target, "post", member=403, steward=302, queries=8),
    Route("relationships:invitation_create", polycule, queries=3),
    # Sending an invitation queues its mail: the mail's row and its task's (the matrix counts with
    # the production task backend, which stores a task; the worker sends it outside the request).
    Route(
        "relationships:invitation_create",
        polycule,
        "post",
        lambda w: {"email": "new@example.com", "note": "Hi"},
        302,
        302,
        queries=12,
    ),
    Route("relationships:invitation_resend", invitation, "post", member=302, steward=302, queries=10, fragment=10),
    Route("relationships:invitation_revoke", invitation, "post", member=302, steward=302, queries=8, fragment=8),
]
