"""Who is asking: the one rule for "the current artist", for the web pages and the API.

An artist profile hangs off the user account (`artists.Artist.user`, reverse name
`artist`). This module reads that relation by name only, so every app can use it without
importing the artists app.
"""

import functools

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from rest_framework import authentication, exceptions


def current_artist(request):
    """The requesting user's artist profile, or None: anonymous, an account without one
    (an advocate, staff), or an erased one."""
    if not request.user.is_authenticated:
        return None
    artist = getattr(request.user, "artist", None)
    if artist is None or artist.erased_at is not None:
        return None
    return artist


def artist_required(view):
    """Log in first; then call `view(request, artist, ...)`, or explain that the page is
    for artists when the user has no artist profile."""

    @login_required
    @never_cache
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        artist = current_artist(request)
        if artist is None:
            return render(request, "accounts/no_artist.html", status=403)
        return view(request, artist, *args, **kwargs)

    return wrapped


class TokenAuthentication(authentication.TokenAuthentication):
    """REST framework's token authentication, reading the account's artist profile in the
    same query as the token and the user: nearly every token request asks for the current
    artist next (`current_artist`), which would otherwise be a query of its own."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "user__artist").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
