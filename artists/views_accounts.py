from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from artists import services
from artists.forms_accounts import SignUpForm
from config.forms import add_service_errors


def signup(request):
    if request.user.is_authenticated:
        return redirect("ledger")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            artist = services.sign_up_artist(
                username=data["username"], email=data["email"], password=data["password1"], handle=data["handle"]
            )
        except ValidationError as error:
            add_service_errors(form, error, {"password": "password1"})
        else:
            login(request, artist.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {artist.handle}. Start by adding a program you tested.")
            return redirect("ledger")
    return render(request, "accounts/signup.html", {"form": form})
