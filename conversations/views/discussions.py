"""Discussions: about an item, one of its versions or a proposal, each on its own page; and
replying, correcting and muting, wherever a discussion is shown (under a what-if round too).

In place with htmx, every action answers with the thread fragment (``_discussion.html``);
without JavaScript, a plain post redirects to where the discussion is shown."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import Request
from relationships.access import log_denial, member_required
from relationships.models import Membership
from relationships.services import NotAllowed, RuleError
from values.models import Item

from .. import rules
from ..forms.discussions import CommentForm, CorrectForm, ReplyForm
from ..models import Comment
from ..selectors import discussions as selectors
from ..services import discussions as services
from . import more

THREAD = "conversations/_discussion.html"


def _posted(request: Request) -> QueryDict | None:
    """The posted data, bound even when empty: an empty post is refused, not shown a blank form."""
    return request.POST if request.method == "POST" else None


def _mistake(form: forms.Form) -> str:
    """What to tell the person about a form sent back: its first error, in words."""
    if "text" in form.errors:
        return str(form.errors["text"][0])
    return "This form was incomplete or out of date. Reload the page and try again."


def _thread_fragment(request: Request, me: Membership, thread: selectors.Thread, **extra: Any) -> HttpResponse:
    status = extra.pop("status", 200)
    return render(request, THREAD, {"me": me, "thread": thread, **extra}, status=status)


def more_comments(request: Request, me: Membership, thread: selectors.Thread) -> HttpResponse:
    """The next page of a thread's comments, for its "More" link."""
    return more.rows(request, f"{THREAD}#comment-rows", {"me": me, "thread": thread}, thread.page, "comments")


# The three discussion pages: shown, and added to


