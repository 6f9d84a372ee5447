from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from artists import twofactor
from artists.forms_accounts import SignUpForm
from artists.views_security import show_recovery_codes
from config.forms import add_service_errors


@never_cache
def signup(request):
    if request.user.is_authenticated:
        return redirect("ledger")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signed_up = twofactor.sign_up(
                username=data["username"], email=data["email"], password=data["password1"], handle=data["handle"]
            )
        except ValidationError as error:
            add_service_errors(form, error, {"password": "password1"})
        else:
            artist = signed_up.artist
            login(request, artist.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {artist.handle}. Start by adding a program you tested.")
            if signed_up.recovery_codes:
                # Without an email these codes are the only way back in: shown now, never again.
                return show_recovery_codes(request, signed_up.recovery_codes, then="ledger", status=201)
            return redirect("ledger")
    return render(request, "accounts/signup.html", {"form": form})
