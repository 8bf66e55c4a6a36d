"""Deleting an account: what it gathers from every app, and the decision for every row that
points to the person.

The user row is kept, anonymous and inactive (no name, no address, no password), because
memberships point to it and memberships carry the shared history: versions, acknowledgments,
proposals, responses, comments, choices and revealed answers stay, told under the display name
the person had, like anyone who left. Append-only history is never touched for that.

What is private goes: the journal and its drafts, sealed answers not revealed yet, sessions,
second factors, e-mail addresses, notification settings, notices and calendar feeds, and the
mail waiting for them. Every relation to the user model has its decision in ``DECISIONS``
(tests/home/test_deletion.py fails on one without a decision).

A polycule whose last steward goes gets the longest-standing active member as steward
(``relationships.erasure.ensure_steward``), told on its timeline; a polycule nobody is left
in is deleted with all it held, since nobody could ever open it again."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pgtrigger
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.db.models import Exists, Func, OuterRef, Q, Subquery
from django.http import HttpRequest

from accounts import audit
from accounts import erasure as account_erasure
from accounts.models import User
from conversations import erasure as talk_erasure
from conversations.models import Draft, JournalEntry, RoundAnswer
from relationships import erasure as group_erasure
from relationships.models import Membership, Polycule

from .models import StewardHandover


class Fate(StrEnum):
    DELETED = "deleted"
    KEPT = "kept"
    CLEARED = "cleared"


@dataclass(frozen=True)
class Decision:
    fate: Fate
    why: str


# Every relation to the user model ("app_label.Model.field"), whichever app declares it.
DECISIONS: dict[str, Decision] = {
    "account.EmailAddress.user": Decision(Fate.DELETED, "the person's addresses: private, and sign-in goes with them"),
    "mfa.Authenticator.user": Decision(Fate.DELETED, "second factors and passkeys: private secrets"),
    "usersessions.UserSession.user": Decision(Fate.DELETED, "sessions: each one is ended first"),
    "relationships.Membership.user": Decision(
        Fate.KEPT, "shared history: ended, as when leaving; history is told under its display name"
    ),
    "conversations.JournalEntry.author": Decision(Fate.DELETED, "the journal: the person's alone"),
    "conversations.Draft.author": Decision(Fate.DELETED, "drafts from the journal: never sent, the person's alone"),
    "notifications.Preferences.user": Decision(Fate.DELETED, "how the person liked to be told: private"),
    "notifications.KindChoice.user": Decision(Fate.DELETED, "how the person liked to be told: private"),
    "notifications.Letter.user": Decision(Fate.DELETED, "mail sent to the person: their delivery log"),
    "notifications.Notice.user": Decision(Fate.DELETED, "what the person was told: their delivery log"),
    "accounts.SecurityEvent.user": Decision(
        Fate.DELETED, "the person's own view of their account's events; the audit log keeps the id only"
    ),
    "accounts.User.groups": Decision(Fate.CLEARED, "Django's permission groups: nothing to keep"),
    "accounts.User.user_permissions": Decision(Fate.CLEARED, "Django's permissions: nothing to keep"),
}

# Rows keyed to one of the person's memberships that are theirs alone (the rest of what hangs
# off a membership is shared history, or its audience, and stays with the ended membership).
PRIVATE_TO_A_MEMBERSHIP: dict[str, Decision] = {
    "notifications.CalendarFeed.membership": Decision(Fate.DELETED, "a private calendar address"),
}


def relations() -> Iterator[str]:
    """Every relation to the user model in the model registry: foreign keys, one-to-one and
    many-to-many fields pointing to it, and its own many-to-many fields."""
    user_model = get_user_model()
    for relation in user_model._meta.related_objects:
        yield f"{relation.related_model._meta.label}.{relation.field.name}"
    for many in user_model._meta.many_to_many:
        yield f"{user_model._meta.label}.{many.name}"


def _user_field(key: str) -> tuple[type[models.Model], str]:
    label, name = key.rsplit(".", 1)
    return apps.get_model(label), name


@dataclass(frozen=True)
class PolyculeFate:
    """What deleting the account does to one polycule the person is in."""

    membership: Membership
    # Who becomes steward because the person is its last one, if anyone.
    successor: Membership | None = None
    # Nobody else is left: the polycule goes with the account.
    emptied: bool = False


@dataclass(frozen=True)
class Preview:
    """What the explanation page tells the person before they decide."""

    polycules: list[PolyculeFate]
    journal_entries: int
    drafts: int
    sealed_answers: int


def _fates(user: User) -> list[PolyculeFate]:
    """What happens to each polycule the person is in, in two queries whatever their number: the
    memberships, each with whether anyone else is left and who would become steward, then the
    successors themselves."""
    others = Membership.objects.active().filter(polycule_id=OuterRef("polycule_id")).exclude(pk=OuterRef("pk"))
    memberships: list[Any] = list(  # each with the three annotations
        Membership.objects.active()
        .filter(user=user)
        .select_related("polycule")
        .annotate(
            anyone_left=Exists(others),
            other_stewards=Exists(others.filter(role=Membership.Role.STEWARD)),
            longest_there=Subquery(others.order_by("joined_at", "pk").values("pk")[:1]),
        )
        .order_by("polycule__name")
    )
    wanted = [m.longest_there for m in memberships if m.anyone_left and m.is_steward and not m.other_stewards]
    successors = Membership.objects.in_bulk(wanted) if wanted else {}
    return [PolyculeFate(m, successor=successors.get(m.longest_there), emptied=not m.anyone_left) for m in memberships]


def _count(rows: models.QuerySet[Any]) -> Subquery:
    """How many rows, as a scalar subquery (``COUNT`` as a plain function adds no ``GROUP BY``)."""
    return Subquery(rows.order_by().annotate(n=Func("pk", function="COUNT")).values("n"))


def preview(user: User) -> Preview:
    """Two queries for the polycules (``_fates``), one for the private things that go."""
    journal, drafts, sealed = (
        User.objects.filter(pk=user.pk)
        .values_list(
            _count(JournalEntry.objects.filter(author=user)),
            _count(Draft.objects.filter(author=user, sent_at__isnull=True)),
            _count(RoundAnswer.objects.filter(member__user=user, round__revealed_at__isnull=True)),
        )
        .get()
    )
    return Preview(polycules=_fates(user), journal_entries=journal, drafts=drafts, sealed_answers=sealed)


@dataclass
class Outcome:
    """What deleting one account did, for the tests and the goodbye message."""

    ended: list[Membership] = field(default_factory=list)
    successors: list[Membership] = field(default_factory=list)
    emptied: list[int] = field(default_factory=list)


@transaction.atomic
def delete_account(*, user: User, request: HttpRequest | None = None) -> Outcome:
    """Deletes the person's account, in one transaction. The caller signs the request out."""
    audit.record("account_deleted", request=request, user=user)
    user = User.objects.select_for_update().get(pk=user.pk)
    outcome = Outcome()
    addresses = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}

    outcome.ended = group_erasure.end_memberships(user)
    talk_erasure.forget_sealed_answers(list(Membership.objects.filter(user=user)))
    for membership in outcome.ended:
        polycule = Polycule.objects.select_for_update().get(pk=membership.polycule_id)
        if group_erasure.is_empty(polycule):
            outcome.emptied.append(polycule.pk)
            continue
        successor = group_erasure.ensure_steward(polycule)
        if successor is not None:
            StewardHandover.objects.create(polycule=polycule, steward=successor)
            outcome.successors.append(successor)

    mine = Membership.objects.filter(user=user)
    for key in PRIVATE_TO_A_MEMBERSHIP:
        model, name = _user_field(key)
        model._default_manager.filter(**{f"{name}__in": mine}).delete()
    account_erasure.end_sessions(user)
    for key, decision in DECISIONS.items():
        model, name = _user_field(key)
        if decision.fate == Fate.DELETED:
            model._default_manager.filter(**{name: user}).delete()
        elif decision.fate == Fate.CLEARED:
            getattr(user, name).clear()
    account_erasure.forget_outbox(addresses)
    account_erasure.anonymise(user)
    for polycule_id in outcome.emptied:
        purge_polycule(polycule_id)
    return outcome


