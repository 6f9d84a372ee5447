"""The "Sign-in and security" pages, for any signed-in account (artists, advocates, staff):
the email address, recovery codes, two-factor sign-in and a link to change the password.
Pages that show a secret (recovery codes, the authenticator's key) are never cached."""

import base64

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from artists import twofactor
from artists.forms_security import EmailForm, PasswordForm, TurnOffForm, TurnOnForm
from config.forms import add_service_errors, submit_form


def show_recovery_codes(request, codes: list[str], *, then: str, status: int = 200):
    """The one page that shows a set of recovery codes, once: the codes are not kept."""
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "then": then}, status=status)


def _page(request, **forms):
    user = request.user
    context = {
        "email_form": EmailForm(initial={"email": user.email}),
        "codes_form": PasswordForm(),
        "off_form": TurnOffForm(),
        "two_factor": twofactor.has_two_factor(user),
        "codes_left": twofactor.recovery_codes_left(user),
        **forms,
    }
    return render(request, "accounts/security.html", context, status=400 if forms else 200)


@never_cache
@login_required
def security(request):
    return _page(request)


@never_cache
@login_required
@require_POST
def change_email(request):
    form = EmailForm(request.POST)

    def save(*, email, password):
        twofactor.set_email(user=request.user, email=email, password=password)
        return email

    done = submit_form(
        request,
        form,
        save,
        success=lambda email: (
            f"Your email address is now {email}."
            if email
            else "Your email address is removed. Keep your recovery codes: they are your only way back in."
        ),
        then=lambda email: "security",
    )
    return done or _page(request, email_form=form)


@never_cache
@login_required
@require_POST
def make_recovery_codes(request):
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            twofactor.require_password(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            codes = twofactor.new_recovery_codes(user=request.user)
            return show_recovery_codes(request, codes, then="security")
    return _page(request, codes_form=form)


def _qr_svg(url: str) -> str:
    # segno draws the code as one <path> with presentation attributes: no style, no script,
    # so it shows under the site's Content-Security-Policy.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=4, title="QR code of the key"))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def turn_on(request):
    if twofactor.has_two_factor(request.user):
        messages.info(request, "Two-factor sign-in is already on.")
        return redirect("security")
    device = twofactor.pending_authenticator(user=request.user)
    form = TurnOnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = twofactor.turn_on_two_factor(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # This session gave the password and now a code: it counts as signed in with both.
            django_otp.login(request, result.device)
            note = " Your API token was deleted: it was got with the password alone; make a new one."
            messages.success(request, "Two-factor sign-in is on." + (note if result.tokens_deleted else ""))
            return show_recovery_codes(request, result.recovery_codes, then="security")
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "accounts/two_factor_on.html", context, status=400 if form.errors else 200)


@never_cache
@login_required
@require_POST
def turn_off(request):
    form = TurnOffForm(request.POST)
    if form.is_valid():
        try:
            twofactor.turn_off_two_factor(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Two-factor sign-in is off: your password alone signs you in.")
            return redirect("security")
    return _page(request, off_form=form)
