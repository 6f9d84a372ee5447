"""Signing in: the password step, the second step for accounts with two-factor sign-in,
signing in with a recovery code instead of the password, and the new password after it.

Between the two steps nobody is signed in: the session holds only who gave the right
password and when, for TWO_FACTOR_PENDING_SECONDS, so a half-signed-in session reaches no
page and no API a signed-in one would."""

import time

import django_otp
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model, login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from artists import twofactor
from artists.forms_security import RecoveryCodeSignInForm, SecondFactorForm

PENDING = "signin_pending"
MAY_SET_PASSWORD = "signin_recovered"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _start_second_step(request, user, *, next_url: str, recovered: bool):
    request.session[PENDING] = {
        "user_id": user.pk,
        "backend": getattr(user, "backend", MODEL_BACKEND),
        "since": time.time(),
        "next": next_url,
        "recovered": recovered,
    }
    return redirect("login-code")


def _pending(request):
    """The user waiting to give a second factor and what was kept for them, or None when
    none is waiting or the wait ran out."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["since"] > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    user = get_user_model()._default_manager.filter(pk=pending["user_id"], is_active=True).first()
    return user, pending


def _after_recovery(request):
    request.session[MAY_SET_PASSWORD] = True
    messages.success(request, "You are signed in with a recovery code, which is now used up. Choose a new password.")
    return redirect("recovered-password")


class SignInView(LoginView):
    """Django's login; for an account with two-factor sign-in, the password only leads on
    to the second step."""

    def form_valid(self, form):
        user = form.get_user()
        if not twofactor.has_two_factor(user):
            return super().form_valid(form)
        return _start_second_step(self.request, user, next_url=self.get_success_url(), recovered=False)


@never_cache
@require_http_methods(["GET", "POST"])
def second_step(request):
    user, pending = _pending(request)
    if user is None:
        messages.error(request, "Signing in took too long or was not started: give your password again.")
        return redirect("login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.check_second_factor(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            django_otp.login(request, device)
            if pending["recovered"]:
                return _after_recovery(request)
            return redirect(pending["next"])
    return render(request, "registration/login_code.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_sign_in(request):
    form = RecoveryCodeSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = twofactor.use_recovery_code(**form.cleaned_data)
        except ValidationError as error:
            form.add_error("code", error)
        else:
            # The code stood in for the password; two-factor accounts still give the second factor.
            if twofactor.has_two_factor(user):
                return _start_second_step(request, user, next_url=reverse("recovered-password"), recovered=True)
            login(request, user, backend=MODEL_BACKEND)
            return _after_recovery(request)
    return render(request, "registration/recovery_sign_in.html", {"form": form})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovered_password(request):
    """A new password without the old one, only straight after signing in with a recovery
    code: anywhere else changing the password asks for the current one."""
    if not request.session.get(MAY_SET_PASSWORD):
        return redirect("password_change")
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        del request.session[MAY_SET_PASSWORD]
        left = twofactor.recovery_codes_left(request.user)
        messages.success(
            request, f"Your new password is set. You have {left} recovery code{'s' if left != 1 else ''} left."
        )
        return redirect("ledger" if getattr(request.user, "artist", None) else "security")
    return render(request, "registration/recovered_password.html", {"form": form})


def admin_login(request):
    """The admin's login page, as Django's admin draws it (admin.site.login), but signing in
    through SignInView: an account with two-factor sign-in goes on to the second step
    instead of into the admin with its password alone."""
    if request.method == "GET" and admin.site.has_permission(request):
        return redirect("admin:index")
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
    }
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        context[REDIRECT_FIELD_NAME] = reverse("admin:index")
    view = SignInView.as_view(
        extra_context=context, authentication_form=AdminAuthenticationForm, template_name="admin/login.html"
    )
    return view(request)
