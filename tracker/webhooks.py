"""Webhook delivery: what is new on the flags is POSTed as JSON to the subscriptions that want it.

A subscriber is the public, so it hears what the flag feed shows: a new program-level finding
as it is (`flag.raised`), and for a new finding about one artist's record the current counts
of the monthly aggregate it falls in (`findings.updated`), once that aggregate is shown (at
least MIN_GROUP_SIZE verified artists behind it), never the record itself. The scan queues a
delivery row per new flag (tracker/flags.py); here the rows of one subscription and one
month are sent as one event, and a row waits while its month is withheld.

The body is signed with HMAC-SHA256 over "<timestamp>.<body>" using the subscription's
secret; receivers check `X-Tracker-Signature: sha256=<hex>` against `X-Tracker-Timestamp`
(see `verify_signature`, which a receiver can copy). Deliveries are rows: a worker takes
the due ones with SELECT … FOR UPDATE SKIP LOCKED, so several workers never send one
twice, and a failure is retried later with exponential backoff until MAX_ATTEMPTS.

Each attempt resolves the subscription's host once, refuses it if any address is private
(`resolve_destination`), and connects to an address that passed, sending the URL's host
name as Host and as the TLS name (`http_post`); a redirect is a failed attempt, never followed.
"""

import datetime as dt
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tracker.models import Flag, WebhookDelivery
from tracker.selectors import (
    ARTIST_KINDS,
    PROGRAM_KINDS,
    Finding,
    finding_flags,
    finding_month,
    public_flags,
    shown_aggregates,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Tracker-Signature"
TIMESTAMP_HEADER = "X-Tracker-Timestamp"
EVENT_HEADER = "X-Tracker-Event"
FLAG_RAISED = "flag.raised"
FINDINGS_UPDATED = "findings.updated"
MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=6)
TIMEOUT_SECONDS = 10


def flag_payload(flag: Flag) -> dict:
    """What a client receives about a program-level finding (no artist is ever named)."""
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
        "occurred_on": flag.occurred_on.isoformat() if flag.occurred_on else None,
        "due_on": flag.due_on.isoformat() if flag.due_on else None,
        "raised_at": flag.raised_at.isoformat(),
        "resolved_at": flag.resolved_at.isoformat() if flag.resolved_at else None,
    }


def findings_payload(finding: Finding) -> dict:
    """What a client receives about a monthly aggregate: its cell and its current counts."""
    return {
        "program": finding.program_slug,
        "kind": finding.kind,
        "severity": finding.severity,
        "month": finding.month_label,
        "state": finding.state,
        "artists": finding.artists,
        "findings": finding.findings,
        "contributions": finding.contributions,
        "hours": None if finding.hours is None else str(finding.hours),
    }


def _cell_month(delivery: WebhookDelivery):
    month = getattr(delivery, "cell_month", None)
    if month is None:
        month = finding_flags().filter(pk=delivery.flag_id).values_list("month", flat=True).first()
    return month


def event_of(delivery: WebhookDelivery) -> tuple[str, dict] | None:
    """(event name, body) of a delivery, or None while the month it would report is withheld."""
    flag = delivery.flag
    if flag.kind in PROGRAM_KINDS:
        return FLAG_RAISED, {"event": FLAG_RAISED, "flag": flag_payload(flag)}
    shown = list(shown_aggregates(flag.program_id, flag.kind, _cell_month(delivery)))
    if not shown:
        return None
    return FINDINGS_UPDATED, {"event": FINDINGS_UPDATED, "findings": findings_payload(Finding.from_row(shown[0]))}


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


REDIRECT_REFUSED = "redirects are not followed; give the final address as the webhook URL"


class CheckedURL(str):
    """A webhook URL with the addresses its host resolved to when it was checked: a delivery
    connects to one of these, so the host is never resolved a second time (a DNS answer that
    changes between the check and the connection cannot send it into the private network)."""

    addresses: tuple[str, ...]

    def __new__(cls, url: str, addresses: tuple[str, ...]) -> "CheckedURL":
        checked = super().__new__(cls, url)
        checked.addresses = addresses
        return checked


def _url_parts(url: str) -> tuple[urllib.parse.SplitResult, int]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise DestinationNotAllowed("Use an http:// or https:// address with a host name.")
    try:
        port = parts.port
    except ValueError:  # a port past 65535 passes URL validation
        raise DestinationNotAllowed("The port must be at most 65535.") from None
    return parts, port or (443 if parts.scheme == "https" else 80)


