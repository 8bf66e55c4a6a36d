from django import forms

from .models import User


class NameForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ("name",)
