from django.urls import path

from .views import checkins, choices, discussions, journal, rounds, talk

app_name = "conversations"

P = "p/<uuid:polycule_id>/"
ITEM = P + "items/<uuid:item_id>/"
ROUND = P + "what-if/<uuid:round_id>/"
CHECKIN = P + "check-ins/<uuid:checkin_id>/"
ENTRY = "journal/<uuid:entry_id>/"
DRAFT = "journal/drafts/<uuid:draft_id>/"

urlpatterns = [
    path(P + "talk/", talk.talk, name="talk"),
    path(P + "choices/", talk.choice_list, name="choice_list"),
    path(P + "what-if/", talk.round_list, name="round_list"),
    path(P + "discussions/", talk.discussion_list, name="discussion_list"),
    # Discussions: about an item, one of its versions, or a proposal; shown and added to.
    path(ITEM + "talk/", discussions.discussion_item, name="discussion_item"),
    path(ITEM + "versions/<int:number>/talk/", discussions.discussion_version, name="discussion_version"),
    path(P + "proposals/<uuid:proposal_id>/talk/", discussions.discussion_proposal, name="discussion_proposal"),
    path(P + "comments/<uuid:comment_id>/reply/", discussions.comment_reply, name="comment_reply"),
    path(P + "comments/<uuid:comment_id>/correct/", discussions.comment_correct, name="comment_correct"),
    path(P + "discussions/<uuid:discussion_id>/mute/", discussions.discussion_mute, name="discussion_mute"),
    path(P + "discussions/<uuid:discussion_id>/unmute/", discussions.discussion_unmute, name="discussion_unmute"),
    # Choices, shared as they happen.
    path(P + "choices/new/", choices.choice_create, name="choice_create"),
    path(P + "choices/<uuid:choice_id>/", choices.choice_detail, name="choice_detail"),
    path(P + "choices/<uuid:choice_id>/answer/", choices.choice_answer, name="choice_answer"),
    path(P + "choices/<uuid:choice_id>/write-back/", choices.choice_write_back, name="choice_write_back"),
    # What-if rounds.
    path(P + "what-if/new/", rounds.round_create, name="round_create"),
    path(ROUND, rounds.round_detail, name="round_detail"),
    path(ROUND + "answer/", rounds.round_answer, name="round_answer"),
    path(ROUND + "withdraw/", rounds.round_withdraw, name="round_withdraw"),
    path(ROUND + "reveal/", rounds.round_reveal, name="round_reveal"),
    path(ROUND + "talk/", rounds.round_comment, name="round_comment"),
    # Check-ins.
    path(P + "check-ins/", checkins.checkin_list, name="checkin_list"),
    path(P + "check-ins/new/", checkins.checkin_create, name="checkin_create"),
    path(CHECKIN, checkins.checkin_detail, name="checkin_detail"),
    path(CHECKIN + "topics/", checkins.topic_create, name="topic_create"),
    path(P + "topics/<uuid:topic_id>/notes/", checkins.note_create, name="note_create"),
    path(CHECKIN + "actions/", checkins.action_create, name="action_create"),
    path(P + "actions/<uuid:action_id>/done/", checkins.action_done, name="action_done"),
    path(CHECKIN + "reconnect/", checkins.reconnect, name="reconnect"),
    path(CHECKIN + "held/", checkins.checkin_hold, name="checkin_hold"),
    # The journal: the person's own, in no polycule.
    path("journal/", journal.journal, name="journal"),
    path("journal/new/", journal.entry_create, name="entry_create"),
    path(ENTRY, journal.journal_entry, name="journal_entry"),
    path(ENTRY + "edit/", journal.entry_edit, name="entry_edit"),
    path(ENTRY + "delete/", journal.entry_delete, name="entry_delete"),
    path(ENTRY + "draft/", journal.draft_create, name="draft_create"),
    path(DRAFT, journal.draft_edit, name="draft_edit"),
    path(DRAFT + "pause/", journal.draft_pause, name="draft_pause"),
    path(DRAFT + "send/", journal.draft_send, name="draft_send"),
    path(DRAFT + "keep/", journal.draft_keep, name="draft_keep"),
]
