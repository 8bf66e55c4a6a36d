"""Check-in forms: input shape only. Whether a day is past or an owner is among the people a
check-in is for is the services' to say."""

from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django import forms

from accounts.widgets import LongText, ShortText
from relationships.models import Membership

from ..models import NOTE_MAX, PROMPT_MAX, TEXT_MAX, TITLE_MAX

NOW = "now"
LATER = "later"


@cache
def time_zones() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_timezones())]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CheckInForm(forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX,
        label="What to call it",
        initial="Check-in",
        error_messages={"required": "Give the check-in a name."},
        widget=ShortText,
    )
    date = forms.DateField(
        label="Day", required=False, widget=_date_input(), error_messages={"invalid": "Enter a real day."}
    )
    time = forms.TimeField(
        label="Time",
        required=False,
        initial="19:00",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Enter a time, like 19:00."},
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zones,
        help_text="The time is kept in this zone's clocks, summer time included.",
        error_messages={"invalid_choice": "That isn't a time zone we know. Choose one from the list."},
    )
    everyone = forms.TypedChoiceField(
        label="Who it's for",
        choices=[("1", "Everyone in the polycule"), ("0", "Only the people I choose")],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    audience = forms.MultipleChoiceField(
        label="The people it's for",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You are always included. Nobody else will know it exists.",
    )
    # Set by the button pressed: plan it for a day and time, or start it now.
    when = forms.ChoiceField(
        choices=[(LATER, "Plan it"), (NOW, "Start it now")],
        required=False,
        error_messages={"invalid_choice": "Press “Plan it” or “Start it now”."},
    )

    def __init__(self, *args: Any, me: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = me.polycule.memberships.active().exclude(pk=me.pk)
        audience = self.fields["audience"]
        assert isinstance(audience, forms.MultipleChoiceField)
        audience.choices = [(str(m.public_id), m.display_name) for m in others]

    def clean_time_zone(self) -> str:
        name: str = self.cleaned_data["time_zone"]
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise forms.ValidationError("That isn't a time zone we know. Choose one from the list.") from exc
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["when"] = data.get("when") or LATER
        if data["when"] == LATER:
            if not data.get("date") and "date" not in self.errors:
                self.add_error("date", "Choose a day, or start it now.")
            if not data.get("time") and "time" not in self.errors:
                self.add_error("time", "Choose a time, or start it now.")
        if data.get("everyone") is False and not data.get("audience"):
            self.add_error("audience", "Choose at least one person, or make it for everyone.")
        return data


class TopicForm(forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX,
        label="Something to talk about",
        error_messages={"required": "Give the topic a few words."},
        widget=ShortText,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "topic_%s")
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    # Shown by hand in checkin_detail.html (a textarea with data-max, like LongText): an overlong
    # note comes back with this message and every word kept in the box, never cut.
    text = forms.CharField(
        max_length=TEXT_MAX,
        widget=LongText(attrs={"rows": 2}),
        error_messages={
            "required": "Write a few words for the note.",
            "max_length": (
                f"A note holds at most {TEXT_MAX} characters: this one has %(show_value)d. "
                "Shorten it a little; your words are still here."
            ),
        },
    )


class ActionForm(forms.Form):
    text = forms.CharField(
        max_length=PROMPT_MAX,
        label="What will be done",
        error_messages={"required": "Say what will be done."},
        widget=ShortText,
    )
    owner = forms.ChoiceField(
        label="Who takes it on",
        error_messages={
            "required": "Choose who takes it on.",
            "invalid_choice": "Choose someone this check-in is for to take it on.",
        },
    )
    due_on = forms.DateField(
        label="By when (optional)",
        required=False,
        widget=_date_input(),
        error_messages={"invalid": "Enter a real day."},
    )

    def __init__(self, *args: Any, audience: list[Membership], me: Membership, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "action_%s")
        kwargs.setdefault("initial", {"owner": str(me.public_id)})
        super().__init__(*args, **kwargs)
        self.people = {str(m.public_id): m for m in audience}
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [(key, "You" if m.pk == me.pk else m.display_name) for key, m in self.people.items()]

    def clean_owner(self) -> Membership:
        return self.people[self.cleaned_data["owner"]]


class ReconnectForm(forms.Form):
    text = forms.CharField(
        max_length=NOTE_MAX,
        label="How are you, right now?",
        help_text="A line or two for the others: how this lands, what you need, what you're glad of.",
        widget=LongText(attrs={"rows": 2}),
        error_messages={"required": "Say a few words about how you are."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reconnect_%s")
        super().__init__(*args, **kwargs)
