"""Sign-in safety for any account: recovery codes, two-factor sign-in with an authenticator
app (TOTP, django-otp), the optional email address, and sign-up that works without one.

A recovery code stands in for exactly one factor: for the password on the "sign in with a
recovery code" page, or for the authenticator code at the second step. Codes are stored
only as keyed, salted SHA-256 digests (artists.models.RecoveryCodes); wrong codes and wrong
authenticator codes are throttled per account by django-otp (factor × 2^(n-1) seconds)."""

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string, salted_hmac
from django_otp.models import VerifyNotAllowed
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from artists import services
from artists.models import Artist, RecoveryCodes

# Crockford's base32: no I, L, O or U to misread; 10 characters are 50 bits.
CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
CODE_LENGTH = 10
CODE_COUNT = 10
# What people mistype for a letter the alphabet leaves out.
_MISREAD = str.maketrans({"o": "0", "i": "1", "l": "1"})

NEEDS_SECOND_FACTOR = (
    "This account uses two-factor sign-in: send the 6-digit code from your authenticator app, "
    "or a recovery code, as otp."
)
WRONG_CODE = "That code is not right, or it was already used."
WRONG_RECOVERY = "That username and recovery code do not match, or the code was already used."
WRONG_PASSWORD = "That is not your password."


def _wait_message(seconds: int) -> str:
    return f"Too many wrong codes for this account: wait {seconds} second{'s' if seconds != 1 else ''} and try again."


# Recovery codes.


def normalize_code(code: str) -> str:
    """Recovery codes are read without regard to case, spaces or dashes."""
    kept = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return kept.translate(_MISREAD)


def recovery_code_digest(*, salt: str, code: str) -> str:
    """A digest keyed with SECRET_KEY and salted per set: without the key, a copy of the
    table cannot even be checked against guesses."""
    return salted_hmac(f"artists.recovery-code:{salt}", normalize_code(code), algorithm="sha256").hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def new_recovery_codes(*, user) -> list[str]:
    """A fresh set of codes for `user`, replacing any earlier set (those stop working).
    The plain codes are returned once and never stored."""
    codes = [_new_code() for _ in range(CODE_COUNT)]
    salt = get_random_string(32)
    device, _ = RecoveryCodes.objects.select_for_update().get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.salt = salt
    device.digests = [recovery_code_digest(salt=salt, code=code) for code in codes]
    device.throttle_reset(commit=False)
    device.save()
    return codes


def recovery_codes_left(user) -> int:
    device = RecoveryCodes.objects.filter(user=user).first()
    return len(device.digests) if device else 0


# Checking a code.


def has_two_factor(user) -> bool:
    return user.is_authenticated and TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _verify(device, code: str) -> str | None:
    """None when `device` accepts `code` (a recovery code is used up by this), else what
    was wrong: "wrong", or the wait message while the account is throttled. Callers raise
    only after their transaction has committed, so a wrong code's count is kept."""
    allowed, detail = device.verify_is_allowed()
    if not allowed and detail.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
        seconds = max(1, int((detail["locked_until"] - timezone.now()).total_seconds() + 0.999))
        return _wait_message(seconds)
    return None if device.verify_token(code) else "wrong"


def _refusal(problem: str, wrong: str) -> ValidationError:
    if problem == "wrong":
        return ValidationError(wrong, code="wrong")
    return ValidationError(problem, code="throttled")


def _looks_like_totp(code: str) -> bool:
    digits = (code or "").replace(" ", "")
    return len(digits) == 6 and digits.isdigit()


def check_second_factor(*, user, code: str):
    """The device that accepts `code` as `user`'s second factor: a current authenticator
    code, or an unused recovery code (used up by this). Raises ValidationError when the
    code is wrong or the account must wait after too many wrong codes."""
    with transaction.atomic():
        if _looks_like_totp(code):
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            code = code.replace(" ", "")
        else:
            device = RecoveryCodes.objects.select_for_update().filter(user=user).first()
        problem = _verify(device, code) if device is not None else "wrong"
    if problem:
        raise _refusal(problem, WRONG_CODE)
    return device


def use_recovery_code(*, username: str, code: str):
    """The account whose recovery code this is, with the code used up: it stands in for
    the password. An unknown username is refused in the same words as a wrong code."""
    user = get_user_model()._default_manager.filter(username=(username or "").strip(), is_active=True).first()
    with transaction.atomic():
        device = RecoveryCodes.objects.select_for_update().filter(user=user).first() if user else None
        problem = _verify(device, code) if device is not None else "wrong"
    if problem:
        raise _refusal(problem, WRONG_RECOVERY)
    return user


# Turning two-factor sign-in on and off.


def pending_authenticator(*, user) -> TOTPDevice:
    """The authenticator being set up (not yet confirmed), made on first asking."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@dataclass(frozen=True)
class TwoFactorTurnedOn:
    device: TOTPDevice
    recovery_codes: list[str]
    tokens_deleted: int


def turn_on_two_factor(*, user, code: str) -> TwoFactorTurnedOn:
    """Confirm the pending authenticator with a current code. From now on signing in takes
    the password and a code. The account gets a fresh set of recovery codes, and its API
    tokens are deleted: they were got with the password alone."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-id").first()
        if device is None:
            raise ValidationError({"code": "Start the set-up again: no authenticator is waiting to be confirmed."})
        problem = _verify(device, (code or "").replace(" ", ""))
    if problem:
        wrong = "That code is not right: type the 6 digits your app shows now."
        raise ValidationError({"code": _refusal(problem, wrong).messages})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        tokens_deleted, _ = Token.objects.filter(user=user).delete()
        codes = new_recovery_codes(user=user)
    return TwoFactorTurnedOn(device=device, recovery_codes=codes, tokens_deleted=tokens_deleted)


def turn_off_two_factor(*, user, password: str, code: str) -> None:
    """Needs the password and a current code or a recovery code: someone at an unlocked
    session cannot turn it off."""
    errors = {}
    if not user.check_password(password or ""):
        errors["password"] = WRONG_PASSWORD
    else:
        try:
            check_second_factor(user=user, code=code)
        except ValidationError as exc:
            errors["code"] = exc.messages
    if errors:
        raise ValidationError(errors)
    TOTPDevice.objects.filter(user=user).delete()


def require_password(*, user, password: str) -> None:
    if not user.check_password(password or ""):
        raise ValidationError({"password": WRONG_PASSWORD})


# The email address, which is optional.


@transaction.atomic
def set_email(*, user, email: str, password: str) -> None:
    """Add, change or remove (blank) the account's email address. Several accounts may share
    one: refusing a taken address would tell anyone whether it has an account here."""
    require_password(user=user, password=password)
    user.email = (email or "").strip()
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save(update_fields=["email"])
        if not user.email:
            # Weekly reminders need an address (artists.reminders): without one they are off,
            # and the profile says so rather than showing a choice that sends nothing.
            Artist.objects.filter(user=user).update(reminders=Artist.Reminders.NONE)


@dataclass(frozen=True)
class SignedUp:
    artist: Artist
    recovery_codes: list[str]


@transaction.atomic
def sign_up(*, username: str, password: str, handle: str, email: str = "", **profile) -> SignedUp:
    """services.sign_up_artist, plus recovery codes when no email was given: without an
    email they are the only way back into the account."""
    artist = services.sign_up_artist(username=username, email=email, password=password, handle=handle, **profile)
    codes = [] if artist.user.email else new_recovery_codes(user=artist.user)
    return SignedUp(artist=artist, recovery_codes=codes)
