from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse

from artists import services
from artists.forms_accounts import SignUpForm
from config.forms import submit_form


def signup(request):
    if request.user.is_authenticated:
        return redirect("ledger")
    form = SignUpForm(request.POST or None)

    def sign_up_and_log_in(*, username, email, password1, handle, **confirmation):
        artist = services.sign_up_artist(username=username, email=email, password=password1, handle=handle)
        login(request, artist.user, backend="django.contrib.auth.backends.ModelBackend")
        return artist

    done = submit_form(
        request,
        form,
        sign_up_and_log_in,
        success=lambda artist: f"Welcome, {artist.handle}. Start by adding a program you tested.",
        then=lambda artist: reverse("ledger"),
        field_map={"password": "password1"},
    )
    return done or render(request, "accounts/signup.html", {"form": form})
