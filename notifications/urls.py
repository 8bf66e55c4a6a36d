from django.urls import path

from .views import feeds, health, preferences, unsubscribe

app_name = "notifications"

P = "p/<uuid:polycule_id>/"

urlpatterns = [
    path("notifications/", preferences.preferences, name="preferences"),
    path(P + "calendar/new/", feeds.feed_create, name="feed_create"),
    path(P + "calendar/titles/", feeds.feed_titles, name="feed_titles"),
    path(P + "calendar/stop/", feeds.feed_delete, name="feed_delete"),
    path("feeds/<str:token>.ics", feeds.feed, name="feed"),
    path("notifications/unsubscribe/<str:token>/", unsubscribe.unsubscribe, name="unsubscribe"),
    path("health/", health.health, name="health"),
]
