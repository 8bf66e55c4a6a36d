"""The shape of a what-if round and of an answer to one."""

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from accounts.widgets import LongText
from relationships.models import Membership

from ..models import PROMPT_MAX, TEXT_MAX
from ..prompts.whatif import PROMPTS, by_theme
from ..prompts.whatif import prompt as library_prompt

DEADLINES = [
    ("", "No deadline"),
    ("1", "Tomorrow"),
    ("3", "In three days"),
    ("7", "In a week"),
    ("14", "In two weeks"),
]


class Participants(forms.MultipleChoiceField):
    """The people to ask. The asker takes part anyway: their own id, if sent, is no mistake."""

    also_valid: frozenset[str] = frozenset()

    def valid_value(self, value: str) -> bool:
        return value in self.also_valid or super().valid_value(value)


class RoundForm(forms.Form):
    # Rendered by hand, grouped by theme (templates/conversations/round_create.html).
    prompt_key = forms.ChoiceField(
        label="From the library",
        required=False,
        choices=[("", "I'll write my own"), *((p.key, p.text) for p in PROMPTS)],
        error_messages={"invalid_choice": "That prompt isn't in the library. Choose another, or write your own."},
    )
    prompt = forms.CharField(
        label="Or in your own words",
        required=False,
        max_length=PROMPT_MAX,
        help_text="A situation to imagine together, such as “What if one of us fell for someone new?”",
        error_messages={"max_length": f"Keep it under {PROMPT_MAX} characters, please."},
        widget=LongText(attrs={"rows": 3}),
    )
    participants = Participants(
        label="Who to ask",
        widget=forms.CheckboxSelectMultiple,
        help_text="You take part too. Nobody else will know this what-if exists.",
        error_messages={
            "required": "Choose at least one person to ask.",
            "invalid_choice": "Choose people who are in this polycule.",
        },
    )
    deadline_days = forms.TypedChoiceField(
        label="A deadline",
        choices=DEADLINES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Without one, the answers open when everyone has answered. After it, you can open them even if "
        "someone hasn't answered yet.",
    )

    def __init__(self, *args: Any, me: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = me.polycule.memberships.active().exclude(pk=me.pk)
        participants = self.fields["participants"]
        assert isinstance(participants, Participants)
        participants.choices = [(str(m.public_id), m.display_name) for m in others]
        participants.also_valid = frozenset({str(me.public_id)})

    @property
    def library(self) -> list[tuple[str, bool, list[tuple[str, str, bool]]]]:
        """Each theme, whether it holds the chosen prompt, and its prompts as (key, words, chosen):
        the page shows them grouped, the chosen one's theme open."""
        chosen = str(self["prompt_key"].value() or "")
        return [
            (theme.label, any(p.key == chosen for p in prompts), [(p.key, p.text, p.key == chosen) for p in prompts])
            for theme, prompts in by_theme()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key, words = data.get("prompt_key"), (data.get("prompt") or "").strip()
        if "prompt_key" in self.errors or "prompt" in self.errors:
            return data
        if key and words:
            self.add_error("prompt", "You chose a prompt from the library and wrote your own: keep just one.")
        elif not key and not words:
            self.add_error("prompt_key", "Choose a prompt from the library, or write your own.")
        return data

    @property
    def chosen_prompt(self) -> tuple[str, str]:
        """The words and theme of the round asked (once valid)."""
        found = library_prompt(self.cleaned_data["prompt_key"] or "")
        if found is not None:
            return found.text, found.theme.value
        return self.cleaned_data["prompt"].strip(), ""

    @property
    def deadline(self) -> datetime | None:
        days = self.cleaned_data.get("deadline_days")
        return timezone.now() + timedelta(days=days) if days else None


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="In your own words",
        max_length=TEXT_MAX,
        help_text="Only you can read it until everyone has answered. You can change it or take it back until then.",
        error_messages={
            "required": "Write your answer first.",
            "max_length": f"Keep your answer under {TEXT_MAX} characters, please: this one has %(show_value)d.",
        },
        widget=LongText(attrs={"rows": 5}),
    )
