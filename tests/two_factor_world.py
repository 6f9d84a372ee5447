"""Accounts with two-factor sign-in for the tests, and the codes their authenticator app
would show."""

import time

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from artists import twofactor
from artists.models import RecoveryCodes

PASSWORD = "correct-horse-battery"


def turn_on_two_factor(user) -> tuple[TOTPDevice, list[str]]:
    """A confirmed authenticator for `user` and a fresh set of recovery codes."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device, twofactor.new_recovery_codes(user=user)


def current_code(device: TOTPDevice) -> str:
    """The code the app would show now, or the next step's when this step's was used (a
    code is good once)."""
    device.refresh_from_db()
    now = int((time.time() - device.t0) // device.step) + device.drift
    return f"{hotp(device.bin_key, max(now, device.last_t + 1), digits=device.digits):0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    right = current_code(device)
    return f"{(int(right) + 1) % 10**6:06d}"


def forgive_wrong_codes(user) -> None:
    """Let the account try again at once, as if the throttle's wait were over."""
    for model in (TOTPDevice, RecoveryCodes):
        model.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
