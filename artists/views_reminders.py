"""Weekly reminders: the artist's choice under /me/reminders/, and the one-click stop link
their emails carry (artists/reminders.py)."""

from functools import partial

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from artists import reminders
from artists.forms_privacy import RemindersForm
from config.auth import artist_required
from config.forms import submit_form


def reminders_form(data, artist) -> RemindersForm:
    return RemindersForm(data, initial={"reminders": artist.reminders}, prefix="reminders")


def has_email(request) -> bool:
    return bool(request.user.email.strip())


@artist_required
@require_http_methods(["GET", "POST"])
def choose(request, artist):
    form = reminders_form(request.POST or None, artist)
    done = submit_form(
        request,
        form,
        partial(reminders.set_reminders, artist=artist),
        success=lambda saved: (
            "Weekly reminders are on." if saved.reminders == saved.Reminders.WEEKLY else "Weekly reminders are off."
        ),
        then=lambda saved: reverse("profile"),
    )
    return done or render(
        request, "accounts/reminders.html", {"form": form, "artist": artist, "has_email": has_email(request)}
    )


# The link in a reminder: the signed token is the whole authority, so no sign-in and no CSRF
# token (a mail client's RFC 8058 one-click POST carries neither). It can only turn the
# reminders of the one artist it names off.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def stop(request, token):
    try:
        artist = reminders.stop_reminders(token=token)
    except reminders.BadStopLink:
        return render(request, "accounts/reminders_stop_invalid.html", {"reason": "altered"}, status=400)
    if artist is None:
        return render(request, "accounts/reminders_stop_invalid.html", {"reason": "gone"}, status=404)
    return render(request, "accounts/reminders_stopped.html")
