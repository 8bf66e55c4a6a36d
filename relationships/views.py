from uuid import UUID

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import Request, form_status, reauthentication_required
from accounts.next_page import offer_address

from . import rules, selectors, services
from .access import member_required
from .forms import InvitationForm, MembershipForm, PolyculeCreateForm, PolyculeForm, RoleForm
from .invitations import forget_invitation, pending_invitation_id, remember_invitation
from .models import Invitation, Membership


@require_safe
@login_not_required
def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "relationships/landing.html")


@require_safe
def polycule_list(request: Request) -> HttpResponse:
    memberships = (
        Membership.objects.active().filter(user=request.user).select_related("polycule").order_by("polycule__name")
    )
    return render(request, "relationships/polycule_list.html", {"memberships": memberships})


@require_http_methods(["GET", "POST"])
def polycule_create(request: Request) -> HttpResponse:
    form = PolyculeCreateForm(
        request.POST if request.method == "POST" else None, initial={"display_name": request.user.name}
    )
    if form.is_valid():
        membership = services.create_polycule(user=request.user, **form.cleaned_data)
        messages.success(request, f"{membership.polycule.name} is ready. Invite your partners when you are.")
        return redirect(membership.polycule)
    return render(request, "relationships/polycule_create.html", {"form": form}, status=form_status(form))


@require_safe
@member_required
def polycule_detail(request: Request, me: Membership) -> HttpResponse:
    return _render_detail(request, me)


def _render_detail(
    request: Request, me: Membership, partial: str = "", status: int = 200, **extra: object
) -> HttpResponse:
    """The polycule's home page, or for an htmx request only the partial named, from ``extra``."""
    context = {"me": me, "role_choices": Membership.Role, **extra}
    if partial and request.htmx:
        return render(request, f"relationships/polycule_detail.html#{partial}", context, status=status)
    context["page"] = selectors.polycule_page(me)
    return render(request, "relationships/polycule_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@member_required
def polycule_rename(request: Request, me: Membership) -> HttpResponse:
    if not rules.can_rename(me):
        return _refuse(request, me, "Only a steward of this polycule can rename it.")
    form = PolyculeForm(request.POST if request.method == "POST" else None, instance=me.polycule)
    if form.is_valid():
        services.rename_polycule(by=me, name=form.cleaned_data["name"])
        if request.htmx:
            polycule = me.polycule
            return _render_detail(request, me, "polycule-name", polycule=polycule, can_rename=True, renamed=True)
        messages.success(request, "The polycule has its new name.")
        return redirect(me.polycule)
    template = "relationships/polycule_rename.html"
    if request.htmx:
        template += "#rename-form"
    return render(request, template, {"form": form, "me": me, "polycule": me.polycule}, status=form_status(form))


def _refuse(request: Request, me: Membership, message: str) -> HttpResponse:
    return render(request, "relationships/refused.html", {"me": me, "message": message}, status=403)


@require_http_methods(["GET", "POST"])
@member_required
def membership_edit(request: Request, me: Membership) -> HttpResponse:
    form = MembershipForm(request.POST if request.method == "POST" else None, instance=me)
    if form.is_valid():
        services.update_membership(membership=me, **form.cleaned_data)
        messages.success(request, "Saved. This is how the others here will see you.")
        return redirect(me.polycule)
    return render(request, "relationships/membership_edit.html", {"form": form, "me": me}, status=form_status(form))


@require_http_methods(["GET", "POST"])
@member_required
@reauthentication_required
def polycule_leave(request: Request, me: Membership) -> HttpResponse:
    error = None
    if request.method == "POST":
        try:
            services.leave_polycule(membership=me)
        except services.RuleError as exc:
            error = exc.message
        else:
            messages.success(request, f"You have left {me.polycule.name}. What you wrote there stays in its history.")
            return redirect("relationships:polycule_list")
    return render(
        request, "relationships/polycule_leave.html", {"me": me, "error": error}, status=409 if error else 200
    )


def _member(me: Membership, member_id: UUID) -> Membership:
    return get_object_or_404(me.polycule.memberships.active().select_related("user"), public_id=member_id)


@require_POST
@member_required
def member_role(request: Request, me: Membership, member_id: UUID) -> HttpResponse:
    member = _member(me, member_id)
    if not rules.can_change_role(me, member):
        return _refuse(request, me, "Only a steward of this polycule can change who is a steward.")
    form = RoleForm(request.POST)
    error = None
    status = 200
    if not form.is_valid():
        error, status = "Choose steward or member.", 422
        if not request.htmx:
            return render(request, "relationships/refused.html", {"me": me, "message": error}, status=status)
    else:
        try:
            member = services.set_role(by=me, member=member, role=Membership.Role(form.cleaned_data["role"]))
        except services.NotAllowed as exc:
            return _refuse(request, me, exc.message)
        except services.RuleError as exc:
            error, status = exc.message, 409
    done = "" if error else f"{member.display_name} is now a {member.get_role_display().lower()}."
    if request.htmx:
        # The row says what happened, in the words the page without JavaScript shows.
        row = selectors.member_row(me, member)
        return _render_detail(request, me, "member-row", status, row=row, row_error=error, row_message=done)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(me.polycule)


@require_http_methods(["GET", "POST"])
@member_required
def member_remove(request: Request, me: Membership, member_id: UUID) -> HttpResponse:
    member = _member(me, member_id)
    if not rules.can_remove(me, member):
        return _refuse(request, me, "Only a steward can ask someone else to leave the polycule.")
    error = None
    if request.method == "POST":
        try:
            services.remove_member(by=me, member=member)
        except services.RuleError as exc:
            error = exc.message
        else:
            messages.success(request, f"{member.display_name} is no longer in {me.polycule.name}.")
            return redirect(me.polycule)
    context = {"me": me, "member": member, "error": error}
    return render(request, "relationships/member_remove.html", context, status=409 if error else 200)


@require_http_methods(["GET", "POST"])
@member_required
def invitation_create(request: Request, me: Membership) -> HttpResponse:
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if not ratelimit.consume(request, action="invite_member", user=request.user):
            form.add_error(None, "You have sent many invitations in a short time. Please wait an hour and try again.")
        else:
            try:
                invitation = services.invite(by=me, **form.cleaned_data)
            except services.RuleError as exc:
                form.add_error("email", exc.message)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}. The link works for a week.")
                return redirect(me.polycule)
    return render(request, "relationships/invitation_create.html", {"form": form, "me": me}, status=form_status(form))


