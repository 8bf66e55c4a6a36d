"""Choices under /p/<polycule>/choices/: telling one, reading one, and saying how it lands."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import Request, form_status
from relationships.access import log_denial, member_required
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError

from ..forms.choices import AnswerForm, ChoiceForm, WriteBackForm
from ..models import Choice, Feeling
from ..selectors import choices as selectors
from ..services.choices import answer_choice, mark_answers_seen, mark_replies_seen, share_choice, write_back


def _posted(request: Request) -> QueryDict | None:
    """Bound even when empty: an empty post is refused, not shown a blank form."""
    return request.POST if request.method == "POST" else None


def choice_or_404(me: Membership, choice_id: UUID) -> Choice:
    choice = selectors.visible_choice(me, public_id=choice_id)
    if choice is None:
        existing = Choice.objects.filter(polycule_id=me.polycule_id, public_id=choice_id)
        log_denial(me.user, "choice", existing, me.polycule_id)
        raise Http404
    return choice


def shared_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A valid ``ChoiceForm``'s data as ``share_choice`` takes it."""
    return {
        "text": data["text"],
        "why": data["why"],
        "everyone": data["everyone"],
        "audience": [UUID(a) for a in data["audience"]],
        "items": [UUID(i) for i in data["items"]],
    }


@require_http_methods(["GET", "POST"])
@member_required
def choice_create(request: Request, me: Membership) -> HttpResponse:
    form = ChoiceForm(_posted(request), me=me)
    if form.is_valid():
        try:
            choice = share_choice(author=me, **shared_fields(form.cleaned_data))
        except RuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Shared. Each person you told can say how it lands; only you will see it.")
            return redirect(choice)
    return render(request, "conversations/choice_create.html", {"me": me, "form": form}, status=form_status(form))


def render_choice(
    request: Request,
    me: Membership,
    choice: Choice,
    *,
    fragment: bool = False,
    form: AnswerForm | None = None,
    writing: WriteBackForm | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """The choice's page, or its answers fragment when an htmx action asks for it. ``writing``:
    a word back that was refused, shown under the answer it was for. Opening the page marks
    what its author wrote back to this member as read, and for its author, the answers."""
    partial = fragment and request.htmx
    page = selectors.choice_page(me, choice, whole=not partial)
    opened = request.method == "GET" and not partial
    if opened and page.unseen:
        mark_replies_seen(member=me, choice=choice)
    if opened and page.newly_answered:
        mark_answers_seen(member=me, choice=choice)
    if form is None:
        mine = page.mine
        form = AnswerForm(initial={"feeling": mine.feeling, "note": mine.note} if mine else None)
    # A refused word back goes under the answer it was for; without one (a person not found,
    # or a choice not theirs), its reason is said above the answers.
    write_back_forms = [
        (
            landing,
            writing
            if writing is not None and landing.can_write_back and writing.is_for(landing.member)
            else WriteBackForm.for_answer(landing.member),
        )
        for landing in page.answers
    ]
    if writing is not None and all(shown is not writing for _, shown in write_back_forms):
        reasons = [*writing.errors.get("note", []), *writing.errors.get("to", [])]
        extra.setdefault("answer_error", str(reasons[0]) if reasons else "")
        extra["kept_words"] = writing.data.get("note", "")
    context = {"me": me, "page": page, "form": form, "write_back_forms": write_back_forms, **extra}
    template = "conversations/choice_detail.html" + ("#choice-answers" if partial else "")
    return render(request, template, context, status=status)


@require_safe
@member_required
def choice_detail(request: Request, me: Membership, choice_id: UUID) -> HttpResponse:
    return render_choice(request, me, choice_or_404(me, choice_id))


@require_POST
@member_required
def choice_answer(request: Request, me: Membership, choice_id: UUID) -> HttpResponse:
    choice = choice_or_404(me, choice_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return render_choice(request, me, choice, fragment=True, form=form, status=422)
    try:
        answer_choice(
            member=me, choice=choice, feeling=Feeling(form.cleaned_data["feeling"]), note=form.cleaned_data["note"]
        )
    except RuleError as exc:  # one's own choice, or no longer in the polycule
        return render_choice(request, me, choice, fragment=True, form=form, status=403, answer_error=exc.message)
    if request.htmx:
        return render_choice(request, me, choice, fragment=True, answered=True)
    messages.success(request, "Thank you. Only the person who shared it sees your answer.")
    return redirect(choice)


@require_POST
@member_required
def choice_write_back(request: Request, me: Membership, choice_id: UUID) -> HttpResponse:
    """A word back to one person's answer, by the person who shared the choice. The service finds
    the choice among theirs inside its lock: nothing is read before it."""
    form = WriteBackForm.posted(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            choice, _ = write_back(author=me, choice=choice_id, to=data["to"], note=data["note"])
        except Choice.DoesNotExist:
            choice_or_404(me, choice_id)  # logs the denial, and is the 404
            raise Http404 from None
        except RuleError as exc:
            form.add_error("note", exc.message)
            status = 403 if isinstance(exc, NotAllowed) else 409
        else:
            if request.htmx:
                return render_choice(request, me, choice, fragment=True, wrote_back=True)
            messages.success(request, "Written back. Only the two of you see it.")
            return redirect(choice)
    return render_choice(request, me, choice_or_404(me, choice_id), fragment=True, writing=form, status=status)
