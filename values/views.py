from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import Request
from relationships.access import member_required
from relationships.models import Membership

from . import rules, selectors, services
from .diff import word_diff
from .forms import (
    KIND_FOR_URL,
    AcknowledgmentForm,
    AudienceForm,
    DeclineForm,
    ItemCreateForm,
    ProposalForm,
    ResponseForm,
    RetireForm,
    SuggestionForm,
    VersionedWordsForm,
    VersionRefForm,
)
from .models import Category, Item, Kind, Proposal, Suggestion
from .timeline import KIND_LABELS, timeline

MAX_PAGE = 100_000


def _item(me: Membership, item_id: UUID) -> Item:
    """An item this member may see, or 404 for anything else."""
    items = selectors.with_state(Item.objects.visible_to(me).adopted(), me)
    return get_object_or_404(items, public_id=item_id)


def _proposal(me: Membership, proposal_id: UUID) -> Proposal:
    proposals = Proposal.objects.filter(item__in=Item.objects.visible_to(me)).select_related(
        "item__current_version", "revision", "proposer", "base_version"
    )
    return get_object_or_404(proposals, public_id=proposal_id)


def _posted(request: Request) -> Any:
    """The posted data, bound even when empty: an empty post is refused, not shown a blank form."""
    return request.POST if request.method == "POST" else None


def _status(form: Any) -> int:
    return 422 if form.is_bound and form.errors else 200


def _words(data: dict[str, Any]) -> dict[str, str]:
    """The words of a version from a cleaned form: its title, text and why."""
    return {"title": data["title"], "text": data["text"], "why": data["why"]}


def _url(name: str, me: Membership, **ids: Any) -> str:
    return reverse(f"values:{name}", kwargs={"polycule_id": me.polycule.public_id, **ids})


@require_safe
def dashboard(request: Request) -> HttpResponse:
    memberships = list(Membership.objects.active().filter(user=request.user).select_related("polycule"))
    needs = [selectors.needs(m) for m in memberships]
    return render(request, "values/dashboard.html", {"needs": needs, "memberships": memberships})


@require_safe
@member_required
def item_list(request: Request, me: Membership) -> HttpResponse:
    filters = selectors.ItemFilters(
        kind=request.GET.get("kind", "") if request.GET.get("kind") in Kind.values else "",
        category=request.GET.get("category", "") if request.GET.get("category") in Category.values else "",
        person=_person_filter(me, request.GET.get("person", "")),
        needs_me=request.GET.get("needs") == "1",
        due=request.GET.get("due") == "1",
        retired=request.GET.get("retired") == "1",
    )
    context = {
        "me": me,
        "items": selectors.item_list(me, filters),
        "filters": filters,
        "kinds": Kind.choices,
        "categories": Category.choices,
        "people": me.polycule.memberships.active(),
        "proposals": selectors.open_proposals(me),
    }
    return render(request, "values/item_list.html", context)


def _person_filter(me: Membership, value: str) -> str:
    try:
        person = UUID(value)
    except ValueError:
        return ""
    return str(person) if me.polycule.memberships.filter(public_id=person).exists() else ""


@require_http_methods(["GET", "POST"])
@member_required
def item_create(request: Request, me: Membership, kind: str) -> HttpResponse:
    item_kind = KIND_FOR_URL.get(kind)
    if item_kind is None:
        raise Http404
    form = ItemCreateForm(_posted(request), me=me)
    if form.is_valid():
        data = {**form.cleaned_data, "audience": [UUID(a) for a in form.cleaned_data["audience"]]}
        try:
            if item_kind == Kind.BOUNDARY:
                item = services.create_boundary(owner=me, **data)
                messages.success(request, "Your boundary is set. The others will be asked to acknowledge it.")
                return redirect(_url("item_detail", me, item_id=item.public_id))
            proposal = services.propose_new(proposer=me, kind=item_kind, **data)
        except services.RuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your proposal is open. Everyone it concerns will be asked to respond.")
            return redirect(_url("proposal_detail", me, proposal_id=proposal.public_id))
    context = {"me": me, "form": form, "kind": item_kind, "noun": rules.RULES[item_kind].noun}
    return render(request, "values/item_create.html", context, status=_status(form))