def resolve_destination(url: str) -> CheckedURL:
    """Resolve the URL's host once and refuse it if any of its addresses is loopback, private,
    link-local, reserved or multicast, so a client cannot make the tracker POST into its own
    network. Returns the URL with the addresses that passed. Tests and local development allow
    private addresses with WEBHOOK_ALLOW_PRIVATE_HOSTS (the host is still resolved once)."""
    parts, port = _url_parts(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise DestinationNotAllowed(f"The host {parts.hostname} cannot be resolved.") from None
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise DestinationNotAllowed(f"The host {parts.hostname} cannot be resolved.")
    if not settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if not ip.is_global or ip.is_multicast:
                raise DestinationNotAllowed(f"{parts.hostname} is a private or local address; use a public one.")
    return CheckedURL(url, addresses)


def check_destination(url: str) -> None:
    """Refuse a subscription URL whose host is or resolves to a private address (see
    `resolve_destination`); with WEBHOOK_ALLOW_PRIVATE_HOSTS every address is accepted."""
    if settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return
    resolve_destination(url)


class _PinnedConnection:
    """Connects to the addresses given, in order, instead of resolving `host` again; the
    request still names `host` (Host header) and, for https, TLS checks the certificate
    against `host` and sends it as SNI."""

    def __init__(self, host: str, port: int, *, addresses: tuple[str, ...], timeout: float, **kwargs) -> None:
        super().__init__(host, port, timeout=timeout, **kwargs)
        self.addresses = addresses

    def connect(self) -> None:
        error: OSError | None = None
        for address in self.addresses:
            try:
                sock = socket.create_connection((address, self.port), self.timeout)
            except OSError as exc:
                error = exc
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock = self.wrap(sock)
            return
        raise error or OSError("no address to connect to")

    def wrap(self, sock: socket.socket) -> socket.socket:
        return sock


class PinnedHTTPConnection(_PinnedConnection, http.client.HTTPConnection):
    pass


class PinnedHTTPSConnection(_PinnedConnection, http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, **kwargs) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, context=self.tls, **kwargs)

    def wrap(self, sock: socket.socket) -> socket.socket:
        return self.tls.wrap_socket(sock, server_hostname=self.host)


def http_post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    """POST once, to an address the host resolved to when it was checked (a `CheckedURL`;
    any other URL is checked here first). A redirect is answered as it came, never followed."""
    if not isinstance(url, CheckedURL):
        url = resolve_destination(url)
    parts, port = _url_parts(url)
    connection_class = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(parts.hostname, port, addresses=url.addresses, timeout=TIMEOUT_SECONDS)
    target = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    try:
        connection.request("POST", target, body=body, headers=headers)
        return Response(status=connection.getresponse().status)
    finally:
        connection.close()


def attempt(delivery: WebhookDelivery, *, now: dt.datetime, post: Callable = http_post) -> bool:
    """Send one delivery once and record the outcome on the row. Returns True if delivered.

    A delivery whose month is withheld is not sent and its row is left as it was: it waits."""
    subscription = delivery.subscription
    event = event_of(delivery)
    if event is None:
        return False
    name, payload = event
    body = json.dumps(payload, sort_keys=True).encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "EarlyAccessTracker-Webhooks/1",
        EVENT_HEADER: name,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
    }
    delivery.attempts += 1
    delivery.last_attempt_at = now
    try:
        # Resolved and checked here, before anything is sent; `http_post` connects to the
        # checked addresses. With private hosts allowed there is nothing to check, and
        # `http_post` resolves the host itself (once).
        url = subscription.url if settings.WEBHOOK_ALLOW_PRIVATE_HOSTS else resolve_destination(subscription.url)
        response = post(url, body, headers)
        delivery.last_status_code = response.status
        delivered = 200 <= response.status < 300
        error = "" if delivered else f"HTTP {response.status}"
        if 300 <= response.status < 400:
            error = f"HTTP {response.status}: {REDIRECT_REFUSED}"
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


def sendable(deliveries: QuerySet[WebhookDelivery]) -> QuerySet[WebhookDelivery]:
    """The deliveries that may go out now: of a program-level finding on a listed program, or
    of a finding about one artist's record whose open month is shown. Each carries its
    `cell_month`. Any other waits, and is not even listed to its subscriber (GET
    webhooks/{id}/deliveries/): a waiting row would tell that a withheld finding exists."""
    shown = Exists(shown_aggregates(OuterRef("flag__program_id"), OuterRef("flag__kind"), OuterRef("cell_month")))
    return deliveries.annotate(cell_month=finding_month("flag__")).filter(
        Q(flag__in=public_flags().values("pk")) | (Q(flag__kind__in=ARTIST_KINDS) & shown)
    )


def _merge_month(delivery: WebhookDelivery) -> set[int]:
    """Fold the subscription's other pending rows of the same month into this one (they would
    send the same event) and return their ids. Rows another worker holds are left alone."""
    flag = delivery.flag
    same_month = list(
        WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            subscription_id=delivery.subscription_id,
            status=WebhookDelivery.Status.PENDING,
            flag__program_id=flag.program_id,
            flag__kind=flag.kind,
        )
        .exclude(pk=delivery.pk)
        .annotate(cell_month=finding_month("flag__"))
        .filter(cell_month=delivery.cell_month)
        .values_list("pk", flat=True)
    )
    WebhookDelivery.objects.filter(pk__in=same_month).delete()
    return set(same_month)


def deliver_due(*, now: dt.datetime | None = None, batch_size: int = 50, post: Callable = http_post) -> DeliveryReport:
    """Send every delivery that is due, batch by batch; rows another worker holds are skipped.

    Only what `sendable` allows goes: a delivery whose month is withheld waits, and goes out
    once the month is shown. The pending rows of one subscription and one month go as one
    `findings.updated` event with the month's counts as they are when it is sent.
    """
    delivered = failed = 0
    while True:
        now_ = now or timezone.now()
        with transaction.atomic():
            batch = list(
                sendable(
                    WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",)).filter(
                        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now_, subscription__active=True
                    )
                )
                .select_related("subscription", "flag__program", "flag__artist")
                .order_by("next_attempt_at", "id")[:batch_size]
            )
            merged: set[int] = set()
            for delivery in batch:
                if delivery.pk in merged:
                    continue
                if delivery.flag.kind not in PROGRAM_KINDS:
                    merged |= _merge_month(delivery)
                if attempt(delivery, now=now_, post=post):
                    delivered += 1
                else:
                    failed += 1
        if len(batch) < batch_size:
            return DeliveryReport(delivered=delivered, failed=failed)
