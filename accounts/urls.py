from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("settings/", views.account_settings, name="settings"),
    # Same path as allauth's account_logout, which it serves in its place.
    path("logout/", views.logout, name="logout"),
]
