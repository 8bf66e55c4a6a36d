"""The settings page: how a person likes to be told, and their calendar addresses."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.http import Request, form_status
from relationships.services import RuleError

from .. import settings_selectors, settings_services
from ..forms import FeedTitlesForm, PreferencesForm


@require_http_methods(["GET", "POST"])
def preferences(request: Request) -> HttpResponse:
    page = settings_selectors.preferences_page(request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, page=page)
    if form.is_valid():
        try:
            settings_services.save_preferences(user=request.user, **form.choices())
        except RuleError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Saved. Trellis will tell you things this way from now on.")
            return redirect("notifications:preferences")
    context = {"form": form, "page": page, "titles_form": FeedTitlesForm}
    return render(request, "notifications/preferences.html", context, status=form_status(form))
