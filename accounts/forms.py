from django import forms

from .models import User


class NameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ("name",)
