"""An artist's own account pages under /me/: profile, export, deletion.

Every page needs a login and an artist profile; `artist_required` gives the view the
current artist, or shows someone without one (an advocate, staff) why the page is not theirs.
"""

from functools import partial

from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from artists import exports, services
from artists.forms_privacy import DeleteAccountForm, ProfileForm
from artists.models import Artist
from artists.views_reminders import has_email, reminders_form
from config.auth import artist_required
from config.forms import submit_form


@artist_required
def profile(request, artist):
    form = ProfileForm(request.POST or None, initial=ProfileForm.initial_for(artist))
    done = submit_form(
        request,
        form,
        partial(services.update_profile, artist=artist),
        success=lambda saved: "Your profile is saved.",
        then=lambda saved: reverse("profile"),
    )
    context = {
        "form": form,
        "artist": artist,
        "reminders_form": reminders_form(None, artist),
        "has_email": has_email(request),
    }
    return done or render(request, "accounts/profile.html", context)


@artist_required
@require_GET
def export(request, artist):
    return render(request, "accounts/export.html", {"artist": artist, "tables": list(exports.TABLES)})


def _download(artist: Artist, content, extension: str, content_type: str) -> HttpResponse:
    filename = f"early-access-tracker-{artist.handle}-{timezone.localdate():%Y-%m-%d}.{extension}"
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@artist_required
@require_GET
def export_zip(request, artist):
    return _download(artist, exports.export_zip(artist), "zip", "application/zip")


@artist_required
@require_GET
def export_json(request, artist):
    return _download(artist, exports.export_json(artist), "json", "application/json; charset=utf-8")


@artist_required
def delete_account(request, artist):
    form = DeleteAccountForm(request.POST or None, user=request.user)

    def erase_and_log_out(**confirmed_password):
        services.erase_artist(artist=artist)
        logout(request)

    done = submit_form(
        request,
        form,
        erase_and_log_out,
        success=lambda erased: "Your account is deleted. Thank you for what you logged.",
        then=lambda erased: reverse("home"),
    )
    return done or render(request, "accounts/delete.html", {"form": form, "artist": artist})
