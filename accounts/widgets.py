"""Widgets every app's forms share."""

from typing import Any

from django import forms


class _LimitShown(forms.Widget):
    """Puts a field's limit in ``data-max`` instead of ``maxlength``. A ``maxlength`` attribute
    would make the browser drop the rest of a long paste without a word; static/js/room-left.js
    shows the room left from ``data-max`` instead, and the form refuses a text over the limit
    with a message, keeping every word for the person to shorten."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        shown = context["widget"]["attrs"]
        limit = shown.pop("maxlength", None)
        if limit is not None:
            shown["data-max"] = limit
        return context


class LongText(_LimitShown, forms.Textarea):
    """A textarea that never cuts what is pasted into it."""


class ShortText(_LimitShown, forms.TextInput):
    """A one-line text (a title, a name) that never cuts what is pasted into it."""


def too_long(what: str) -> str:
    """The message for a text over its limit, in Django's ``max_length`` placeholders: it says
    what to do and that nothing was lost. ``what`` starts the sentence: "A title"."""
    return (
        f"{what} holds at most %(limit_value)d characters: this one has %(show_value)d. "
        "Shorten it a little; your words are still here."
    )
