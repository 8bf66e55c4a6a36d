"""With real threads on PostgreSQL: a draft sent twice at the same moment (two tabs, a double
tap) still goes out once."""

import pytest
from django.db import connection
from django.urls import reverse

from conversations.models import Draft
from conversations.services import journal
from relationships.models import Membership
from tests.conftest import client_for
from tests.values.test_concurrency import race
from values.models import Item

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL row locks and real concurrent connections: run with DATABASE_URL=postgres://...",
    ),
]


def test_a_draft_sent_twice_at_once_goes_out_once(ana: Membership, ben: Membership) -> None:
    entry = journal.write_entry(author=ana.user, text="I need to hear before, not after.")
    draft = journal.start_draft(author=ana.user, entry=entry, membership=ana, kind=Draft.Kind.BOUNDARY)
    data = {
        "title": "Sleepovers",
        "text": "Tell me before.",
        "why": "I felt blindsided.",
        "category": "other",
        "everyone": True,
        "audience": [],
        "review_every_days": None,
    }
    journal.save_draft(author=ana.user, draft=draft, data=data)
    url = reverse("conversations:draft_send", args=[draft.public_id])
    tabs = [client_for(ana), client_for(ana)]
    codes = sorted(r.status_code for r in race(*(lambda tab=tab: tab.post(url) for tab in tabs)))
    assert codes == [302, 409]
    assert Item.objects.count() == 1
    draft.refresh_from_db()
    assert draft.sent_at is not None
