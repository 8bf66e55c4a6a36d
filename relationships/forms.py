from django import forms

from accounts.validators import validate_deliverable_email
from accounts.widgets import LongText, ShortText, too_long

from .models import Invitation, Membership, Polycule


class PolyculeForm(forms.ModelForm[Polycule]):
    class Meta:
        model = Polycule
        fields = ("name",)
        labels = {"name": "Name of the polycule"}
        help_texts = {"name": "Only its members ever see this name."}
        widgets = {"name": ShortText}
        error_messages = {"name": {"required": "Give the polycule a name.", "max_length": too_long("A name")}}


class MembershipForm(forms.ModelForm[Membership]):
    class Meta:
        model = Membership
        fields = ("display_name", "pronouns")
        labels = {"display_name": "Your name here", "pronouns": "Your pronouns (optional)"}
        help_texts = {"display_name": "How the others in this polycule see you."}
        widgets = {"display_name": ShortText, "pronouns": ShortText}
        error_messages = {
            "display_name": {"required": "Say how the others here should call you.", "max_length": too_long("A name")},
            "pronouns": {"max_length": too_long("Pronouns")},
        }


class PolyculeCreateForm(forms.Form):
    name = PolyculeForm.base_fields["name"]
    display_name = MembershipForm.base_fields["display_name"]
    pronouns = MembershipForm.base_fields["pronouns"]


class InvitationForm(forms.ModelForm[Invitation]):
    class Meta:
        model = Invitation
        fields = ("email", "note")
        labels = {"email": "Their e-mail address", "note": "A personal note (optional)"}
        help_texts = {"note": "It goes in the invitation e-mail, above the link."}
        widgets = {"note": LongText(attrs={"rows": 4})}
        error_messages = {"note": {"max_length": too_long("A note")}}

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        validate_deliverable_email(email)
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)
