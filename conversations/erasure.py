"""The talk's part of deleting an account (composed by ``home.deletion``): what the person
said privately in polycules. The journal and drafts are keyed to the person and go with the
decisions in ``home.deletion.DECISIONS``; sealed answers are keyed to memberships, so here.

A round that waited only for the person is then ready: their membership has ended, so they no
longer count among its audience, and it is revealed when one of the others opens it."""

from collections.abc import Sequence

from relationships.models import Membership

from .models import ChoiceReply, RoundAnswer, RoundParticipant


def forget_sealed_answers(memberships: Sequence[Membership]) -> int:
    """Deletes the person's answers to rounds not revealed yet; revealed ones are shared history."""
    deleted, _ = RoundAnswer.objects.filter(member__in=memberships, round__revealed_at__isnull=True).delete()
    # When they last opened a revealed round was theirs alone.
    RoundParticipant.objects.filter(membership__in=memberships, seen_reveal_at__isnull=False).update(
        seen_reveal_at=None
    )
    # So was when they read what the author of a choice wrote back to them.
    ChoiceReply.objects.filter(to__in=memberships, seen_at__isnull=False).update(seen_at=None)
    return deleted