def _discussion(request: Request, me: Membership, about: selectors.About) -> HttpResponse:
    form = CommentForm(_posted(request))
    status, error = 200, ""
    written: Comment | None = None
    if form.is_bound:
        if not form.is_valid():
            status, error = 422, _mistake(form)
        else:
            try:
                text = form.cleaned_data["text"]
                written = services.comment_about(
                    author=me, item=about.item, version=about.version, proposal=about.proposal, text=text
                )
            except NotAllowed:
                raise Http404 from None
            except RuleError as exc:  # the same words sent twice
                status, error = 409, exc.message
            else:
                if not request.htmx:
                    messages.success(request, "Your comment is there for the others to read.")
                    return redirect(about.url(me.polycule.public_id) + "#discussion")
    mistake = {"error": error, "error_at": "new", "kept": request.POST.get("text", "")} if error else {}
    if form.is_bound and request.htmx:
        done = "" if error else "Sent. It's there for the others to read."
        discussion = written.discussion if written is not None else None
        thread = selectors.thread_about(me, about, newest=not error, discussion=discussion)
        return _thread_fragment(request, me, thread, status=status, done=done, **mistake)
    if not form.is_bound and more.wants_more(request):
        return more_comments(request, me, selectors.thread_about(me, about, after=more.cursor(request)))
    page = selectors.discussion_page(me, about, after=more.cursor(request) if not form.is_bound else "")
    context = {"me": me, "page": page, "thread": page.thread, "query": more.query(request), **mistake}
    return render(request, "conversations/discussion_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required
def discussion_item(request: Request, me: Membership, item_id: UUID) -> HttpResponse:
    item = selectors.visible_item(me, item_id)
    if item is None:
        log_denial(me.user, "item", Item.objects.filter(polycule_id=me.polycule_id, public_id=item_id), me.polycule_id)
        raise Http404
    return _discussion(request, me, selectors.About(item))


@require_http_methods(["GET", "POST"])
@member_required
def discussion_version(request: Request, me: Membership, item_id: UUID, number: int) -> HttpResponse:
    version = selectors.visible_version(me, item_id, number)
    if version is None:
        log_denial(me.user, "item", Item.objects.filter(polycule_id=me.polycule_id, public_id=item_id), me.polycule_id)
        raise Http404
    return _discussion(request, me, selectors.About(version.item, version=version))


@require_http_methods(["GET", "POST"])
@member_required
def discussion_proposal(request: Request, me: Membership, proposal_id: UUID) -> HttpResponse:
    proposal = selectors.visible_proposal(me, proposal_id)
    if proposal is None:
        raise Http404
    return _discussion(request, me, selectors.About(proposal.item, proposal=proposal))


# Replying and correcting, wherever the discussion is shown


def _comment_or_404(me: Membership, comment_id: UUID) -> Comment:
    comment = selectors.visible_comment(me, comment_id)
    if comment is None:
        existing = Comment.objects.filter(discussion__polycule_id=me.polycule_id, public_id=comment_id)
        log_denial(me.user, "comment", existing, me.polycule_id)
        raise Http404
    return comment


def _write(
    request: Request,
    me: Membership,
    comment: Comment,
    form: forms.Form,
    *,
    key: str,
    save: Callable[[str], object],
    done: str,
    template: str,
) -> HttpResponse:
    """Sends a reply to ``comment`` or a correction of it. Done: the thread fragment for htmx, else
    a redirect to where the discussion is shown. Not done: the thread fragment with the mistake
    beside that comment's form (htmx), or ``template``, a page with the form and its mistake."""
    discussion = comment.discussion
    status, error = 200, ""
    if not form.is_valid():
        status, error = 422, _mistake(form)
    else:
        try:
            save(form.cleaned_data["text"])
        except NotAllowed:
            raise Http404 from None
        except RuleError as exc:  # a double submit, an unchanged wording
            status, error = 409, exc.message
    if not request.htmx:
        if not error:
            messages.success(request, done)
            return redirect(selectors.page_url(discussion, me.polycule.public_id) + f"#comment-{comment.public_id}")
        if error not in [str(e) for e in form.errors.get("text", [])]:
            form.add_error(None, error)
        return render(request, template, _comment_context(me, comment, form), status=status)
    thread = selectors.thread_of(me, discussion, anchor=comment if comment.parent is None else comment.parent)
    mistake = {"error": error, "error_at": key, "kept": request.POST.get("text", "")} if error else {}
    return _thread_fragment(request, me, thread, status=status, done="" if error else done, **mistake)


def _comment_context(me: Membership, comment: Comment, form: forms.Form) -> dict[str, Any]:
    latest = comment.revisions.order_by("-number").first()
    return {
        "me": me,
        "comment": comment,
        "text": latest.text if latest else "",
        "form": form,
        "back": selectors.page_url(comment.discussion, me.polycule.public_id) + f"#comment-{comment.public_id}",
    }


@require_POST
@member_required
def comment_reply(request: Request, me: Membership, comment_id: UUID) -> HttpResponse:
    parent = _comment_or_404(me, comment_id)
    form = ReplyForm(request.POST)
    if form.is_valid() and form.cleaned_data["discussion"] != parent.discussion.public_id:
        raise Http404  # a comment of another discussion than the one the reply was written in

    def save(text: str) -> Comment:
        return services.comment(author=me, discussion=parent.discussion, text=text, parent=parent)

    return _write(
        request,
        me,
        parent,
        form,
        key=f"reply-{parent.public_id}",
        save=save,
        done="Your reply is there for the others to read.",
        template="conversations/discussion_reply.html",
    )


@require_http_methods(["GET", "POST"])
@member_required
def comment_correct(request: Request, me: Membership, comment_id: UUID) -> HttpResponse:
    comment = _comment_or_404(me, comment_id)
    if not rules.can_correct(comment, me, selectors.through_the_gate(me)):
        raise Http404  # someone else's words are theirs to correct
    if request.method == "GET":
        latest = comment.revisions.order_by("-number").first()
        form = CorrectForm(initial={"text": latest.text if latest else ""})
        return render(request, "conversations/discussion_correct.html", _comment_context(me, comment, form))

    def save(text: str) -> object:
        return services.correct(author=me, comment=comment, text=text)

    return _write(
        request,
        me,
        comment,
        CorrectForm(request.POST),
        key=f"correct-{comment.public_id}",
        save=save,
        done="Corrected. It says “edited”, and the earlier wording stays readable.",
        template="conversations/discussion_correct.html",
    )


# Muting


def _muting(
    request: Request, me: Membership, discussion_id: UUID, change: Callable[..., None], done: str
) -> HttpResponse:
    discussion = selectors.visible_discussion(me, discussion_id)
    if discussion is None:
        raise Http404
    try:
        change(member=me, discussion=discussion)
    except NotAllowed:
        raise Http404 from None
    if request.htmx:
        return _thread_fragment(request, me, selectors.thread_of(me, discussion), done=done)
    messages.success(request, done)
    return redirect(selectors.page_url(discussion, me.polycule.public_id) + "#discussion")


@require_POST
@member_required
def discussion_mute(request: Request, me: Membership, discussion_id: UUID) -> HttpResponse:
    done = "Muted. It won't call for you any more; you can still read and write here."
    return _muting(request, me, discussion_id, services.mute, done)


@require_POST
@member_required
def discussion_unmute(request: Request, me: Membership, discussion_id: UUID) -> HttpResponse:
    return _muting(request, me, discussion_id, services.unmute, "Unmuted. It will call for you again.")
