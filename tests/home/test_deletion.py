"""Promise 21, deletion: private data goes, shared history stays under the name the person had,
memberships end, a polycule keeps a steward, and every relation to the user has a decision.
Runs on SQLite and on PostgreSQL, where the append-only triggers are live."""

import logging
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from accounts.models import OutboundMail, User
from conversations.models import (
    Comment,
    CommentRevision,
    Draft,
    JournalEntry,
    Round,
    RoundAnswer,
)
from conversations.services import discussions, rounds
from home import deletion
from home.models import StewardHandover
from home.timeline import timeline
from notifications.models import CalendarFeed, KindChoice, Notice, Preferences
from relationships.erasure import as_former
from relationships.models import Membership, Polycule
from tests.factories import PASSWORD, MembershipFactory, StewardFactory
from values.models import Acknowledgment, Item, Version
from values.services import boundaries

JOURNAL = "JOURNAL-CANARY-DEL"
SEALED = "SEALED-CANARY-DEL"


@dataclass
class Scene:
    ana: Membership
    ben: Membership
    cy: Membership
    boundary: Item
    sealed: Round
    revealed: Round


def _plant(ana: Membership, ben: Membership, cy: Membership) -> Scene:
    """Ana's private words (journal, a draft, a sealed answer, settings) and her shared ones
    (a boundary, an acknowledgment, a comment, a revealed answer)."""
    user = ana.user
    entry = JournalEntry.objects.create(author=user, text=f"Only for me. {JOURNAL}")
    Draft.objects.create(author=user, entry=entry, membership=ana, kind=Draft.Kind.BOUNDARY, data={"text": JOURNAL})
    Preferences.objects.create(user=user)
    KindChoice.objects.create(user=user, kind="versions", delivery="off")
    Notice.objects.create(
        user=user,
        membership=ana,
        kind="versions",
        key="k:1",
        delivery="now",
        happened_at=timezone.now(),
        due_at=timezone.now(),
    )
    CalendarFeed.objects.create(membership=ana, token_hash="f" * 64)
    Authenticator.objects.create(user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"})
    UserSession.objects.create(user=user, ip="127.0.0.1", session_key="k" * 32, user_agent="test")
    OutboundMail.objects.create(to=[user.email], name="x", subject="For Ana")
    OutboundMail.objects.create(to=["someone@example.com"], name="x", subject="For someone else")

    boundary = boundaries.create_boundary(owner=ana, title="Sleepovers", text="Tell me first.", why="Trust.")
    theirs = boundaries.create_boundary(owner=ben, title="Mornings", text="Quiet.", why="Sleep.")
    boundaries.acknowledge(
        member=ana, item=theirs, version_number=1, answer=Acknowledgment.Answer.UNDERSTOOD, note="Of course."
    )
    talk = discussions.discussion_about(member=ben, item=boundary)
    discussions.comment(author=ana, discussion=talk, text="Ana's shared words")

    sealed = rounds.open_round(asker=ben, prompt="What if we moved?", participants=[ana.public_id, cy.public_id])
    rounds.answer(member=ana, round=sealed, text=f"Sealed: {SEALED}")
    rounds.answer(member=ben, round=sealed, text="Ben's answer")
    revealed = rounds.open_round(asker=ana, prompt="What if it rained?", participants=[ben.public_id])
    rounds.answer(member=ana, round=revealed, text="Ana's revealed answer")
    rounds.answer(member=ben, round=revealed, text="Ben's revealed answer")
    return Scene(ana, ben, cy, boundary, sealed, revealed)


@pytest.fixture
def scene(ana: Membership, ben: Membership, cy: Membership) -> Scene:
    return _plant(ana, ben, cy)


# Every relation has a decision


def test_every_relation_to_the_user_has_a_decision() -> None:
    found = set(deletion.relations())
    assert found - set(deletion.DECISIONS) == set(), "Decide what deleting an account does to these"
    assert set(deletion.DECISIONS) - found == set(), "These decisions name relations that no longer exist"


def test_the_decision_list_covers_allauth_and_every_app() -> None:
    apps = {key.split(".")[0] for key in deletion.relations()}
    assert {"account", "mfa", "usersessions", "relationships", "conversations", "notifications"} <= apps


# Private data goes


def test_private_data_is_removed(scene: Scene) -> None:
    user = scene.ana.user
    deletion.delete_account(user=user)
    assert not JournalEntry.objects.filter(author=user).exists()
    assert not Draft.objects.filter(author=user).exists()
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Authenticator.objects.filter(user=user).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert not Preferences.objects.filter(user=user).exists()
    assert not KindChoice.objects.filter(user=user).exists()
    assert not Notice.objects.filter(user=user).exists()
    assert not CalendarFeed.objects.filter(membership__user=user).exists()
    assert list(OutboundMail.objects.values_list("subject", flat=True)) == ["For someone else"]
    assert not RoundAnswer.objects.filter(round=scene.sealed, member=scene.ana).exists()


def test_the_user_row_is_anonymous_and_cannot_sign_in(scene: Scene) -> None:
    user = scene.ana.user
    email = user.email
    deletion.delete_account(user=user)
    user.refresh_from_db()
    assert not user.is_active
    assert user.name == ""
    assert user.email.endswith("@deleted.invalid")
    assert email not in user.email
    assert not user.has_usable_password()
    client = Client()
    assert client.post("/accounts/login/", {"login": email, "password": PASSWORD}).status_code != 302 or (
        "_auth_user_id" not in client.session
    )


def test_another_session_is_signed_out(scene: Scene) -> None:
    elsewhere = Client()
    elsewhere.force_login(scene.ana.user)
    assert elsewhere.get("/home/").status_code == 200
    deletion.delete_account(user=scene.ana.user)
    response = elsewhere.get("/home/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_deletion_is_in_the_audit_log_with_the_id_only(scene: Scene, caplog: pytest.LogCaptureFixture) -> None:
    user = scene.ana.user
    email = user.email
    with caplog.at_level(logging.INFO, logger="trellis.audit"):
        deletion.delete_account(user=user)
    events = [getattr(r, "audit", {}) for r in caplog.records if r.name == "trellis.audit"]
    assert any(e.get("event") == "account_deleted" and e.get("user_id") == user.pk for e in events)
    assert email not in caplog.text
    assert "Ana" not in caplog.text


# Shared history stays


def test_shared_history_stays_under_the_display_name(scene: Scene) -> None:
    ana = scene.ana
    deletion.delete_account(user=ana.user)
    ana.refresh_from_db()
    assert ana.display_name == "Ana (former member)"
    assert ana.left_at is not None
    assert ana.departure == Membership.Departure.LEFT
    assert Version.objects.filter(author=ana, item=scene.boundary).count() == 1
    assert Acknowledgment.objects.filter(member=ana, note="Of course.").exists()
    assert CommentRevision.objects.filter(comment__author=ana, text="Ana's shared words").exists()
    assert Comment.objects.filter(author=ana).exists()
    assert RoundAnswer.objects.filter(round=scene.revealed, member=ana, text="Ana's revealed answer").exists()


def test_others_see_her_words_under_her_name(scene: Scene) -> None:
    deletion.delete_account(user=scene.ana.user)
    client = Client()
    client.force_login(scene.ben.user)
    page = client.get(scene.boundary.get_absolute_url())
    assert page.status_code == 200
    assert b"Sleepovers" in page.content
    assert b"Ana (former member)'s" in page.content
    timeline = client.get(reverse("home:timeline", args=[scene.ben.polycule.public_id]))
    assert b"Ana (former member)" in timeline.content


def test_the_name_she_had_is_marked_within_its_length() -> None:
    assert as_former("Ana") == "Ana (former member)"
    assert as_former(as_former("Ana")) == "Ana (former member)"
    long = as_former("A" * 60)
    assert len(long) == 60
    assert long.endswith(" (former member)")


def test_a_round_waiting_only_for_her_opens_for_the_others(scene: Scene) -> None:
    deletion.delete_account(user=scene.ana.user)
    rounds.answer(member=scene.cy, round=scene.sealed, text="Cy's answer")
    scene.sealed.refresh_from_db()
    assert scene.sealed.revealed_at is not None
    assert sorted(RoundAnswer.objects.filter(round=scene.sealed).values_list("text", flat=True)) == [
        "Ben's answer",
        "Cy's answer",
    ]


# Stewards and empty polycules


def test_the_longest_standing_member_becomes_steward(scene: Scene) -> None:
    outcome = deletion.delete_account(user=scene.ana.user)
    scene.ben.refresh_from_db()
    scene.cy.refresh_from_db()
    assert scene.ben.role == Membership.Role.STEWARD
    assert scene.cy.role == Membership.Role.MEMBER
    assert outcome.successors == [scene.ben]
    assert StewardHandover.objects.filter(steward=scene.ben).exists()
    handover = [line for line in timeline(scene.cy).rows if line.kind == "steward_handover"]
    assert handover
    assert handover[0].actor == scene.ben
    assert "became steward" in handover[0].verb


def test_no_handover_while_another_steward_remains(scene: Scene) -> None:
    Membership.objects.filter(pk=scene.cy.pk).update(role=Membership.Role.STEWARD)
    outcome = deletion.delete_account(user=scene.ana.user)
    assert outcome.successors == []
    scene.ben.refresh_from_db()
    assert scene.ben.role == Membership.Role.MEMBER
    assert not StewardHandover.objects.exists()


def test_a_polycule_nobody_is_left_in_is_deleted_with_its_history(zed: Membership, dee: Membership) -> None:
    """Zed alone with a boundary, a sealed round and a comment; Ana's polycule is untouched."""
    boundary = boundaries.create_boundary(owner=zed, title="Zed's", text="Mine.", why="Why.")
    boundaries.revise_boundary(owner=zed, item=boundary, base_number=1, title="Zed's", text="Still.", why="Why.")
    talk = discussions.discussion_about(member=zed, item=boundary)
    discussions.comment(author=zed, discussion=talk, text="Zed's words")
    other = MembershipFactory.create(polycule=zed.polycule, display_name="Gone")
    Membership.objects.filter(pk=other.pk).update(left_at=timezone.now(), departure="left")
    polycule_id = zed.polycule_id
    outcome = deletion.delete_account(user=zed.user)
    assert outcome.emptied == [polycule_id]
    assert not Polycule.objects.filter(pk=polycule_id).exists()
    assert not Membership.objects.filter(polycule_id=polycule_id).exists()
    assert not Item.objects.filter(polycule_id=polycule_id).exists()
    assert not Version.objects.filter(item_id=boundary.pk).exists()
    assert not CommentRevision.objects.filter(text="Zed's words").exists()
    assert Polycule.objects.filter(pk=dee.polycule_id).exists()
    assert Membership.objects.filter(pk=dee.pk).exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []


def test_the_preview_tells_what_will_happen(
    scene: Scene, zed: Membership, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    MembershipFactory.create(polycule=zed.polycule, user=scene.ana.user, display_name="Annie")
    StewardFactory.create(user=scene.ana.user, display_name="Alone")
    with django_assert_num_queries(3):  # whatever the number of polycules
        preview = deletion.preview(scene.ana.user)
    assert preview.journal_entries == 1
    assert preview.drafts == 1
    assert preview.sealed_answers == 1
    by_name = {fate.membership.display_name: fate for fate in preview.polycules}
    assert by_name["Ana"].successor == scene.ben
    assert not by_name["Annie"].emptied
    assert by_name["Annie"].successor is None
    assert by_name["Alone"].emptied
    assert by_name["Alone"].successor is None
    assert [fate.membership.polycule.name for fate in preview.polycules] == sorted(
        fate.membership.polycule.name for fate in preview.polycules
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="append-only triggers are PostgreSQL's")
def test_history_stays_append_only_after_a_deletion(scene: Scene) -> None:
    from django.db import IntegrityError, transaction

    deletion.delete_account(user=scene.ana.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Version.objects.filter(author=scene.ana).update(text="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        CommentRevision.objects.filter(comment__author=scene.ana).delete()


def test_deleting_twice_changes_nothing_more(scene: Scene) -> None:
    user = scene.ana.user
    deletion.delete_account(user=user)
    before = User.objects.get(pk=user.pk).email
    deletion.delete_account(user=User.objects.get(pk=user.pk))
    assert User.objects.get(pk=user.pk).email == before