# A polycule nobody is left in


def _reachable() -> dict[type[models.Model], list[str]]:
    """Every model whose rows can belong to a polycule, with the lookups (one per foreign key
    leading towards the polycule) that find them, computed from the model registry."""
    lookups: dict[type[models.Model], list[str]] = {Polycule: ["pk"]}
    everything = apps.get_models(include_auto_created=True)
    changed = True
    while changed:
        changed = False
        for model in everything:
            found = [
                f"{f.name}__{lookup}" if lookup != "pk" else f.name
                for f in model._meta.concrete_fields
                if f.many_to_one or f.one_to_one
                if f.related_model in lookups and f.related_model is not model
                for lookup in lookups[f.related_model][:1]
            ]
            if found and sorted(found) != sorted(lookups.get(model, [])):
                lookups[model] = found
                changed = True
    return lookups


def _append_only_triggers() -> list[str]:
    return [
        f"{model._meta.label}:{trigger.name}"
        for model, trigger in pgtrigger.registered()
        if trigger.name == "append_only"
    ]


def purge_polycule(polycule_id: int) -> None:
    """Deletes a polycule and every row that belongs to it, history included. Foreign keys are
    checked when the transaction commits, so the rows are gathered first, then deleted in any
    order; the append-only triggers are set aside for this alone."""
    with transaction.atomic():
        doomed: list[tuple[type[models.Model], list[int]]] = []
        for model, lookups in _reachable().items():
            condition = Q()
            for lookup in lookups:
                condition |= Q(**{lookup: polycule_id})
            pks = list(model._default_manager.filter(condition).values_list("pk", flat=True).distinct())
            if pks:
                doomed.append((model, pks))
        with pgtrigger.ignore(*_append_only_triggers()), connection.cursor() as cursor:
            for model, pks in doomed:
                table = connection.ops.quote_name(model._meta.db_table)
                column = connection.ops.quote_name(str(model._meta.pk.column))
                for start in range(0, len(pks), 500):
                    chunk = pks[start : start + 500]
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)  # noqa: S608
            if connection.vendor == "postgresql":
                # Checked now rather than at commit: a row left pointing into the polycule fails here.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
