from collections.abc import Mapping
from typing import Any

from django import forms

from accounts.models import User
from accounts.widgets import LongText
from relationships.models import Membership
from values.forms import ItemCreateForm, StampedForm

from ..models import JOURNAL_MAX, Draft
from ..prompts.journal import PROMPTS
from .choices import ChoiceForm


class EntryForm(forms.Form):
    text = forms.CharField(
        max_length=JOURNAL_MAX,
        label="Write freely",
        help_text="Only you can read this.",
        widget=LongText(attrs={"rows": 10}),
    )


class NewEntryForm(StampedForm, EntryForm):
    """A new entry, perhaps started from one of the built-in questions."""

    prompt = forms.ChoiceField(
        choices=[("", ""), *((p.key, p.text) for p in PROMPTS)], required=False, widget=forms.HiddenInput
    )


KINDS = [
    (Draft.Kind.BOUNDARY.value, "A boundary"),
    (Draft.Kind.VALUE.value, "A value"),
    (Draft.Kind.AGREEMENT.value, "An agreement"),
    (Draft.Kind.CHOICE.value, "A choice to tell about"),
]


class DraftStartForm(StampedForm):
    """What an entry could become, and in which of the person's polycules (a hidden field when
    there is only one, whose errors show at the top of the form)."""

    kind = forms.ChoiceField(
        choices=KINDS,
        label="Turn it into",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what it could become."},
    )
    polycule = forms.ChoiceField(label="For", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        memberships = Membership.objects.active().filter(user=user).select_related("polycule")
        self.memberships = {str(m.polycule.public_id): m for m in memberships.order_by("polycule__name", "id")}
        polycule = self.fields["polycule"]
        assert isinstance(polycule, forms.ChoiceField)
        polycule.choices = [(pid, m.polycule.name) for pid, m in self.memberships.items()]
        if len(self.memberships) == 1:
            # Nothing to choose: it goes to the one polycule.
            polycule.widget = forms.HiddenInput()
            polycule.initial = next(iter(self.memberships))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.memberships:
            raise forms.ValidationError("A draft is meant for a polycule, and you aren't in one yet.")
        chosen = data.get("polycule") or (next(iter(self.memberships)) if len(self.memberships) == 1 else "")
        if "polycule" not in self.errors and not chosen:
            self.add_error("polycule", "Choose the polycule it is meant for.")
        data["membership"] = self.memberships.get(chosen)
        return data


def as_form_values(saved: Mapping[str, Any]) -> dict[str, Any]:
    """A draft's saved fields as its form takes them back: yes and no as "1" and "0"."""
    return {
        name: ("1" if value else "0") if isinstance(value, bool) else ("" if value is None else value)
        for name, value in saved.items()
    }


def draft_form(draft: Draft, data: Mapping[str, Any] | None = None) -> ItemCreateForm | ChoiceForm:
    """The real form of what the draft will become, prefilled with what it holds so far."""
    initial = as_form_values(draft.data)
    if draft.kind == Draft.Kind.CHOICE:
        return ChoiceForm(data, initial=initial, me=draft.membership)
    return ItemCreateForm(data, initial=initial, me=draft.membership)
