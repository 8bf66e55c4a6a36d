"""The shape of what people write in a discussion."""

from django import forms

from accounts.widgets import LongText

from ..models import TEXT_MAX

TOO_LONG = f"Keep it under {TEXT_MAX} characters, please: this one has %(show_value)d."


def _text(label: str, rows: int) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=TEXT_MAX,
        error_messages={"required": "Write something first.", "max_length": TOO_LONG},
        widget=LongText(attrs={"rows": rows}),
    )


class CommentForm(forms.Form):
    text = _text("Your comment", 3)


class ReplyForm(forms.Form):
    text = _text("Your reply", 2)
    # The discussion the reply form was shown in: a comment id from another one is refused.
    discussion = forms.UUIDField(widget=forms.HiddenInput)


class CorrectForm(forms.Form):
    text = _text("The corrected wording", 3)
