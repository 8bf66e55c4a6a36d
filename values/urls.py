from django.urls import path

from .views import boundaries, items, proposals, suggestions

app_name = "values"

P = "p/<uuid:polycule_id>/"
ITEM = P + "items/<uuid:item_id>/"
PROPOSAL = P + "proposals/<uuid:proposal_id>/"
SUGGESTION = P + "suggestions/<uuid:suggestion_id>/"

urlpatterns = [
    path(P + "items/", items.item_list, name="item_list"),
    path(P + "items/new/<str:kind>/", items.item_create, name="item_create"),
    path(ITEM, items.item_detail, name="item_detail"),
    path(ITEM + "reaffirm/", items.item_reaffirm, name="item_reaffirm"),
    path(ITEM + "consent/", items.item_consent, name="item_consent"),
    path(ITEM + "versions/", items.version_list, name="version_list"),
    path(ITEM + "diff/", items.version_diff, name="version_diff"),
    path(ITEM + "acknowledge/", boundaries.boundary_acknowledge, name="boundary_acknowledge"),
    path(ITEM + "edit/", boundaries.boundary_edit, name="boundary_edit"),
    path(ITEM + "retire/", boundaries.boundary_retire, name="boundary_retire"),
    path(ITEM + "audience/", boundaries.boundary_audience, name="boundary_audience"),
    path(ITEM + "suggest/", suggestions.suggestion_create, name="suggestion_create"),
    path(SUGGESTION + "take/", suggestions.suggestion_take, name="suggestion_take"),
    path(SUGGESTION + "decline/", suggestions.suggestion_decline, name="suggestion_decline"),
    path(ITEM + "propose/", proposals.proposal_create, name="proposal_create"),
    path(ITEM + "propose/retire/", proposals.proposal_retire, name="proposal_retire"),
    path(PROPOSAL, proposals.proposal_detail, name="proposal_detail"),
    path(PROPOSAL + "respond/", proposals.proposal_respond, name="proposal_respond"),
    path(PROPOSAL + "amend/", proposals.proposal_amend, name="proposal_amend"),
    path(PROPOSAL + "withdraw/", proposals.proposal_withdraw, name="proposal_withdraw"),
    path(PROPOSAL + "nudge/", proposals.proposal_nudge, name="proposal_nudge"),
]
