from typing import Any

from django import forms
from django.http import QueryDict

from accounts.http import uuid_or_none
from accounts.widgets import LongText, too_long
from relationships.models import Membership
from values.forms import AudienceForm
from values.models import Item

from ..models import NOTE_MAX, TEXT_MAX, Feeling


class ChoiceForm(AudienceForm):
    """A choice to tell about: what, why, to whom, and the items it touches."""

    text = forms.CharField(
        max_length=TEXT_MAX,
        label="The choice",
        help_text="What you chose, or are about to. For example: “I'm seeing Sam on Friday; we'll stay in.”",
        widget=LongText(attrs={"rows": 3}),
    )
    why = forms.CharField(
        max_length=TEXT_MAX,
        required=False,
        label="Why (optional)",
        help_text="What's behind it, so that it lands the way you mean it.",
        widget=LongText(attrs={"rows": 3}),
    )
    items = forms.MultipleChoiceField(
        label="What it touches (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Values, agreements and boundaries it relates to. Link only what everyone you tell can see.",
    )
    field_order = ("text", "why", "everyone", "audience", "items")

    def __init__(self, *args: Any, me: Membership, **kwargs: Any) -> None:
        super().__init__(*args, me=me, **kwargs)
        self.fields["everyone"].label = "Who to tell"
        everyone = self.fields["everyone"]
        assert isinstance(everyone, forms.TypedChoiceField)
        everyone.choices = [("1", "Everyone in the polycule"), ("0", "Only the people I choose")]
        self.fields["audience"].label = "The people to tell"
        self.fields["audience"].help_text = "You are always included. Nobody else will know you shared it."
        linkable = Item.objects.visible_to(me).live().select_related("current_version", "owner")
        items = self.fields["items"]
        assert isinstance(items, forms.MultipleChoiceField)
        items.choices = [(str(i.public_id), _label(i)) for i in linkable.order_by("kind", "current_title")]


def _label(item: Item) -> str:
    kind = f"{item.owner.display_name}'s boundary" if item.owner else item.get_kind_display().lower()
    return f"{item.title} ({kind})"


class AnswerForm(forms.Form):
    """How a choice lands for someone told about it."""

    feeling = forms.ChoiceField(
        choices=Feeling.choices,
        label="How it lands for you",
        error_messages={"required": "Choose how it lands: feels safe, okay, or uneasy."},
    )
    note = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        label="A note (optional)",
        widget=LongText(attrs={"rows": 2}),
    )


class WriteBackForm(forms.Form):
    """A word back from the person who shared a choice to one person's answer. Each answer has
    its own form on the page: ``auto_id`` keeps their fields apart."""

    to = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": "Choose whom to write back to.", "invalid": "Choose whom to write back to."},
    )
    note = forms.CharField(
        max_length=NOTE_MAX,
        label="Your words back",
        error_messages={"required": "Write a few words back, or close this.", "max_length": too_long("Your words")},
        widget=LongText(attrs={"rows": 2}),
    )

    @classmethod
    def for_answer(cls, member: Membership) -> "WriteBackForm":
        """The empty form under ``member``'s answer."""
        return cls(initial={"to": member.public_id}, auto_id=f"write-back-{member.public_id}-%s")

    @classmethod
    def posted(cls, data: QueryDict) -> "WriteBackForm":
        """The form as sent, with the field ids of the answer it was sent under, if any."""
        to = uuid_or_none(data.get("to", ""))
        return cls(data, auto_id=f"write-back-{to}-%s" if to else "write-back-%s")

    def is_for(self, member: Membership) -> bool:
        return uuid_or_none(self.data.get("to", "")) == member.public_id