@require_safe
@member_required
def item_detail(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _item(me, item_id)
    # Opened from the newcomer's welcome list: consenting goes back to it.
    from_welcome = request.GET.get("from") == "welcome"
    return render(request, "values/item_detail.html", _detail_context(me, item, from_welcome=from_welcome))


def _detail_context(me: Membership, item: Item, **extra: Any) -> dict[str, Any]:
    version = item.current_version
    audience = rules.audience(item)
    answers = {a.member_id: a for a in version.acknowledgments.all()} if version else {}
    consents = {c.member_id for c in version.consents.all()} if version else set()
    # Open suggestions are the owner's to answer; each author follows their own, and reads the reply.
    suggestions = list(
        item.suggestions.filter(Q(status=Suggestion.Status.OPEN) | Q(author=me)).select_related("author")
    )
    return {
        "me": me,
        "item": item,
        "version": version,
        "rules": rules.rules_for(item),
        "owes": selectors.owes(item, me),
        "can_edit": rules.can_edit(item, me),
        "can_propose": rules.can_propose(item),
        "audience": audience,
        "answers": [(m, answers.get(m.pk)) for m in rules.answerers(item, audience)],
        "consents": [(m, m.pk in consents) for m in audience],
        "stamp": _stamp(item, audience),
        "due_at": selectors.review_due_at(item),
        "is_due": selectors.is_due(item),
        "proposals": item.proposals.filter(status=Proposal.Status.OPEN).select_related("proposer", "revision"),
        "suggestions": [s for s in suggestions if s.status == Suggestion.Status.OPEN],
        "my_suggestions": [s for s in suggestions if s.author_id == me.pk],
        "ack_form": AcknowledgmentForm(initial={"version": version.number if version else 0}),
        **extra,
    }


def _stamp(item: Item, audience: list[Membership]) -> dict[str, Any]:
    """The item's context stamp: set when, changed when, reaffirmed by whom, who came later."""
    first = item.versions.order_by("number").first()
    latest: dict[int, Any] = {}
    for r in item.reaffirmations.order_by("created_at").select_related("member"):
        latest[r.member_id] = r
    set_at = first.created_at if first else item.created_at
    return {
        "set_at": set_at,
        "changed_at": item.current_version.created_at
        if item.current_version and item.current_version.number > 1
        else None,
        "reaffirmed": sorted(latest.values(), key=lambda r: r.created_at, reverse=True),
        "joined_after": [m for m in audience if m.joined_at > set_at],
    }


@require_POST
@member_required
def boundary_acknowledge(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _item(me, item_id)
    form = AcknowledgmentForm(request.POST)
    if not form.is_valid():
        # The person's note stays in the form, with its error next to it.
        invalid = "Choose an answer, and keep the note under 1000 characters."
        return _ack_panel(request, me, item_id, ack_error=invalid, ack_form=form, status=422)
    error, status = None, 200
    try:
        services.acknowledge(
            member=me,
            item=item,
            version_number=form.cleaned_data["version"],
            answer=form.cleaned_data["answer"],
            note=form.cleaned_data["note"],
        )
    except services.RuleError as exc:  # a stale version, a double submit, one's own boundary
        error, status = exc.message, 409
    if request.htmx:
        return _ack_panel(request, me, item_id, ack_error=error, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Thank you. Your answer is recorded with this version.")
    return redirect(_url("item_detail", me, item_id=item.public_id))


def _ack_panel(request: Request, me: Membership, item_id: UUID, *, status: int, **extra: Any) -> HttpResponse:
    """The answers panel in place (HTMX), or the whole page around it."""
    context = _detail_context(me, _item(me, item_id), **extra)
    template = "values/item_detail.html#ack-panel" if request.htmx else "values/item_detail.html"
    return render(request, template, context, status=status)


@require_POST
@member_required
def item_reaffirm(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _item(me, item_id)
    try:
        services.reaffirm(member=me, item=item)
    except services.RuleError as exc:
        error: str | None = exc.message
    else:
        error = None
    if request.htmx:
        item = _item(me, item_id)
        context = _detail_context(me, item, reaffirmed=error is None, reaffirm_error=error)
        return render(request, "values/item_detail.html#context-stamp", context, status=409 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Noted: it still holds for you, as of today.")
    return redirect(_url("item_detail", me, item_id=item.public_id))


@require_POST
@member_required
def item_consent(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _item(me, item_id)
    form = VersionRefForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Something was missing from the form. Please try again.")
        return render(request, "values/item_detail.html", _detail_context(me, item), status=422)
    try:
        services.consent(member=me, item=item, version_number=form.cleaned_data["version"])
    except services.RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your consent is recorded.")
    if request.POST.get("next") == "welcome":
        return redirect(_url("onboarding", me))
    return redirect(_url("item_detail", me, item_id=item.public_id))


def _conflict(
    request: Request, me: Membership, item: Item, form: Any, exc: services.Stale, action: str
) -> HttpResponse:
    """409: both texts side by side, and the person's words kept in a form based on the current version."""
    initial = {**form.cleaned_data, "base": getattr(exc.current, "number", 0)}
    extra = {}
    if isinstance(form, AudienceForm):
        extra = {"me": me}
        initial["everyone"] = "1" if initial.get("everyone") else "0"
    again = type(form)(initial=initial, **extra)
    context = {
        "me": me,
        "item": item,
        "message": exc.message,
        "yours": form.cleaned_data,
        "current": exc.current,
        "form": again,
        "action": action,
    }
    return render(request, "values/conflict.html", context, status=409)


@require_http_methods(["GET", "POST"])
@member_required
def boundary_edit(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _item(me, item_id)
    if not rules.can_edit(item, me):
        raise Http404
    version = item.current_version
    assert version is not None
    form = VersionedWordsForm(
        _posted(request), initial={"title": version.title, "text": version.text, "base": version.number}
    )
    if form.is_valid():
        try:
            services.revise_boundary(
                owner=me,
                item=item,
                base_number=form.cleaned_data["base"],
                **_words(form.cleaned_data),
            )
        except services.Stale as exc:
            return _conflict(request, me, item, form, exc, _url("boundary_edit", me, item_id=item.public_id))
        messages.success(request, "Saved as a new version. The others will be asked to acknowledge it.")
        return redirect(_url("item_detail", me, item_id=item.public_id))
    return render(request, "values/boundary_edit.html", {"me": me, "item": item, "form": form}, status=_status(form))


@require_http_methods(["GET", "POST"])
@member_required
def boundary_audience(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _item(me, item_id)
    if not rules.can_edit(item, me):
        raise Http404
    chosen = [str(m.public_id) for m in rules.audience(item) if m.pk != me.pk]
    initial = {"everyone": "1" if item.everyone else "0", "audience": chosen}
    form = AudienceForm(request.POST if request.method == "POST" else None, initial=initial, me=me)
    if form.is_valid():
        audience = [UUID(a) for a in form.cleaned_data["audience"]]
        services.set_boundary_audience(owner=me, item=item, everyone=form.cleaned_data["everyone"], audience=audience)
        messages.success(request, "Saved. Anyone new to it will be asked to acknowledge it.")
        return redirect(_url("item_detail", me, item_id=item.public_id))
    context = {"me": me, "item": item, "form": form}
    return render(request, "values/boundary_audience.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
@member_required
def boundary_retire(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _item(me, item_id)
    if not rules.can_edit(item, me):
        raise Http404
    if request.method == "POST":
        services.retire_boundary(owner=me, item=item)
        messages.success(request, "Retired. It stays in the history.")
        return redirect(_url("item_detail", me, item_id=item.public_id))
    return render(request, "values/boundary_retire.html", {"me": me, "item": item})


@require_safe
@member_required
def version_list(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _item(me, item_id)
    versions = list(item.versions.select_related("author").order_by("-number"))
    return render(request, "values/version_list.html", {"me": me, "item": item, "versions": versions})


@require_safe
@member_required
def version_diff(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _item(me, item_id)
    versions = {v.number: v for v in item.versions.select_related("author")}
    newest = max(versions)
    old = _number(request.GET.get("from"), default=max(newest - 1, 1))
    new = _number(request.GET.get("to"), default=newest)
    if old not in versions or new not in versions:
        raise Http404
    context = {
        "me": me,
        "item": item,
        "old": versions[old],
        "new": versions[new],
        "numbers": sorted(versions),
        "title_diff": word_diff(versions[old].title, versions[new].title),
        "text_diff": word_diff(versions[old].text, versions[new].text),
    }
    return render(request, "values/version_diff.html", context)


def _number(value: str | None, *, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return -1


@require_http_methods(["GET", "POST"])
@member_required
def suggestion_create(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _item(me, item_id)
    if item.kind != Kind.BOUNDARY or item.owner_id == me.pk or item.retired_at:
        raise Http404
    version = item.current_version
    assert version is not None
    form = SuggestionForm(_posted(request), initial={"base": version.number, "text": version.text})
    if form.is_valid():
        try:
            services.suggest_change(
                author=me,
                item=item,
                base_number=form.cleaned_data["base"],
                text=form.cleaned_data["text"],
                why=form.cleaned_data["why"],
            )
        except services.Stale as exc:
            return _conflict(request, me, item, form, exc, _url("suggestion_create", me, item_id=item.public_id))
        messages.success(request, f"Your suggestion is with {item.owner}. It is theirs to take or not.")
        return redirect(_url("item_detail", me, item_id=item.public_id))
    return render(
        request, "values/suggestion_create.html", {"me": me, "item": item, "form": form}, status=_status(form)
    )


def _suggestion(me: Membership, suggestion_id: UUID) -> Suggestion:
    """Suggestions on this member's own boundaries."""
    suggestions = Suggestion.objects.filter(
        item__owner=me, item__retired_at__isnull=True, status=Suggestion.Status.OPEN
    )
    return get_object_or_404(suggestions.select_related("item__current_version", "author"), public_id=suggestion_id)


@require_http_methods(["GET", "POST"])
@member_required
def suggestion_take(request: Request, me: Membership, suggestion_id: UUID) -> HttpResponse:
    suggestion = _suggestion(me, suggestion_id)
    item = suggestion.item
    version = item.current_version
    assert version is not None
    initial = {
        "title": version.title,
        "text": suggestion.text,
        "base": version.number,
        "why": f"Suggested by {suggestion.author}: {suggestion.why}",
    }
    form = VersionedWordsForm(_posted(request), initial=initial)
    if form.is_valid():
        try:
            services.take_suggestion(
                owner=me,
                suggestion=suggestion,
                base_number=form.cleaned_data["base"],
                **_words(form.cleaned_data),
            )
        except services.Stale as exc:
            return _conflict(request, me, item, form, exc, _url("suggestion_take", me, suggestion_id=suggestion_id))
        messages.success(request, "Taken: your boundary has a new version.")
        return redirect(_url("item_detail", me, item_id=item.public_id))
    context = {"me": me, "item": item, "suggestion": suggestion, "form": form, "decline_form": DeclineForm()}
    return render(request, "values/suggestion_take.html", context, status=_status(form))


@require_POST
@member_required
def suggestion_decline(request: Request, me: Membership, suggestion_id: UUID) -> HttpResponse:
    suggestion = _suggestion(me, suggestion_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        services.decline_suggestion(owner=me, suggestion=suggestion, reply=form.cleaned_data["reply"])
        messages.success(request, "Declined, with your note.")
        return redirect(_url("item_detail", me, item_id=suggestion.item.public_id))
    version = suggestion.item.current_version
    assert version is not None
    take = VersionedWordsForm(initial={"title": version.title, "text": suggestion.text, "base": version.number})
    context = {"me": me, "item": suggestion.item, "suggestion": suggestion, "form": take, "decline_form": form}
    return render(request, "values/suggestion_take.html", context, status=422)


@require_http_methods(["GET", "POST"])
@member_required
def proposal_create(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = _item(me, item_id)
    if not rules.can_propose(item):
        raise Http404
    version = item.current_version
    assert version is not None
    retire = request.GET.get("retire") == "1" or request.POST.get("retire") == "1"
    others = [str(m.public_id) for m in rules.audience(item) if m.pk != me.pk]
    initial = {"title": version.title, "text": version.text, "base": version.number}
    if retire:
        form: RetireForm | ProposalForm = RetireForm(_posted(request), initial=initial)
    else:
        shared = {"everyone": "1" if item.everyone else "0", "audience": [] if item.everyone else others}
        form = ProposalForm(_posted(request), initial={**initial, **shared}, me=me)
    if form.is_valid():
        data = form.cleaned_data
        everyone = data.get("everyone")
        if everyone is not None and everyone == item.everyone and (everyone or set(data["audience"]) == set(others)):
            everyone = None  # the audience stays as it is
        try:
            proposal = services.propose_change(
                proposer=me,
                item=item,
                base_number=data["base"],
                title=data.get("title", version.title),
                text=data.get("text", version.text),
                why=data["why"],
                retire=retire,
                everyone=everyone,
                audience=[UUID(a) for a in data.get("audience", [])],
            )
        except services.Stale as exc:
            action = _url("proposal_create", me, item_id=item.public_id) + ("?retire=1" if retire else "")
            return _conflict(request, me, item, form, exc, action)
        except services.RuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your proposal is open.")
            return redirect(_url("proposal_detail", me, proposal_id=proposal.public_id))
    context = {"me": me, "item": item, "form": form, "retire": retire}
    return render(request, "values/proposal_create.html", context, status=_status(form))


def _proposal_context(me: Membership, proposal: Proposal, **extra: Any) -> dict[str, Any]:
    answers = services.latest_responses(proposal)
    audience = rules.audience(proposal.item)
    revision = proposal.revision
    assert revision is not None
    base = proposal.base_version
    mine = answers.get(me.pk)
    return {
        "me": me,
        "proposal": proposal,
        "item": proposal.item,
        "new_audience": None if revision.everyone is None else list(revision.audience.all()),
        "revision": revision,
        "tally": [(m, answers.get(m.pk)) for m in audience],
        "waiting": [m for m in audience if m.pk not in answers],
        "mine": mine,
        "in_audience": any(m.pk == me.pk for m in audience),
        "stale_base": base is not None and proposal.item.current_version_id != base.pk,
        "text_diff": word_diff(base.text, revision.text) if base else None,
        "revisions": proposal.revisions.order_by("-number"),
        "nudged_at": proposal.nudges.order_by("-created_at").values_list("created_at", flat=True).first(),
        "respond_form": ResponseForm(initial={"revision": revision.number, "answer": mine.answer if mine else None}),
        **extra,
    }


@require_safe
@member_required
def proposal_detail(request: Request, me: Membership, proposal_id: UUID) -> HttpResponse:
    proposal = _proposal(me, proposal_id)
    return render(request, "values/proposal_detail.html", _proposal_context(me, proposal))


@require_POST
@member_required
def proposal_respond(request: Request, me: Membership, proposal_id: UUID) -> HttpResponse:
    proposal = _proposal(me, proposal_id)
    form = ResponseForm(request.POST)
    status = 200
    if not form.is_valid():
        status = 422
    else:
        try:
            services.respond(
                member=me,
                proposal=proposal,
                revision_number=form.cleaned_data["revision"],
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
            )
        except services.RuleError as exc:
            form.add_error(None, exc.message)
            status = 409
    if request.htmx:
        proposal = _proposal(me, proposal_id)
        context = _proposal_context(me, proposal, **({"respond_form": form} if status != 200 else {}))
        return render(request, "values/proposal_detail.html#respond-panel", context, status=status)
    if status == 200:
        proposal.refresh_from_db()
        adopted = proposal.status == Proposal.Status.ADOPTED
        messages.success(request, "Everyone has answered: it is adopted." if adopted else "Your answer is recorded.")
        return redirect(_url("proposal_detail", me, proposal_id=proposal.public_id))
    context = _proposal_context(me, proposal, respond_form=form)
    return render(request, "values/proposal_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required
def proposal_amend(request: Request, me: Membership, proposal_id: UUID) -> HttpResponse:
    proposal = _proposal(me, proposal_id)
    if proposal.proposer_id != me.pk or not proposal.is_open:
        raise Http404
    revision = proposal.revision
    assert revision is not None
    initial = {"title": revision.title, "text": revision.text, "why": revision.why, "base": revision.number}
    form = VersionedWordsForm(_posted(request), initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.amend(
                proposer=me,
                proposal=proposal,
                revision_number=data["base"],
                **_words(data),
            )
        except services.Stale as exc:
            return _conflict(request, me, proposal.item, form, exc, _url("proposal_amend", me, proposal_id=proposal_id))
        messages.success(request, "Amended. Everyone is asked to respond again to the new wording.")
        return redirect(_url("proposal_detail", me, proposal_id=proposal.public_id))
    context = {"me": me, "proposal": proposal, "item": proposal.item, "form": form}
    return render(request, "values/proposal_amend.html", context, status=_status(form))


def _proposer_action(
    request: Request, me: Membership, proposal_id: UUID, action: Callable[..., object], done: str
) -> HttpResponse:
    """Withdraw or nudge: only the proposer; anyone else is told the page does not exist."""
    proposal = _proposal(me, proposal_id)
    try:
        action(proposer=me, proposal=proposal)
    except services.NotAllowed:
        raise Http404 from None
    except services.RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect(_url("proposal_detail", me, proposal_id=proposal.public_id))


@require_POST
@member_required
def proposal_withdraw(request: Request, me: Membership, proposal_id: UUID) -> HttpResponse:
    return _proposer_action(request, me, proposal_id, services.withdraw, "Withdrawn. It stays in the timeline.")


@require_POST
@member_required
def proposal_nudge(request: Request, me: Membership, proposal_id: UUID) -> HttpResponse:
    done = "A gentle reminder will show on their dashboards."
    return _proposer_action(request, me, proposal_id, services.nudge, done)


@require_safe
@member_required
def polycule_timeline(request: Request, me: Membership) -> HttpResponse:
    group = request.GET.get("kind", "")
    group = group if group in KIND_LABELS else ""
    person_id = _person_filter(me, request.GET.get("person", ""))
    person = me.polycule.memberships.filter(public_id=person_id).first() if person_id else None
    item = None
    if request.GET.get("item"):
        try:
            item = Item.objects.visible_to(me).filter(public_id=UUID(request.GET["item"])).first()
        except ValueError:
            item = None
    # Clamped: a huge page number would overflow the database's OFFSET.
    page = min(max(_number(request.GET.get("page"), default=1), 1), MAX_PAGE)
    lines, has_next = timeline(me, page=page, group=group, person=person, item=item)
    context = {
        "me": me,
        "lines": lines,
        "page": page,
        "has_next": has_next,
        "groups": list(KIND_LABELS.items()),
        "group": group,
        "person": person,
        "item": item,
        "people": me.polycule.memberships.all(),
        "query": _without_page(request),
    }
    return render(request, "values/timeline.html", context)


def _without_page(request: Request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""


@require_safe
@member_required
def onboarding(request: Request, me: Membership) -> HttpResponse:
    items = selectors.newcomer_items(me)
    return render(request, "values/onboarding.html", {"me": me, "items": items})
