"""The journal, under /journal/: one person's own pages, in no polycule. Each entry and draft is
fetched with ``author=request.user``, so anyone else's id is simply not found."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import Request, form_status
from relationships.access import log_denial
from relationships.services import RuleError

from .. import rules
from ..forms.journal import DraftStartForm, EntryForm, NewEntryForm, as_form_values, draft_form
from ..models import Draft, JournalEntry
from ..prompts.journal import by_key
from ..selectors import journal as selectors
from ..services import journal as services
from . import more

SENT = {
    Draft.Kind.BOUNDARY: "Your boundary is set. The others will be asked to acknowledge it.",
    Draft.Kind.VALUE: "Your proposal is open. Everyone it concerns will be asked to respond.",
    Draft.Kind.AGREEMENT: "Your proposal is open. Everyone it concerns will be asked to respond.",
    Draft.Kind.CHOICE: "Shared. Each person you told can say how it lands; only you will see it.",
}


def _posted(request: Request) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def entry_or_404(request: Request, entry_id: UUID) -> JournalEntry:
    entry = selectors.own_entry(request.user, public_id=entry_id)
    if entry is None:
        log_denial(request.user, "journal", JournalEntry.objects.filter(public_id=entry_id))
        raise Http404
    return entry


def draft_or_404(request: Request, draft_id: UUID) -> Draft:
    draft = selectors.own_draft(request.user, public_id=draft_id)
    if draft is None:
        log_denial(request.user, "journal", Draft.objects.filter(public_id=draft_id))
        raise Http404
    return draft


@require_safe
def journal(request: Request) -> HttpResponse:
    page = selectors.journal_page(request.user, after=more.cursor(request), today=timezone.localdate())
    context = {"page": page, "query": more.query(request)}
    if more.wants_more(request):
        return more.rows(request, "conversations/journal.html#entry-rows", context, page.entries, "entry-rows")
    return render(request, "conversations/journal.html", context)


@require_http_methods(["GET", "POST"])
def entry_create(request: Request) -> HttpResponse:
    prompt = by_key(request.GET.get("prompt", ""))
    form = NewEntryForm(_posted(request), initial={"prompt": prompt.key if prompt else ""})
    if form.is_valid():
        chosen = by_key(form.cleaned_data["prompt"])
        try:
            entry = services.write_entry(
                author=request.user, text=form.cleaned_data["text"], prompt=chosen.text if chosen else ""
            )
        except RuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Saved in your journal. Only you can read it.")
            return redirect(entry)
    elif form.is_bound:
        prompt = by_key(request.POST.get("prompt", ""))
    context = {"form": form, "prompt": prompt}
    return render(request, "conversations/journal_entry_create.html", context, status=form_status(form))


def render_entry(request: Request, entry: JournalEntry, form: DraftStartForm | None = None) -> HttpResponse:
    context = {"page": selectors.entry_page(request.user, entry), "form": form or DraftStartForm(user=request.user)}
    status = form_status(form) if form else 200
    return render(request, "conversations/journal_entry.html", context, status=status)


@require_safe
def journal_entry(request: Request, entry_id: UUID) -> HttpResponse:
    return render_entry(request, entry_or_404(request, entry_id))


@require_http_methods(["GET", "POST"])
def entry_edit(request: Request, entry_id: UUID) -> HttpResponse:
    entry = entry_or_404(request, entry_id)
    form = EntryForm(_posted(request), initial={"text": entry.text})
    if form.is_valid():
        try:
            services.edit_entry(author=request.user, entry=entry, text=form.cleaned_data["text"])
        except RuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Saved.")
            return redirect(entry)
    context = {"entry": entry, "form": form}
    return render(request, "conversations/journal_entry_edit.html", context, status=form_status(form))


@require_http_methods(["GET", "POST"])
def entry_delete(request: Request, entry_id: UUID) -> HttpResponse:
    entry = entry_or_404(request, entry_id)
    if request.method == "POST":
        services.delete_entry(author=request.user, entry=entry)
        messages.success(request, "Deleted. It is gone for good.")
        return redirect("conversations:journal")
    return render(request, "conversations/journal_entry_delete.html", {"entry": entry})


@require_POST
def draft_create(request: Request, entry_id: UUID) -> HttpResponse:
    entry = entry_or_404(request, entry_id)
    form = DraftStartForm(request.POST, user=request.user)
    if not form.is_valid():
        return render_entry(request, entry, form)
    draft = services.start_draft(
        author=request.user,
        entry=entry,
        membership=form.cleaned_data["membership"],
        kind=Draft.Kind(form.cleaned_data["kind"]),
    )
    return redirect(draft)


def render_closed(request: Request, draft: Draft, *, status: int) -> HttpResponse:
    """What a draft that went out already, or can no longer go, answers."""
    page = selectors.draft_page(request.user, draft)
    return render(request, "conversations/draft_closed.html", {"page": page}, status=status)


@require_http_methods(["GET", "POST"])
def draft_edit(request: Request, draft_id: UUID) -> HttpResponse:
    draft = draft_or_404(request, draft_id)
    if not rules.can_send(draft, request.user):
        return render_closed(request, draft, status=200 if request.method == "GET" else 409)
    form = draft_form(draft, _posted(request))
    if form.is_valid():
        try:
            services.save_draft(author=request.user, draft=draft, data=form.cleaned_data)
        except RuleError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("conversations:draft_pause", draft.public_id)
    context = {"draft": draft, "noun": selectors.NOUNS[Draft.Kind(draft.kind)], "form": form}
    return render(request, "conversations/draft_edit.html", context, status=form_status(form))


@require_safe
def draft_pause(request: Request, draft_id: UUID) -> HttpResponse:
    draft = draft_or_404(request, draft_id)
    page = selectors.draft_page(request.user, draft)
    if not page.can_send:
        return render_closed(request, draft, status=200)
    return render(request, "conversations/draft_pause.html", {"page": page})


@require_POST
def draft_send(request: Request, draft_id: UUID) -> HttpResponse:
    draft = draft_or_404(request, draft_id)
    if not rules.can_send(draft, request.user):
        return render_closed(request, draft, status=409)
    # Checked again as the form would: the polycule may have changed since it was saved.
    form = draft_form(draft, as_form_values(draft.data))
    if form.is_valid():
        try:
            made = services.send_draft(author=request.user, draft=draft, data=form.cleaned_data)
        except services.AlreadySent:  # sent meanwhile, from another tab
            return render_closed(request, draft_or_404(request, draft_id), status=409)
        except RuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, SENT[Draft.Kind(draft.kind)])
            return redirect(made)
    messages.error(request, "Something in this draft needs another look before it can go.")
    context = {"draft": draft, "noun": selectors.NOUNS[Draft.Kind(draft.kind)], "form": form}
    return render(request, "conversations/draft_edit.html", context, status=422)


@require_POST
def draft_keep(request: Request, draft_id: UUID) -> HttpResponse:
    draft = draft_or_404(request, draft_id)
    if not rules.can_send(draft, request.user):
        return render_closed(request, draft, status=409)
    services.keep_draft(author=request.user, draft=draft, today=timezone.localdate())
    messages.success(request, "Kept. It will be waiting on your home page tomorrow, whenever you're ready.")
    return redirect("conversations:journal")
