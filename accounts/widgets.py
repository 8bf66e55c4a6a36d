"""Widgets every app's forms share."""

from typing import Any

from django import forms


class LongText(forms.Textarea):
    """A textarea that never cuts what is pasted into it. A ``maxlength`` attribute would make
    the browser drop the rest of a long paste without a word; the limit goes in ``data-max``
    instead, which static/js/room-left.js shows as the room left, and the form refuses a text
    over it with a message, keeping every word for the person to shorten."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        shown = context["widget"]["attrs"]
        limit = shown.pop("maxlength", None)
        if limit is not None:
            shown["data-max"] = limit
        return context
