from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.http import Request, form_status, reauthentication_required

from . import deletion
from .forms import AccountDeleteForm


@require_http_methods(["GET", "POST"])
@reauthentication_required
def account_delete(request: Request) -> HttpResponse:
    """What deleting the account does, then the deletion itself, after the password again."""
    form = AccountDeleteForm(request.user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        deletion.delete_account(user=request.user, request=request)
        logout(request)
        messages.success(request, "Your account is deleted. Thank you for the care you brought to Trellis.")
        return redirect("relationships:landing")
    context = {"form": form, "preview": deletion.preview(request.user)}
    return render(request, "home/account_delete.html", context, status=form_status(form))
