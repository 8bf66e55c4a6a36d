from django.urls import include, path

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("relationships.urls")),
    path("", include("values.urls")),
    path("", include("home.urls")),
    path("", include("conversations.urls")),
    path("", include("notifications.urls")),
]

# Error pages that never read the request body (accounts.errors).
handler400 = "accounts.errors.bad_request"
handler403 = "accounts.errors.permission_denied"
handler404 = "accounts.views.not_found"
handler500 = "accounts.views.server_error"
