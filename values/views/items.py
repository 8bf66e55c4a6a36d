"""Views under /p/<polycule>/items/: the list, a new item, an item, its versions, and what
every kind of item shares (consenting, reaffirming)."""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import paging
from accounts.http import Request, form_status
from relationships.access import member_required
from relationships.models import Membership

from .. import rules, selectors, services
from ..diff import word_diff
from ..forms import KIND_FOR_URL, AcknowledgmentForm, ItemCreateForm, VersionRefForm
from ..models import Category, Item, Kind
from .common import item_or_404, posted


@require_safe
@member_required
def item_list(request: Request, me: Membership) -> HttpResponse:
    filters = selectors.ItemFilters(
        kind=request.GET.get("kind", "") if request.GET.get("kind") in Kind.values else "",
        category=request.GET.get("category", "") if request.GET.get("category") in Category.values else "",
        person=person_filter(me, request.GET.get("person", "")),
        needs_me=request.GET.get("needs") == "1",
        due=request.GET.get("due") == "1",
        retired=request.GET.get("retired") == "1",
    )
    page = selectors.item_list(me, filters, after=request.GET.get("after", ""))
    context = {"me": me, "page": page, "query": paging.query_without_cursor(request.GET), "filters": filters}
    if request.htmx and request.GET.get("after"):
        # "More": the next cards, added to the list in place.
        return render(request, "values/item_list.html#more-cards", {**context, "oob": True})
    shown = selectors.OPEN_PROPOSALS_SHOWN
    proposals, proposals_in_all = selectors.open_proposals(me, shown) if page.first else ([], 0)
    context |= {
        "kinds": Kind.choices,
        "categories": Category.choices,
        "people": me.polycule.memberships.active(),
        "proposals": proposals,
        "more_proposals": proposals_in_all > shown,
    }
    return render(request, "values/item_list.html", context)


def person_filter(me: Membership, value: str) -> str:
    """A member of this polycule's public id, or "" for anything else."""
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
    form = ItemCreateForm(posted(request), me=me)
    if rules.RULES[item_kind].owner_edits:
        form.for_a_boundary()
    if form.is_valid():
        data = {**form.cleaned_data, "audience": [UUID(a) for a in form.cleaned_data["audience"]]}
        try:
            if rules.RULES[item_kind].owner_edits:
                item = services.create_boundary(owner=me, **data)
                messages.success(request, "Your boundary is set. The others will be asked to acknowledge it.")
                return redirect(item)
            proposal = services.propose_new(proposer=me, kind=item_kind, **data)
        except services.RuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Your proposal is open. Everyone it concerns will be asked to respond.")
            return redirect(proposal)
    context = {"me": me, "form": form, "kind": item_kind}
    return render(request, "values/item_create.html", context, status=form_status(form))


@require_safe
@member_required
def item_detail(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    # Opened from the newcomer's welcome list: consenting goes back to it.
    return render_item(request, me, item_or_404(me, item_id), from_welcome=request.GET.get("from") == "welcome")


def render_item(
    request: Request, me: Membership, item: Item, *, partial: str = "", status: int = 200, **extra: Any
) -> HttpResponse:
    """The item page, or one of its partials for an htmx request."""
    page = selectors.item_page(me, item)
    context = {"me": me, "page": page, "ack_form": AcknowledgmentForm(initial={"version": page.version.number})}
    template = "values/item_detail.html" + (f"#{partial}" if partial and request.htmx else "")
    return render(request, template, {**context, **extra}, status=status)


@require_POST
@member_required
def item_reaffirm(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = item_or_404(me, item_id)
    try:
        reaffirmation = services.reaffirm(member=me, item=item)
    except services.RuleError as exc:
        error: str | None = exc.message
    else:
        error = None
        # The stamp shows it at once; the next review is counted from today.
        item.last_reaffirmed_at = reaffirmation.created_at  # type: ignore[attr-defined]
    if request.htmx:
        if error:
            item = item_or_404(me, item_id)
        status = 409 if error else 200
        return render_item(
            request, me, item, partial="context-stamp", status=status, reaffirmed=not error, reaffirm_error=error
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{rules.reaffirming(item, me).done}, as of today.")
    return redirect(item)


@require_POST
@member_required
def item_consent(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    form = VersionRefForm(request.POST)
    if not form.is_valid():
        item = item_or_404(me, item_id)
        messages.error(request, "Something was missing from the form. Please try again.")
        return render_item(request, me, item, status=422)
    try:
        # The service finds the item among those the member may see, inside its lock.
        services.consent(member=me, item=item_id, version_number=form.cleaned_data["version"])
    except Item.DoesNotExist:
        item_or_404(me, item_id)  # logs a denial for an item that exists, and answers 404
        raise Http404 from None
    except services.RuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your consent is recorded.")
    if request.POST.get("next") == "welcome":
        return redirect(settings.WELCOME_URL_NAME, me.polycule.public_id)
    return redirect("values:item_detail", me.polycule.public_id, item_id)


@require_safe
@member_required
def version_list(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    """An item's versions, newest first, a page at a time."""
    item = item_or_404(me, item_id)
    page = paging.page(item.versions.select_related("author"), ("-number",), after=request.GET.get("after", ""))
    context = {"me": me, "item": item, "page": page, "query": paging.query_without_cursor(request.GET)}
    if request.htmx and request.GET.get("after"):
        return render(request, "values/version_list.html#more-versions", {**context, "oob": True})
    return render(request, "values/version_list.html", context)


@require_safe
@member_required
def version_diff(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    """Two versions side by side: only those two are read, however long the history."""
    item = item_or_404(me, item_id)
    assert item.current_version is not None
    newest = item.current_version.number
    old = number(request.GET.get("from"), default=max(newest - 1, 1))
    new = number(request.GET.get("to"), default=newest)
    versions = {v.number: v for v in item.versions.filter(number__in={old, new}).select_related("author")}
    if old not in versions or new not in versions:
        raise Http404
    context = {
        "me": me,
        "item": item,
        "old": versions[old],
        "new": versions[new],
        "newest": newest,
        "title_diff": word_diff(versions[old].title, versions[new].title),
        "text_diff": word_diff(versions[old].text, versions[new].text),
    }
    return render(request, "values/version_diff.html", context)


def number(value: str | None, *, default: int) -> int:
    """A whole number from the query string; -1 (found nowhere) for anything else, a number
    too large for the database included."""
    try:
        found = int(value) if value else default
    except ValueError:
        return -1
    return found if 0 <= found < 2**31 else -1
