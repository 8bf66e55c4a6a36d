from django.urls import path

from . import security, views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.account_settings, name="settings"),
    path("security/", security.security_events, name="security"),
    # Same path as allauth's account_logout, which it serves in its place.
    path("logout/", views.logout, name="logout"),
]
