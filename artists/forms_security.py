"""Forms of the sign-in and security pages: the second step of signing in, signing in
with a recovery code, and the account's email, recovery codes and two-factor settings."""

from django import forms

PASSWORD_WIDGET = forms.PasswordInput(attrs={"autocomplete": "current-password"})


def _code_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=40,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class SecondFactorForm(forms.Form):
    code = _code_field(
        "Code",
        "The 6-digit code your authenticator app shows now, or one of your recovery codes (each works once).",
    )


class RecoveryCodeSignInForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))
    code = _code_field(
        "Recovery code",
        "One of the codes you saved when you made the account, like abcde-12345. Each works once; "
        "capitals, spaces and dashes do not matter.",
    )


class EmailForm(forms.Form):
    email = forms.EmailField(
        required=False,
        help_text="Leave it empty to remove your email address.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(label="Your password", strip=False, widget=PASSWORD_WIDGET)


class PasswordForm(forms.Form):
    password = forms.CharField(label="Your password", strip=False, widget=PASSWORD_WIDGET)


class TurnOnForm(forms.Form):
    code = _code_field("Code from the app", "The 6 digits your authenticator app shows now for this account.")


class TurnOffForm(forms.Form):
    password = forms.CharField(label="Your password", strip=False, widget=PASSWORD_WIDGET)
    code = _code_field("Code", "The 6-digit code from your authenticator app, or a recovery code.")
