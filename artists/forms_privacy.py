"""Forms for an artist's own account pages: profile, deletion and proposing a program.

They parse input only; the rules are in artists.services and programs.services, whose
refusals the views put back on these fields with config.forms.add_service_errors.
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


class ProposeProgramForm(forms.Form):
    name = forms.CharField(max_length=200, label="Program name", help_text="As the company calls it.")
    organization_name = forms.CharField(max_length=200, label="Company", help_text="The company that runs it.")
    opened_on = forms.DateField(
        label="Opened on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The first day testers had access.",
    )
    closed_on = forms.DateField(
        required=False,
        label="Closed on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave blank if it is still running.",
    )
    announcement_url = forms.URLField(
        required=False,
        max_length=200,
        assume_scheme="https",
        label="Where it was announced",
        help_text="A link to the announcement, a blog post or a press article.",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the program gives testers and asks of them. Shown publicly once staff list it.",
    )