def _invitation(me: Membership, invitation_id: UUID) -> Invitation:
    return get_object_or_404(me.polycule.invitations.select_related("invited_by"), public_id=invitation_id)


def _invitation_action(request: Request, me: Membership, invitation: Invitation, done: str) -> HttpResponse:
    if request.htmx:
        return _render_detail(
            request, me, "invitation-row", row=selectors.invitation_row(me, invitation), row_message=done
        )
    messages.success(request, done)
    return redirect(me.polycule)


@require_POST
@member_required
def invitation_resend(request: Request, me: Membership, invitation_id: UUID) -> HttpResponse:
    invitation = _invitation(me, invitation_id)
    if not ratelimit.consume(request, action="invite_member", user=request.user):
        return _invitation_action(request, me, invitation, "Too many invitations just now. Try again in an hour.")
    try:
        invitation = services.resend_invitation(by=me, invitation=invitation)
    except services.RuleError as exc:
        return _invitation_action(request, me, invitation, exc.message)
    return _invitation_action(request, me, invitation, f"Sent again to {invitation.email}.")


@require_POST
@member_required
def invitation_revoke(request: Request, me: Membership, invitation_id: UUID) -> HttpResponse:
    invitation = _invitation(me, invitation_id)
    try:
        invitation = services.revoke_invitation(by=me, invitation=invitation)
    except services.RuleError as exc:
        return _invitation_action(request, me, invitation, exc.message)
    return _invitation_action(request, me, invitation, f"The invitation to {invitation.email} no longer works.")


def _no_referrer(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
@login_not_required
def invitation_open(request: Request, token: str) -> HttpResponse:
    """The link in the mail: check the token, keep the invitation in the session,
    and move to a URL without the token."""
    invitation = services.find_invitation(token)
    if invitation is None:
        forget_invitation(request)
        response = render(request, "relationships/invitation_invalid.html", status=404)
    else:
        remember_invitation(request, invitation.pk)
        response = redirect("relationships:invitation_landing")
    return _no_referrer(response)


def _landing_invitation(request: Request) -> Invitation | None:
    invitation_id = pending_invitation_id(request)
    if invitation_id is None:
        return None
    return Invitation.objects.select_related("polycule", "invited_by").filter(pk=invitation_id).first()


@require_safe
@login_not_required
def invitation_landing(request: Request) -> HttpResponse:
    invitation = _landing_invitation(request)
    if invitation is None:
        return render(request, "relationships/invitation_invalid.html", status=404)
    if _used_by_me(request, invitation):
        # Someone following their own old link is already in: take them there.
        forget_invitation(request)
        return redirect(invitation.polycule)
    if not request.user.is_authenticated and invitation.status == Invitation.Status.PENDING:
        # The sign-up page this leads to fills in the invited address (accounts.forms.SignupForm).
        offer_address(request, invitation.email)
    return _render_landing(request, invitation, MembershipForm(initial=_initial(request)))


def _used_by_me(request: Request, invitation: Invitation) -> bool:
    return (
        invitation.accepted_membership_id is not None
        and request.user.is_authenticated
        and Membership.objects.active().filter(pk=invitation.accepted_membership_id, user=request.user).exists()
    )


def _initial(request: Request) -> dict[str, str]:
    return {"display_name": getattr(request.user, "name", "")}


def _render_landing(
    request: Request, invitation: Invitation, form: MembershipForm, error: str | None = None, status: int | None = None
) -> HttpResponse:
    state = invitation.status
    if state in {Invitation.Status.ACCEPTED, Invitation.Status.REVOKED}:
        # A used or withdrawn link may be in anyone's hands now: it names no polycule and no one.
        message = error or services.STATUS_MESSAGES[state]
        return render(request, "relationships/invitation_closed.html", {"message": message}, status=status or 410)
    context = {
        "invitation": invitation,
        "form": form,
        "error": error or services.STATUS_MESSAGES.get(state),
        "state": state,
        "email_matches": request.user.is_authenticated
        and services.email_matches(invitation=invitation, user=request.user),
        "next": reverse("relationships:invitation_landing"),
    }
    return render(request, "relationships/invitation_landing.html", context, status=status or 200)


@require_POST
def invitation_accept(request: Request) -> HttpResponse:
    invitation = _landing_invitation(request)
    if invitation is None:
        return render(request, "relationships/invitation_invalid.html", status=404)
    form = MembershipForm(request.POST)
    if not form.is_valid():
        return _render_landing(request, invitation, form, status=422)
    try:
        membership = services.accept_invitation(invitation=invitation, user=request.user, **form.cleaned_data)
    except services.RuleError as exc:
        return _render_landing(request, invitation, form, error=exc.message, status=409)
    forget_invitation(request)
    messages.success(request, f"Welcome to {membership.polycule.name}.")
    return redirect(settings.WELCOME_URL_NAME, membership.polycule.public_id)
