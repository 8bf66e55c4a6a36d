"""Settings forms: input shape only; the services say what is allowed."""

from datetime import time
from typing import Any

from django import forms

from .kinds import GROUPS, Delivery, Kind
from .settings_selectors import PreferencesPage
from .settings_services import HALF_QUIET, SAME_QUIET_TIMES, UNKNOWN_ZONE, time_zones


def _zone_choices() -> list[tuple[str, str]]:
    return [("", "Choose your time zone"), *((name, name.replace("_", " ")) for name in time_zones())]


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def kind_field(kind: Kind) -> str:
    return f"kind_{kind.value}"


class PreferencesForm(forms.Form):
    time_zone = forms.ChoiceField(
        label="Your time zone",
        choices=_zone_choices,
        help_text="Quiet hours and the digest follow this zone's clocks, summer time included.",
        error_messages={
            "required": "Choose your time zone, so that quiet hours and the digest follow your clocks.",
            "invalid_choice": UNKNOWN_ZONE,
        },
        # static/js/timezone.js fills this from the browser while it is empty.
        widget=forms.Select(attrs={"data-browser-zone": ""}),
    )
    digest_hour = forms.TypedChoiceField(
        label="The daily digest arrives at",
        choices=[(hour, f"{hour:02d}:00") for hour in range(24)],
        coerce=int,
        error_messages={"invalid_choice": "Choose an hour of the day for the digest."},
    )
    quiet_from = forms.TimeField(
        label="Quiet from",
        required=False,
        widget=_time_input(),
        error_messages={"invalid": "Enter a time, like 22:00."},
    )
    quiet_until = forms.TimeField(
        label="Quiet until",
        required=False,
        widget=_time_input(),
        help_text="Nothing is sent in between; what waits comes afterwards. 22:00 until 07:00 is fine.",
        error_messages={"invalid": "Enter a time, like 07:00."},
    )
    include_titles = forms.BooleanField(
        label="Include titles in mail",
        required=False,
        help_text=(
            "Off unless you choose it. Mail passes through other people's servers on its way to you, "
            "so Trellis only says what kind of thing waits and where, with a link. With titles on, "
            "a mail also names the boundary, agreement or question it is about. "
            "Nobody's words beyond a title, and never your journal."
        ),
    )

    def __init__(self, *args: Any, page: PreferencesPage, **kwargs: Any) -> None:
        preferences = page.preferences
        kwargs.setdefault(
            "initial",
            {
                "time_zone": preferences.time_zone,
                "digest_hour": preferences.digest_hour,
                "quiet_from": preferences.quiet_from,
                "quiet_until": preferences.quiet_until,
                "include_titles": preferences.include_titles,
                **{kind_field(kind): delivery.value for kind, delivery in page.deliveries.items()},
            },
        )
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind_field(kind)] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                error_messages={
                    "required": "Choose at once, in the daily digest, or off.",
                    "invalid_choice": "Choose at once, in the daily digest, or off.",
                },
            )

    def kind_groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The kinds' fields, grouped as the page shows them (``kinds.GROUPS``)."""
        return [(heading, [self[kind_field(kind)] for kind in kinds]) for heading, kinds in GROUPS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: time | None = data.get("quiet_from")
        end: time | None = data.get("quiet_until")
        if "quiet_from" in self.errors or "quiet_until" in self.errors:
            return data
        if (start is None) != (end is None):
            self.add_error("quiet_until" if end is None else "quiet_from", HALF_QUIET)
        elif start is not None and start == end:
            self.add_error("quiet_until", SAME_QUIET_TIMES)
        return data

    def choices(self) -> dict[str, Any]:
        """The cleaned form as ``settings_services.save_preferences`` takes it."""
        data = self.cleaned_data
        return {
            "deliveries": {kind: Delivery(data[kind_field(kind)]) for kind in Kind},
            "time_zone": data["time_zone"],
            "digest_hour": data["digest_hour"],
            "quiet_from": data["quiet_from"],
            "quiet_until": data["quiet_until"],
            "include_titles": data["include_titles"],
        }


class FeedTitlesForm(forms.Form):
    full_titles = forms.BooleanField(
        label="Show titles in this calendar",
        required=False,
        help_text=(
            "Off: events read “Trellis check-in” and the like. On: the check-in's name, the action's "
            "words, the item's title. Calendar services keep copies on their own servers."
        ),
    )
