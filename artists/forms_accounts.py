from django import forms
from django.contrib.auth import password_validation


class SignUpForm(forms.Form):
    username = forms.CharField(max_length=150, help_text="What you log in with. Never shown to others.")
    email = forms.EmailField(
        required=False,
        help_text="Only used to reset your password and for reminders you ask for; never shown to anyone. "
        "You can leave it out: see below what that means.",
    )
    handle = forms.CharField(
        max_length=40,
        help_text="Your pseudonymous name on the tracker: 3 to 40 letters, digits, dots, dashes or underscores. "
        "Pick one that does not identify you if you fear retaliation.",
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", "The two passwords differ.")
        return cleaned
