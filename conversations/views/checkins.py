"""Check-ins: the list, planning one, and a check-in in its five parts (review, agenda, discuss,
actions, reconnect). Each addition works in place with htmx, answering with the part it changed,
and as a plain post, answering with a redirect (or the page with the error, and a 4xx)."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import Request, form_status, uuid_or_none
from relationships.access import log_denial, member_required
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError

from ..forms.checkins import NOW, ActionForm, CheckInForm, NoteForm, ReconnectForm, TopicForm
from ..models import CheckIn
from ..selectors import checkins as selectors
from ..services import checkins as services
from . import more

PAGE = "conversations/checkin_detail.html"
# What each in-place part shows, so what its read model needs.
PARTS = {
    "agenda": {selectors.TOPICS},
    "actions": {selectors.ACTIONS},
    "reconnect": {selectors.RECONNECT},
    "checkin-body": selectors.EVERY_PART,
}


def _checkin_or_404(me: Membership, checkin_id: UUID, *, with_since: bool = False) -> CheckIn:
    checkin = selectors.visible_checkin(me, checkin_id, with_since=with_since)
    if checkin is None:
        existing = CheckIn.objects.filter(polycule_id=me.polycule_id, public_id=checkin_id)
        log_denial(me.user, "checkin", existing, me.polycule_id)
        raise Http404
    return checkin


def _status(exc: RuleError) -> int:
    """403: not theirs to do; 422: input the rules refuse; 409: too late, or already done."""
    if isinstance(exc, NotAllowed):
        return 403
    return 422 if isinstance(exc, services.Invalid) else 409


@require_safe
@member_required
def checkin_list(request: Request, me: Membership) -> HttpResponse:
    listing = selectors.checkin_list(me, after=more.cursor(request))
    context = {"me": me, "listing": listing, "query": more.query(request)}
    if more.wants_more(request):
        return more.rows(request, "conversations/checkin_list.html#past-rows", context, listing.page, "past-rows")
    return render(request, "conversations/checkin_list.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def checkin_create(request: Request, me: Membership) -> HttpResponse:
    if request.method == "POST":
        form = CheckInForm(request.POST, me=me)
    else:
        form = CheckInForm(me=me, initial={"time_zone": selectors.default_time_zone(me)})
    status = None
    if form.is_valid():
        data = form.cleaned_data
        who = {
            "by": me,
            "title": data["title"],
            "time_zone": data["time_zone"],
            "everyone": data["everyone"],
            "audience": [UUID(a) for a in data["audience"]],
        }
        try:
            if data["when"] == NOW:
                checkin = services.start_checkin(**who)
            else:
                checkin = services.plan_checkin(day=data["date"], at=data["time"], **who)
        except services.BadTime as exc:
            form.add_error("date" if exc.field == "day" else "time", exc.message)
        except RuleError as exc:
            form.add_error(None, exc.message)
            status = _status(exc)
        else:
            started = data["when"] == NOW
            messages.success(request, "Here it is. Take your time." if started else "Planned. Anyone can add topics.")
            return redirect(checkin)
    context = {"me": me, "form": form}
    return render(request, "conversations/checkin_create.html", context, status=status or form_status(form))


@require_safe
@member_required
def checkin_detail(request: Request, me: Membership, checkin_id: UUID) -> HttpResponse:
    return _show(request, me, _checkin_or_404(me, checkin_id, with_since=True))


def _show(
    request: Request,
    me: Membership,
    checkin: CheckIn,
    part: str = "",
    *,
    status: int = 200,
    audience: list[Membership] | None = None,
    **extra: Any,
) -> HttpResponse:
    """The check-in page, or for htmx the part named (with what it moves elsewhere).
    ``audience``: ``checkin.audience()``, when the view read it already."""
    in_place = bool(part and request.htmx)
    parts = PARTS[part] if in_place else selectors.EVERY_PART
    page = selectors.checkin_page(me, checkin, parts=parts, audience=audience)
    mine = page.reconnects.mine if page.reconnects else None
    context = {
        "me": me,
        "page": page,
        "here": checkin.public_id,
        "topic_form": TopicForm(),
        "action_form": ActionForm(audience=page.head.audience, me=me),
        "reconnect_form": ReconnectForm(initial={"text": mine.text} if mine else None),
        **extra,
    }
    if not in_place:
        return render(request, PAGE, context, status=status)
    html = render_to_string(f"{PAGE}#{part}", context, request)
    if part == "agenda":
        # A new topic also opens its place under Discuss.
        html += render_to_string(f"{PAGE}#discuss", {**context, "oob": True}, request)
    return HttpResponse(html, status=status)


def _refused(
    request: Request, me: Membership, checkin: CheckIn, part: str, exc: RuleError, **extra: Any
) -> HttpResponse:
    if isinstance(exc, NotAllowed):
        return render(request, "relationships/refused.html", {"me": me, "message": exc.message}, status=403)
    return _show(request, me, checkin, part, status=_status(exc), error=exc.message, error_in=part, **extra)


def _done(request: Request, me: Membership, checkin: CheckIn, part: str, message: str, **extra: Any) -> HttpResponse:
    if request.htmx:
        return _show(request, me, checkin, part, saved=part, **extra)
    messages.success(request, message)
    return redirect(checkin)


@require_POST
@member_required
def topic_create(request: Request, me: Membership, checkin_id: UUID) -> HttpResponse:
    checkin = _checkin_or_404(me, checkin_id)
    form = TopicForm(request.POST)
    if not form.is_valid():
        return _show(request, me, checkin, "agenda", status=422, topic_form=form)
    try:
        services.add_topic(member=me, checkin=checkin, title=form.cleaned_data["title"])
    except RuleError as exc:
        return _refused(request, me, checkin, "agenda", exc, topic_form=form)
    return _done(request, me, checkin, "agenda", "Added to the agenda.")


@require_POST
@member_required
def note_create(request: Request, me: Membership, topic_id: UUID) -> HttpResponse:
    topic = selectors.visible_topic(me, topic_id)
    if topic is None:
        raise Http404
    checkin = topic.checkin
    form = NoteForm(request.POST)
    error, status = None, 200
    if not form.is_valid():
        error, status = form.errors["text"][0], 422
    else:
        try:
            services.add_note(member=me, topic=topic, text=form.cleaned_data["text"])
        except RuleError as exc:
            if isinstance(exc, NotAllowed):
                return _refused(request, me, checkin, "", exc)
            error, status = exc.message, _status(exc)
    kept: dict[str, Any] = {
        "note_error": error,
        "note_for": topic.pk,
        "note_text": request.POST.get("text", "") if error else "",
    }
    added = "Your note is added."
    if request.htmx:
        page = selectors.checkin_page(me, checkin, parts=())
        context = {"me": me, "page": page, "row": selectors.topic_row(topic), **kept}
        context["note_added"] = "" if error else added
        return render(request, f"{PAGE}#topic", context, status=status)
    if error:
        return _show(request, me, checkin, status=status, **kept)
    messages.success(request, added)
    return redirect(checkin.get_absolute_url() + f"#topic-{topic.public_id}")


@require_POST
@member_required
def action_create(request: Request, me: Membership, checkin_id: UUID) -> HttpResponse:
    checkin = _checkin_or_404(me, checkin_id)
    audience = checkin.audience()
    form = ActionForm(request.POST, audience=audience, me=me)
    if not form.is_valid():
        return _show(request, me, checkin, "actions", status=422, audience=audience, action_form=form)
    data = form.cleaned_data
    try:
        services.agree_action(member=me, checkin=checkin, owner=data["owner"], text=data["text"], due_on=data["due_on"])
    except services.BadTime as exc:
        form.add_error("due_on", exc.message)
        return _show(request, me, checkin, "actions", status=422, audience=audience, action_form=form)
    except RuleError as exc:
        return _refused(request, me, checkin, "actions", exc, audience=audience, action_form=form)
    done = "Added. It comes back at every check-in until it's done."
    return _done(request, me, checkin, "actions", done, audience=audience)


@require_POST
@member_required
def action_done(request: Request, me: Membership, action_id: UUID) -> HttpResponse:
    action = selectors.visible_action(me, action_id)
    if action is None:
        raise Http404
    # The check-in whose page the button was on: the action's own, or a later one it was carried to.
    shown_on = uuid_or_none(request.POST.get("shown_on")) or action.checkin.public_id
    error = None
    try:
        services.finish_action(member=me, action=action)
    except NotAllowed as exc:
        return render(request, "relationships/refused.html", {"me": me, "message": exc.message}, status=403)
    except RuleError as exc:
        error = exc.message
    finished = "Marked done. Thank you for following through."
    if request.htmx:
        action = selectors.visible_action(me, action_id) or action
        row = selectors.action_row(me, action, shown_on=shown_on)
        context = {"me": me, "row": row, "here": shown_on, "action_error": error, "action_error_for": action.pk}
        context["finished"] = "" if error else finished
        return render(request, f"{PAGE}#action", context, status=409 if error else 200)
    if error:
        checkin = selectors.visible_checkin(me, shown_on) or action.checkin
        return _show(request, me, checkin, status=409, action_error=error, action_error_for=action.pk)
    messages.success(request, finished)
    return redirect(reverse("conversations:checkin_detail", args=[me.polycule.public_id, shown_on]))


@require_POST
@member_required
def reconnect(request: Request, me: Membership, checkin_id: UUID) -> HttpResponse:
    checkin = _checkin_or_404(me, checkin_id)
    form = ReconnectForm(request.POST)
    if not form.is_valid():
        return _show(request, me, checkin, "reconnect", status=422, reconnect_form=form)
    try:
        services.reconnect(member=me, checkin=checkin, text=form.cleaned_data["text"])
    except RuleError as exc:
        return _refused(request, me, checkin, "reconnect", exc, reconnect_form=form)
    return _done(request, me, checkin, "reconnect", "Thank you for saying how you are.")


@require_POST
@member_required
def checkin_hold(request: Request, me: Membership, checkin_id: UUID) -> HttpResponse:
    try:
        # The service finds the check-in among those the member may see, inside its lock, with
        # the one held before it, which the page shows it follows.
        held = services.hold_checkin(member=me, checkin=checkin_id)
    except CheckIn.DoesNotExist:
        _checkin_or_404(me, checkin_id)  # logs a denial for a check-in that exists, and answers 404
        raise Http404 from None
    except RuleError as exc:
        return _refused(request, me, _checkin_or_404(me, checkin_id, with_since=True), "checkin-body", exc)
    return _done(request, me, held, "checkin-body", "Marked as held. Its open actions move on to the next one.")
