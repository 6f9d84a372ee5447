"""Forms for an artist's own account pages: profile and deletion.

They parse input only; the rules are in artists.services, whose
refusals config.forms.submit_form puts back on these fields.
"""

from django import forms


class ProfileForm(forms.Form):
    handle = forms.CharField(
        max_length=40,
        help_text="Your pseudonymous name on the tracker: 3 to 40 letters, digits, dots, dashes or underscores.",
    )
    disciplines = forms.CharField(
        required=False,
        max_length=400,
        help_text="Separate them with commas, for example: animation, illustration, sound design.",
    )
    country = forms.CharField(
        required=False,
        max_length=2,
        widget=forms.TextInput(attrs={"size": 2, "autocomplete": "country"}),
        help_text="Two-letter ISO code, such as FR or NG.",
    )
    public_name = forms.CharField(
        required=False,
        max_length=120,
        help_text="The name you are known by, if you want it shown.",
    )
    show_public_name = forms.BooleanField(
        required=False,
        label="Show my public name instead of my handle",
        help_text="Others see your handle unless you tick this.",
    )

    def clean_disciplines(self) -> list[str]:
        return [part.strip() for part in self.cleaned_data["disciplines"].split(",") if part.strip()]

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()

    @classmethod
    def initial_for(cls, artist) -> dict:
        return {
            "handle": artist.handle,
            "disciplines": ", ".join(artist.disciplines),
            "country": artist.country,
            "public_name": artist.public_name,
            "show_public_name": artist.show_public_name,
        }


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To confirm that it is you who deletes this account.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("This is not your password. Nothing was deleted.")
        return password


class RemindersForm(forms.Form):
    reminders = forms.ChoiceField(
        label="Email me a reminder",
        widget=forms.RadioSelect,
        help_text="A weekly email comes only in a week when you have logged nothing in a program where you are "
        "active, at most once a week, with a link to stop it in one click.",
    )

    def __init__(self, *args, **kwargs):
        from artists.models import Artist

        super().__init__(*args, **kwargs)
        self.fields["reminders"].choices = Artist.Reminders.choices
