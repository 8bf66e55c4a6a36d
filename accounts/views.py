from allauth.account.views import LogoutView
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .forms import NameForm
from .http import Request


@require_http_methods(["GET", "POST"])
def account_settings(request: Request) -> HttpResponse:
    form = NameForm(request.POST if request.method == "POST" else None, instance=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("accounts:settings")
    status = 422 if form.errors else 200
    return render(request, "accounts/settings.html", {"form": form}, status=status)


_allauth_logout = LogoutView.as_view()


@login_not_required
def logout(request: HttpRequest) -> HttpResponse:
    """allauth's sign-out, which also asks the browser to forget this site (promise 5)."""
    response: HttpResponse = _allauth_logout(request)
    if request.method == "POST":
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    return response


@login_not_required
def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
