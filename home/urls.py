from django.urls import path

from . import views

app_name = "home"

urlpatterns = [
    path("home/", views.dashboard, name="dashboard"),
    path("home/count/", views.needs_count, name="needs_count"),
    path("p/<uuid:polycule_id>/welcome/", views.onboarding, name="onboarding"),
    path("p/<uuid:polycule_id>/timeline/", views.polycule_timeline, name="timeline"),
]
