from django.urls import path

from . import views

app_name = "values"

P = "p/<uuid:polycule_id>/"
ITEM = P + "items/<uuid:item_id>/"
PROPOSAL = P + "proposals/<uuid:proposal_id>/"
SUGGESTION = P + "suggestions/<uuid:suggestion_id>/"

urlpatterns = [
    path("home/", views.dashboard, name="dashboard"),
    path(P + "items/", views.item_list, name="item_list"),
    path(P + "items/new/<str:kind>/", views.item_create, name="item_create"),
    path(ITEM, views.item_detail, name="item_detail"),
    path(ITEM + "acknowledge/", views.boundary_acknowledge, name="boundary_acknowledge"),
    path(ITEM + "reaffirm/", views.item_reaffirm, name="item_reaffirm"),
    path(ITEM + "consent/", views.item_consent, name="item_consent"),
    path(ITEM + "edit/", views.boundary_edit, name="boundary_edit"),
    path(ITEM + "retire/", views.boundary_retire, name="boundary_retire"),
    path(ITEM + "audience/", views.boundary_audience, name="boundary_audience"),
    path(ITEM + "versions/", views.version_list, name="version_list"),
    path(ITEM + "diff/", views.version_diff, name="version_diff"),
    path(ITEM + "suggest/", views.suggestion_create, name="suggestion_create"),
    path(ITEM + "propose/", views.proposal_create, name="proposal_create"),
    path(SUGGESTION + "take/", views.suggestion_take, name="suggestion_take"),
    path(SUGGESTION + "decline/", views.suggestion_decline, name="suggestion_decline"),
    path(PROPOSAL, views.proposal_detail, name="proposal_detail"),
    path(PROPOSAL + "respond/", views.proposal_respond, name="proposal_respond"),
    path(PROPOSAL + "amend/", views.proposal_amend, name="proposal_amend"),
    path(PROPOSAL + "withdraw/", views.proposal_withdraw, name="proposal_withdraw"),
    path(PROPOSAL + "nudge/", views.proposal_nudge, name="proposal_nudge"),
    path(P + "timeline/", views.polycule_timeline, name="timeline"),
    path(P + "welcome/", views.onboarding, name="onboarding"),
]
