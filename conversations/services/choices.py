"""Choices, told as they happen: a member shares one with the people it touches, and each of
them may say how it lands. Only the person who shared it reads the answers."""

from collections.abc import Iterable
from uuid import UUID

from django.db.models import Exists, OuterRef
from django.utils import timezone

from relationships.acting import acting
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError
from values.models import Item
from values.services.items import chosen_audience

from .. import rules
from ..models import NOTE_MAX, TEXT_MAX, Choice, ChoiceAudience, ChoiceReply, ChoiceResponse, Feeling


def _linked(author: Membership, items: Iterable[UUID], told: list[Membership]) -> list[Item]:
    """The items to link, when the author and every person told can see each of them."""
    ids = set(items)
    if not ids:
        return []
    found = list(Item.objects.visible_to(author).live().select_related("current_version").filter(public_id__in=ids))
    if len(found) != len(ids):
        raise RuleError("Link only values, agreements and boundaries you can see.")
    for item in found:
        if not rules.can_link([item.audience()], told):
            raise RuleError(
                f"“{item.title}” is not shared with everyone you are telling. "
                "Link only what they can all see, or tell fewer people."
            )
    return found


@acting("author")
def share_choice(
    *,
    author: Membership,
    text: str,
    why: str = "",
    everyone: bool = True,
    audience: Iterable[UUID] = (),
    items: Iterable[UUID] = (),
) -> Choice:
    """Tells the whole polycule, or the chosen members (the author always among them), about a
    choice; linked items must be visible to everyone told."""
    if not author.is_active:
        raise NotAllowed("You are no longer in this polycule.")
    text, why = text.strip(), why.strip()
    if not text:
        raise RuleError("Say what the choice is.")
    if len(text) > TEXT_MAX or len(why) > TEXT_MAX:
        raise RuleError(f"Keep it under {TEXT_MAX} characters.")
    if everyone:
        told = list(Membership.objects.active().filter(polycule_id=author.polycule_id))
    else:
        # A stranger's id (another polycule, someone who left, a made-up one) refuses the whole choice.
        chosen = [m for m in chosen_audience(author, audience) if m.pk != author.pk]
        if not chosen:
            raise RuleError("Choose at least one person, or tell everyone.")
        told = [author, *chosen]
    linked = _linked(author, items, told)
    # The author's row, locked by @acting, makes the same form sent twice at once wait for the
    # first: the second sees it as the double submit it is.
    since = timezone.now() - rules.DOUBLE_SUBMIT
    if Choice.objects.filter(author=author, text=text, why=why, created_at__gte=since).exists():
        raise RuleError("You've just shared this: it's already here.")
    choice = Choice.objects.create(polycule_id=author.polycule_id, author=author, text=text, why=why, everyone=everyone)
    if not everyone:
        ChoiceAudience.objects.bulk_create(ChoiceAudience(choice=choice, membership=m) for m in told)
    if linked:  # a new choice links nothing yet: nothing to read first when none are chosen
        choice.items.add(*linked)
    if Membership.polycule.is_cached(author):  # read with the author by the gate: where the choice is shown
        choice.polycule = author.polycule
    return choice


@acting("member")
def answer_choice(*, member: Membership, choice: Choice, feeling: Feeling, note: str = "") -> ChoiceResponse:
    """How the choice lands for someone told about it; a changed answer is a newer row."""
    # Answers from one person arrive one at a time, so "the latest" is never a tie.
    # Locked with its audience as far as the rules ask it about the member: the gate
    # (``visible_to``, which agrees with ``audience()``) lets them in or not. One statement.
    gate = Choice.objects.visible_to(member).filter(pk=OuterRef("pk"))
    locked = Choice.objects.select_for_update(of=("self",)).annotate(lets_in=Exists(gate)).get(pk=choice.pk)
    choice = locked
    audience = [member] if getattr(locked, "lets_in", False) else []
    if not rules.among(member, audience):
        # The same answer as for a choice that does not exist.
        raise NotAllowed("You are not among the people this was shared with.")
    if not rules.can_answer_choice(choice, member, audience):
        raise RuleError("This is your own choice: the others say how it lands.")
    if feeling not in Feeling.values:
        raise RuleError("Choose how it lands: feels safe, okay, or uneasy.")
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise RuleError(f"Keep the note under {NOTE_MAX} characters.")
    return ChoiceResponse.objects.create(choice=choice, member=member, feeling=feeling, note=note)


@acting("author")
def write_back(*, author: Membership, choice: Choice | UUID, to: UUID, note: str) -> tuple[Choice, ChoiceReply]:
    """A word back from the person who shared the choice to one person's answer, read by the two
    of them alone. The choice is found among the author's inside the lock (``DoesNotExist``
    otherwise), and the person written to, with whether they answered, in one statement."""
    public_id = choice.public_id if isinstance(choice, Choice) else choice
    choice = Choice.objects.visible_to(author).select_for_update(of=("self",)).get(public_id=public_id)
    if not rules.sees_every_answer(choice, author):
        raise NotAllowed("Only the person who shared this can write back.")
    note = note.strip()
    since = timezone.now() - rules.DOUBLE_SUBMIT
    mine = ChoiceResponse.objects.filter(choice=choice, member=OuterRef("pk"))
    again = ChoiceReply.objects.filter(choice=choice, to=OuterRef("pk"), note=note, created_at__gte=since)
    person = (
        Membership.objects.filter(polycule_id=author.polycule_id, public_id=to)
        .annotate(answered=Exists(mine), again=Exists(again))
        .first()
    )
    answered = person is not None and person.answered  # type: ignore[attr-defined]
    if person is None or not rules.can_write_back(choice, author, person, answered=answered):
        raise RuleError("You can write back to someone still here once they've said how it lands.")
    if not note:
        raise RuleError("Write a few words back.")
    if len(note) > NOTE_MAX:
        raise RuleError(f"Keep it under {NOTE_MAX} characters.")
    # The author's row, locked by @acting, makes the same words sent twice at once wait for the
    # first: the second sees them as the double submit they are.
    if person.again:  # type: ignore[attr-defined]
        raise RuleError("You've just written this: it's already there.")
    choice.author = author
    return choice, ChoiceReply.objects.create(choice=choice, to=person, note=note)


@acting("member")
def mark_replies_seen(*, member: Membership, choice: Choice) -> None:
    """The member opened the choice and read what its author wrote back: it no longer waits for
    them on their dashboard. The pages skip this when nothing unread is there."""
    ChoiceReply.objects.filter(choice=choice, to=member, seen_at__isnull=True).update(seen_at=timezone.now())


@acting("member")
def mark_answers_seen(*, member: Membership, choice: Choice) -> None:
    """The choice's author opened it and read how it landed: the answers no longer wait for them
    on their dashboard. The pages skip this when no answer came since they last looked."""
    Choice.objects.filter(pk=choice.pk, author=member).update(answers_seen_at=timezone.now())
