"""Who is signing in from where, and what a locked-out sign-in is told.

django-axes counts failed sign-ins per account and client address (settings:
LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES); these are the two hooks it calls
(AXES_CLIENT_IP_CALLABLE and AXES_LOCKOUT_CALLABLE), and the message the API's token door
answers with the same words."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import render


def client_ip(request) -> str | None:
    """The client's address as the trusted proxies saw it. With TRUSTED_PROXY_COUNT=0,
    REMOTE_ADDR and nothing else; with N, the Nth address from the right of
    X-Forwarded-For, the same address DRF's throttles use with NUM_PROXIES=N."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote
    addresses = forwarded.split(",")
    return addresses[-min(proxies, len(addresses))].strip() or remote


def lockout_message() -> str:
    minutes = settings.LOGIN_COOLOFF_MINUTES
    return (
        "Too many failed sign-ins for this account from this address; "
        f"try again in {minutes} minute{'s' if minutes != 1 else ''} or ask staff to unlock it."
    )


def lockout_json() -> JsonResponse:
    return JsonResponse({"detail": lockout_message()}, status=429, headers={"Retry-After": str(_cooloff_seconds())})


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out sign-in gets: 429 with the message, as JSON on the API and as the
    login page (the form again, with the message above it) elsewhere."""
    if request.path.startswith("/api/"):
        return lockout_json()
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "lockout": lockout_message(), "next": request.POST.get("next", "")}
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(_cooloff_seconds())
    return response


def _cooloff_seconds() -> int:
    return settings.LOGIN_COOLOFF_MINUTES * 60
