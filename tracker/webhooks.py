"""Webhook delivery: each new flag is POSTed as JSON to the subscriptions that want it.

The body is signed with HMAC-SHA256 over "<timestamp>.<body>" using the subscription's
secret; receivers check `X-Tracker-Signature: sha256=<hex>` against `X-Tracker-Timestamp`
(see `verify_signature`, which a receiver can copy). Deliveries are rows: a worker takes
the due ones with SELECT … FOR UPDATE SKIP LOCKED, so several workers never send one
twice, and a failure is retried later with exponential backoff until MAX_ATTEMPTS.
"""

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tracker.models import Flag, WebhookDelivery
from tracker.selectors import public_flags

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Tracker-Signature"
TIMESTAMP_HEADER = "X-Tracker-Timestamp"
EVENT_HEADER = "X-Tracker-Event"
MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=6)
TIMEOUT_SECONDS = 10


def flag_payload(flag: Flag) -> dict:
    """What a client receives about a flag. An artist is named only if they opted in."""
    artist = flag.artist
    return {
        "id": flag.pk,
        "kind": flag.kind,
        "severity": flag.severity,
        "program": flag.program.slug,
        "subject": flag.subject_key,
        "artist": artist.public_name if artist and artist.show_public_name and artist.public_name else None,
        "message": flag.message,
        "details": flag.details,
        "raised_at": flag.raised_at.isoformat(),
        "resolved_at": flag.resolved_at.isoformat() if flag.resolved_at else None,
    }


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """For receivers: does the signature header match this body and timestamp?"""
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")


def retry_delay(attempts: int) -> dt.timedelta:
    """30 s after the first failure, doubling each time, at most 6 hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


@dataclass(frozen=True)
class Response:
    status: int


class DestinationNotAllowed(ValueError):
    """The webhook URL points at this server's own network."""


def check_destination(url: str) -> None:
    """Refuse a URL whose host is or resolves to a loopback, private, link-local or reserved
    address, so a client cannot make the tracker POST into its own network. Tests and
    local development allow them with WEBHOOK_ALLOW_PRIVATE_HOSTS."""
    if settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise DestinationNotAllowed("Use an http:// or https:// address with a host name.")
    try:
        port = parts.port
    except ValueError:  # a port past 65535 passes URL validation
        raise DestinationNotAllowed("The port must be at most 65535.") from None
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port or 443)}
    except (socket.gaierror, UnicodeError):
        raise DestinationNotAllowed(f"The host {parts.hostname} cannot be resolved.") from None
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            raise DestinationNotAllowed(f"{parts.hostname} is a private or local address; use a public one.")


def http_post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http/https only)
            return Response(status=response.status)
    except urllib.error.HTTPError as error:
        return Response(status=error.code)


def attempt(delivery: WebhookDelivery, *, now: dt.datetime, post: Callable = http_post) -> bool:
    """Send one delivery once and record the outcome on the row. Returns True if delivered."""
    subscription = delivery.subscription
    body = json.dumps({"event": "flag.raised", "flag": flag_payload(delivery.flag)}, sort_keys=True).encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "EarlyAccessTracker-Webhooks/1",
        EVENT_HEADER: "flag.raised",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
    }
    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        check_destination(subscription.url)
        response = post(subscription.url, body, headers)
        delivery.last_status_code = response.status
        delivered = 200 <= response.status < 300
        error = "" if delivered else f"HTTP {response.status}"
    except (OSError, ValueError, http.client.HTTPException) as exc:  # refused, timed out, DNS, bad URL, not HTTP …
        delivery.last_status_code = None
        delivered, error = False, f"{type(exc).__name__}: {exc}"
    if delivered:
        delivery.status, delivery.delivered_at, delivery.last_error = WebhookDelivery.Status.DELIVERED, now, ""
    else:
        delivery.last_error = error[:1000]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
            logger.warning("Webhook %s gave up on flag %s: %s", subscription.pk, delivery.flag_id, error)
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            logger.info("Webhook %s failed for flag %s (%s); retrying later", subscription.pk, delivery.flag_id, error)
    delivery.save(
        update_fields=[
            "status",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "delivered_at",
        ]
    )
    return delivered


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    failed: int


def deliver_due(*, now: dt.datetime | None = None, batch_size: int = 50, post: Callable = http_post) -> DeliveryReport:
    """Send every delivery that is due, batch by batch; rows another worker holds are skipped.

    A flag the privacy floor hides (see `public_flags`) is not sent: its delivery waits,
    and goes out if the flag becomes public (its program is listed and reaches MIN_GROUP_SIZE artists).
    """
    delivered = failed = 0
    while True:
        now_ = now or timezone.now()
        with transaction.atomic():
            batch = list(
                WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now_, subscription__active=True)
                .filter(flag__in=public_flags().values("pk"))
                .select_related("subscription", "flag__program", "flag__artist")
                .order_by("next_attempt_at", "id")[:batch_size]
            )
            for delivery in batch:
                if attempt(delivery, now=now_, post=post):
                    delivered += 1
                else:
                    failed += 1
        if len(batch) < batch_size:
            return DeliveryReport(delivered=delivered, failed=failed)
