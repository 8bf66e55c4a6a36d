from collections.abc import Iterable
from typing import Any, Self

from django import forms

from accounts.widgets import LongText, ShortText, too_long
from relationships.models import Membership

from .models import NOTE_MAX, TEXT_MAX, TITLE_MAX, WHY_MAX, Acknowledgment, Category, Kind, Response

REVIEW_CHOICES = [
    ("", "No regular review"),
    ("30", "Every month"),
    ("90", "Every three months"),
    ("182", "Every six months"),
    ("365", "Every year"),
]


class StampedForm(forms.Form):
    """A form that carries a hidden version or revision number. Hidden fields show no
    errors of their own, so a broken one gets a message at the top of the form."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(name in self.errors for name, field in self.fields.items() if field.widget.is_hidden):
            self.add_error(None, "This form was incomplete or out of date. Reload the page and try again.")
        return data


class WordsForm(forms.Form):
    """The words of a version: title, text and the why behind it."""

    title = forms.CharField(
        max_length=TITLE_MAX,
        label="Title",
        widget=ShortText,
        error_messages={"required": "Give it a title: a few words to know it by.", "max_length": too_long("A title")},
    )
    text = forms.CharField(
        max_length=TEXT_MAX,
        label="In your own words",
        widget=LongText(attrs={"rows": 5}),
        error_messages={"required": "Write it in your own words first.", "max_length": too_long("The text")},
    )
    why = forms.CharField(
        max_length=WHY_MAX,
        label="Why",
        help_text="The context: what led to this. It stays with this version, so later you remember.",
        widget=LongText(attrs={"rows": 3}),
        error_messages={
            "required": "Say a little about what led to this. It stays with this version.",
            "max_length": too_long("The why"),
        },
    )

    def for_a_boundary(self) -> Self:
        """A boundary's why is invited, not demanded: a boundary needs no justification."""
        why = self.fields["why"]
        why.required = False
        why.label = "Why (if you'd like to say)"
        why.help_text = (
            "Your boundary needs no justification. If you'd like the others to know what led to it, it helps."
        )
        return self


class VersionedWordsForm(StampedForm, WordsForm):
    """Words written against one version; a stale number means someone else changed it first."""

    base = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AudienceForm(forms.Form):
    """Who can see an item: everyone, or chosen members of the polycule."""

    everyone = forms.TypedChoiceField(
        label="Who can see it",
        choices=[("1", "Everyone in the polycule"), ("0", "Only the people I choose")],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    audience = forms.MultipleChoiceField(
        label="The people who can see it",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You are always included. Nobody else will know it exists.",
    )

    def __init__(self, *args: Any, me: Membership, members: Iterable[Membership] | None = None, **kwargs: Any) -> None:
        """``members``: the polycule's active members, when the view read them already."""
        super().__init__(*args, **kwargs)
        if members is None:
            members = me.polycule.memberships.active()
        others = [m for m in members if m.pk != me.pk]
        audience = self.fields["audience"]
        assert isinstance(audience, forms.MultipleChoiceField)
        audience.choices = [(str(m.public_id), m.display_name) for m in others]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("everyone") is False and not data.get("audience"):
            self.add_error("audience", "Choose at least one person, or share it with everyone.")
        return data


class ItemCreateForm(AudienceForm, WordsForm):
    category = forms.ChoiceField(choices=Category.choices, initial=Category.OTHER, label="Topic")
    review_every_days = forms.TypedChoiceField(
        label="Look at it again", choices=REVIEW_CHOICES, coerce=int, empty_value=None, required=False
    )
    field_order = ("title", "text", "why", "category", "everyone", "audience", "review_every_days")


class AcknowledgmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    answer = forms.ChoiceField(choices=Acknowledgment.Answer.choices)
    note = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        label="How it lands for you (optional)",
        widget=LongText(attrs={"rows": 2}),
        error_messages={"max_length": too_long("A note")},
    )


class ResponseForm(StampedForm):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    answer = forms.ChoiceField(choices=Response.Answer.choices, widget=forms.RadioSelect, label="Where you stand")
    note = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        label="A note",
        help_text="Needed for an objection: what would need to change for you?",
        widget=LongText(attrs={"rows": 2}),
        error_messages={"max_length": too_long("A note")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("answer") == Response.Answer.OBJECT and not data.get("note", "").strip():
            self.add_error("note", "An objection needs a note: what would need to change for you?")
        return data


class SuggestionForm(StampedForm):
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = WordsForm.base_fields["text"]
    why = WordsForm.base_fields["why"]


class DeclineForm(forms.Form):
    reply = forms.CharField(
        max_length=NOTE_MAX,
        label="Your reply",
        help_text="A few words on why, so the conversation can go on.",
        widget=LongText(attrs={"rows": 3}),
        error_messages={"required": "Write a few words on why first.", "max_length": too_long("A reply")},
    )


class ProposalForm(AudienceForm, VersionedWordsForm):
    """A change to a value or agreement: its words, and perhaps who it is shared with."""

    everyone = forms.TypedChoiceField(
        label="Who can see it",
        choices=AudienceForm.base_fields["everyone"].choices,  # type: ignore[attr-defined]
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="Changing this is part of your proposal: everyone who sees it now answers.",
    )
    field_order = ("title", "text", "why", "everyone", "audience")


class RetireForm(StampedForm):
    base = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    why = WordsForm.base_fields["why"]


class VersionRefForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


KIND_FOR_URL = {"value": Kind.VALUE, "agreement": Kind.AGREEMENT, "boundary": Kind.BOUNDARY}
