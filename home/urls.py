from django.urls import path

from . import views, views_deletion, views_export, views_floor

app_name = "home"

urlpatterns = [
    path("home/", views.dashboard, name="dashboard"),
    path("home/count/", views.needs_count, name="needs_count"),
    path("floor/", views_floor.floor, name="floor"),
    path("accounts/delete/", views_deletion.account_delete, name="account_delete"),
    path("p/<uuid:polycule_id>/welcome/", views.onboarding, name="onboarding"),
    path("p/<uuid:polycule_id>/timeline/", views.polycule_timeline, name="timeline"),
    path("accounts/export/", views_export.export_page, name="export"),
    path("accounts/export/download/", views_export.export_download, name="export_download"),
    path("p/<uuid:polycule_id>/print/", views_export.agreements_print, name="agreements_print"),
]
