"""What-if rounds: asking, answering in private, the reveal, and the talk under it."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import Request, form_status
from relationships.access import log_denial, member_required
from relationships.models import Membership

from ..forms.discussions import CommentForm
from ..forms.rounds import AnswerForm, RoundForm
from ..models import Round
from ..selectors import rounds as selectors
from ..services import rounds as services
from . import more

PAGE = "conversations/round_detail.html"
THREAD = "conversations/_discussion.html"


def round_or_404(me: Membership, round_id: UUID) -> Round:
    """A round this member takes part in; 404 for any other, as if it did not exist."""
    round = selectors.visible_round(me, round_id)
    if round is None:
        log_denial(
            me.user, "round", Round.objects.filter(polycule_id=me.polycule_id, public_id=round_id), me.polycule_id
        )
        raise Http404
    return round


@require_http_methods(["GET", "POST"])
@member_required
def round_create(request: Request, me: Membership) -> HttpResponse:
    posted = request.POST if request.method == "POST" else None
    form = RoundForm(posted, me=me, initial={"prompt_key": request.GET.get("prompt", "")})
    if form.is_valid():
        prompt, theme = form.chosen_prompt
        try:
            round = services.open_round(
                asker=me,
                prompt=prompt,
                theme=theme,
                participants=[UUID(p) for p in form.cleaned_data["participants"]],
                deadline=form.deadline,
            )
        except services.RuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your what-if is out. Answer it too: nobody sees an answer until all are in.")
            return redirect(round)
    return render(request, "conversations/round_create.html", {"me": me, "form": form}, status=form_status(form))


def render_round(
    request: Request, me: Membership, round: Round, *, partial: str = "", status: int = 200, **extra: Any
) -> HttpResponse:
    """The round's page, or one of its fragments for htmx. Opening it once revealed marks the
    reveal seen; opening it when everyone still here has answered (someone left) reveals it."""
    after = more.cursor(request) if request.method == "GET" else ""
    page = selectors.round_page(me, round, after=after)
    if page.ready_to_reveal and services.reveal_if_everyone_answered(round=round, by=me):
        page = selectors.round_page(me, round_or_404(me, round.public_id))
    if page.is_revealed and not page.seen:
        services.mark_seen(member=me, round=page.round)
    initial = {"text": page.mine.text if page.mine else ""}
    context = {"me": me, "page": page, "answer_form": AnswerForm(initial=initial), "query": more.query(request)}
    template = PAGE + (f"#{partial}" if partial and request.htmx else "")
    return render(request, template, {**context, **extra}, status=status)


@require_safe
@member_required
def round_detail(request: Request, me: Membership, round_id: UUID) -> HttpResponse:
    round = round_or_404(me, round_id)
    if more.wants_more(request):
        thread = selectors.round_page(me, round, after=more.cursor(request)).thread
        if thread is not None:
            return more.rows(request, f"{THREAD}#comment-rows", {"me": me, "thread": thread}, thread.page, "comments")
    return render_round(request, me, round)


type Action = Callable[[UUID], Round]
type Done = Callable[[Round], str]


def _act(request: Request, me: Membership, round_id: UUID, action: Action, done: Done) -> HttpResponse:
    """Runs a service on the round, which finds it among the member's inside its lock (no lookup
    before it): success redirects a plain post, or answers htmx with the panel; a refusal shows
    the panel (or the page) with why: 403 for someone who may not, 409 for a round that has
    moved on (revealed meanwhile, a double submit); a round not theirs is a 404."""
    try:
        round = action(round_id)  # as the action left it: perhaps revealed by it, its talk opened
    except Round.DoesNotExist:
        round_or_404(me, round_id)  # logs a denial for a round that exists, and answers 404
        raise Http404 from None
    except services.NotAllowed as exc:
        status, error = 403, exc.message
    except services.RuleError as exc:
        status, error = 409, exc.message
    else:
        if not request.htmx:
            messages.success(request, done(round))
            return redirect(round)
        # In place, the panel says it in the same words.
        return render_round(request, me, round, partial="round-panel", panel_done=done(round))
    round = round_or_404(me, round_id)
    return render_round(request, me, round, partial="round-panel", status=status, panel_error=error)


def _revealed_or(message: str) -> Done:
    """What to tell after an action: the reveal, if it came with it, or ``message``."""
    return lambda round: "The answers are open: here they all are." if round.revealed_at else message


@require_POST
@member_required
def round_answer(request: Request, me: Membership, round_id: UUID) -> HttpResponse:
    form = AnswerForm(request.POST)
    if not form.is_valid():
        round = round_or_404(me, round_id)
        return render_round(request, me, round, partial="round-panel", status=422, answer_form=form)
    text = form.cleaned_data["text"]
    sealed = _revealed_or("Your answer is sealed. Nobody can read it until everyone has answered.")
    return _act(request, me, round_id, lambda r: services.answer(member=me, round=r, text=text).round, sealed)


@require_POST
@member_required
def round_withdraw(request: Request, me: Membership, round_id: UUID) -> HttpResponse:
    done = _revealed_or("Your answer is withdrawn. You can answer again whenever you like.")
    return _act(request, me, round_id, lambda r: services.withdraw(member=me, round=r), done)


@require_POST
@member_required
def round_reveal(request: Request, me: Membership, round_id: UUID) -> HttpResponse:
    done = _revealed_or("")  # a successful reveal always reveals
    return _act(request, me, round_id, lambda r: services.reveal(by=me, round=r), done)


@require_POST
@member_required
def round_comment(request: Request, me: Membership, round_id: UUID) -> HttpResponse:
    """A comment under a revealed round. With htmx, the thread fragment (``_discussion.html``)
    answers, as everywhere a discussion is shown."""
    round = round_or_404(me, round_id)
    form = CommentForm(request.POST)
    status, error = 200, ""
    if not form.is_valid():
        status, error = 422, str(form.errors.get("text", ["Write something first."])[0])
    else:
        try:
            services.comment(author=me, round=round, text=form.cleaned_data["text"])
        except services.NotAllowed as exc:
            status, error = 403, exc.message
        except services.RuleError as exc:  # before the reveal, or the same words twice
            status, error = 409, exc.message
    if status == 200 and not request.htmx:
        messages.success(request, "Your comment is there for the others to read.")
        return redirect(round.get_absolute_url() + "#discussion")
    mistake = {"error": error, "error_at": "new", "kept": request.POST.get("text", "")} if error else {}
    thread = selectors.round_thread(me, round, newest=status == 200)
    if thread is None:  # not revealed: there is no talk to show yet
        return render_round(request, me, round, partial="round-panel", status=status, panel_error=error)
    if request.htmx:
        done = "" if error else "Sent. It's there for the others to read."
        context = {"me": me, "thread": thread, "done": done, **mistake}
        return render(request, THREAD, context, status=status)
    return render_round(request, me, round, status=status, **mistake)
