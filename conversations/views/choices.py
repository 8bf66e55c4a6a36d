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
from relationships.services import RuleError

from ..forms.choices import AnswerForm, ChoiceForm
from ..models import Choice, Feeling
from ..selectors import choices as selectors
from ..services.choices import answer_choice, share_choice


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
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """The choice's page, or its answers fragment when an htmx action asks for it."""
    page = selectors.choice_page(me, choice)
    if form is None:
        mine = page.mine
        form = AnswerForm(initial={"feeling": mine.feeling, "note": mine.note} if mine else None)
    template = "conversations/choice_detail.html" + ("#choice-answers" if fragment and request.htmx else "")
    return render(request, template, {"me": me, "page": page, "form": form, **extra}, status=status)


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
