from django import forms


class SwitchOrganizationForm(forms.Form):
    """The organisation a person in several organisations acts for (the top bar's switcher)."""

    organization = forms.IntegerField()
