from django.urls import path

from . import views

app_name = "relationships"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("polycules/", views.polycule_list, name="polycule_list"),
    path("polycules/new/", views.polycule_create, name="polycule_create"),
    path("p/<uuid:polycule_id>/", views.polycule_detail, name="polycule_detail"),
    path("p/<uuid:polycule_id>/rename/", views.polycule_rename, name="polycule_rename"),
    path("p/<uuid:polycule_id>/me/", views.membership_edit, name="membership_edit"),
    path("p/<uuid:polycule_id>/leave/", views.polycule_leave, name="polycule_leave"),
    path("p/<uuid:polycule_id>/members/<uuid:member_id>/role/", views.member_role, name="member_role"),
    path("p/<uuid:polycule_id>/members/<uuid:member_id>/remove/", views.member_remove, name="member_remove"),
    path("p/<uuid:polycule_id>/invitations/new/", views.invitation_create, name="invitation_create"),
    path(
        "p/<uuid:polycule_id>/invitations/<uuid:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "p/<uuid:polycule_id>/invitations/<uuid:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_open, name="invitation_open"),
    path("invitation/", views.invitation_landing, name="invitation_landing"),
    path("invitation/accept/", views.invitation_accept, name="invitation_accept"),
]
