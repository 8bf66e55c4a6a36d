"""Suggestions: someone proposes new words for another member's boundary, which its owner
takes (as a new version) or declines (with a note)."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import Request, form_status
from relationships.access import member_required
from relationships.models import Membership

from .. import rules, services
from ..forms import DeclineForm, SuggestionForm, VersionedWordsForm
from ..models import Suggestion
from .common import item_or_404, posted, submit, words


@require_http_methods(["GET", "POST"])
@member_required
def suggestion_create(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = item_or_404(me, item_id)
    if not rules.can_suggest(item, me):
        raise Http404
    version = item.current_version
    assert version is not None
    form = SuggestionForm(posted(request), initial={"base": version.number, "text": version.text})

    def save(data: dict[str, Any]) -> HttpResponse:
        services.suggest_change(author=me, item=item, base_number=data["base"], text=data["text"], why=data["why"])
        messages.success(request, f"Your suggestion is with {item.owner}. It is theirs to take or not.")
        return redirect(item)

    return submit(request, me, form, item=item, save=save) or render(
        request, "values/suggestion_create.html", {"me": me, "item": item, "form": form}, status=form_status(form)
    )


def _suggestion(me: Membership, suggestion_id: UUID) -> Suggestion:
    """An open suggestion on one of this member's own live boundaries; 404 for anything else."""
    suggestions = Suggestion.objects.filter(
        item__owner=me, item__retired_at__isnull=True, status=Suggestion.Status.OPEN
    ).select_related("item__current_version", "item__polycule", "author")
    suggestion = get_object_or_404(suggestions, public_id=suggestion_id)
    if not rules.can_answer_suggestion(suggestion.item, me):
        raise Http404
    return suggestion


def _take_form(suggestion: Suggestion, data: Any = None) -> VersionedWordsForm:
    version = suggestion.item.current_version
    assert version is not None
    initial = {
        "title": version.title,
        "text": suggestion.text,
        "base": version.number,
        "why": f"Suggested by {suggestion.author}: {suggestion.why}",
    }
    return VersionedWordsForm(data, initial=initial).for_a_boundary()


@require_http_methods(["GET", "POST"])
@member_required
def suggestion_take(request: Request, me: Membership, suggestion_id: UUID) -> HttpResponse:
    suggestion = _suggestion(me, suggestion_id)
    item = suggestion.item
    form = _take_form(suggestion, posted(request))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.take_suggestion(owner=me, suggestion=suggestion, base_number=data["base"], **words(data))
        messages.success(request, "Taken: your boundary has a new version.")
        return redirect(item)

    context = {"me": me, "item": item, "suggestion": suggestion, "form": form, "decline_form": DeclineForm()}
    return submit(request, me, form, item=item, save=save) or render(
        request, "values/suggestion_take.html", context, status=form_status(form)
    )


@require_POST
@member_required
def suggestion_decline(request: Request, me: Membership, suggestion_id: UUID) -> HttpResponse:
    suggestion = _suggestion(me, suggestion_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        services.decline_suggestion(owner=me, suggestion=suggestion, reply=form.cleaned_data["reply"])
        messages.success(request, "Declined, with your note.")
        return redirect(suggestion.item)
    context = {"me": me, "item": suggestion.item, "suggestion": suggestion, "form": _take_form(suggestion)}
    return render(request, "values/suggestion_take.html", {**context, "decline_form": form}, status=422)
