"""Webhooks: each new program-level finding, and each monthly aggregate that a new finding
about an artist's record updates (once it is shown), is POSTed as signed JSON to the
subscriptions that want it; a failed delivery is retried with exponential backoff, then
given up and logged.

The receiver is a real HTTP server on loopback that checks the signature the way a client
would, with `tracker.webhooks.verify_signature`.
"""

import datetime as dt
import ipaddress
import json
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs.services import revoke_access
from tests import factories
from tracker import webhooks
from tracker.models import Flag, WebhookDelivery, WebhookSubscription
from tracker.services import run_scan
from tracker.tasks import deliver_webhooks
from tracker.webhooks import MAX_ATTEMPTS, deliver_due, retry_delay, verify_signature

SECRET = "receiver-shared-secret-0123456789"


@dataclass(frozen=True)
class ReceivedRequest:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_valid: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """What a client's endpoint does: check the signature (204, or 401 when it does not
    match), and answer 500 to the first `failures` requests when told to."""

    def __init__(self) -> None:
        self.secret = SECRET
        self.requests: list[ReceivedRequest] = []
        self.failures = 0
        self.delay = 0.0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                valid = verify_signature(
                    receiver.secret,
                    self.headers.get(webhooks.TIMESTAMP_HEADER, ""),
                    body,
                    self.headers.get(webhooks.SIGNATURE_HEADER, ""),
                )
                with receiver._lock:
                    receiver.requests.append(ReceivedRequest(self.path, dict(self.headers), body, valid))
                    failing = receiver.failures > 0
                    receiver.failures -= 1 if failing else 0
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(500 if failing else 204 if valid else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail_next(self, count: int) -> None:
        self.failures = count

    def paths(self) -> list[str]:
        return [request.path for request in self.requests]


@pytest.fixture
def receiver():
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
    thread.join(timeout=5)


def closed_port_url() -> str:
    """An address on loopback where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


def subscribe(url: str, **fields) -> WebhookSubscription:
    fields.setdefault("secret", SECRET)
    return WebhookSubscription.objects.create(owner=factories.UserFactory(), url=url, **fields)


def program_without_terms(**fields):
    """An active program that raises one `undefined_terms` flag on the next scan."""
    return factories.ProgramFactory(responsible_use_definition="", confidential_content_definition="", **fields)


def program_with_terms(**fields):
    return factories.ProgramFactory(
        responsible_use_definition="No deepfakes.", confidential_content_definition="Unreleased outputs.", **fields
    )


def scan_and_deliver(capture, rules: list[str]):
    """Run a scan and the delivery it enqueues on commit (eager Celery, as without Redis)."""
    with capture(execute=True):
        run_scan(rules=rules)


REVOKED_AT = timezone.now() - dt.timedelta(days=1)


@pytest.fixture
def revoked_world(db, settings):
    """Five testers, all revoked without a reason on the same day; one named by choice."""
    settings.MIN_GROUP_SIZE = 5
    program = program_with_terms(slug="moving-pictures")
    enrollments = [factories.EnrollmentFactory(program=program) for _ in range(5)]
    named, quiet = enrollments[0].artist, enrollments[1].artist
    named.public_name, named.show_public_name = "Ada Lovelace", True
    named.save()
    quiet.public_name = "Secret Person"
    quiet.save()
    for enrollment in enrollments:
        revoke_access(enrollment=enrollment, occurred_at=REVOKED_AT)
    return program, named, quiet


def cell_of(request: ReceivedRequest) -> tuple[str, str, str]:
    """(event, kind, program) of a received request, whichever event it is."""
    body = request.json
    about = body["flag"] if body["event"] == "flag.raised" else body["findings"]
    return body["event"], about["kind"], about["program"]


def test_a_new_flag_is_posted_once_as_signed_json(db, receiver, django_capture_on_commit_callbacks):
    program = program_without_terms(slug="moving-pictures")
    subscribe(f"{receiver.url}/hooks/flags")

    scan_and_deliver(django_capture_on_commit_callbacks, ["undefined_terms"])

    flag = Flag.objects.get()
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.path == "/hooks/flags"
    assert request.signature_valid
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers[webhooks.EVENT_HEADER] == "flag.raised"
    assert request.headers[webhooks.SIGNATURE_HEADER].startswith("sha256=")
    assert request.json == {
        "event": "flag.raised",
        "flag": {
            "id": flag.pk,
            "kind": "undefined_terms",
            "severity": flag.severity,
            "program": program.slug,
            "subject": f"program:{program.pk}",
            "artist": None,
            "message": flag.message,
            "details": flag.details,
            # Undefined terms is a state of the program: nothing happened or came due on a day.
            "occurred_on": None,
            "due_on": None,
            "raised_at": flag.raised_at.isoformat(),
            "resolved_at": None,
        },
    }
    delivery = WebhookDelivery.objects.get()
    assert delivery.flag == flag
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 204
    assert delivery.delivered_at is not None
    assert delivery.last_error == ""


def test_a_second_scan_sends_nothing_more(db, receiver, django_capture_on_commit_callbacks):
    program_without_terms()
    subscribe(receiver.url)
    scan_and_deliver(django_capture_on_commit_callbacks, ["undefined_terms"])

    scan_and_deliver(django_capture_on_commit_callbacks, ["undefined_terms"])
    report = deliver_due()

    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.count() == 1
    assert (report.delivered, report.failed) == (0, 0)


def test_subscriptions_get_only_the_kinds_and_program_they_asked_for(
    revoked_world, receiver, django_capture_on_commit_callbacks
):
    revoked_program, *_ = revoked_world
    bare = program_without_terms(slug="bare-terms")
    other_bare = program_without_terms(slug="other-bare")
    subscribe(f"{receiver.url}/every")
    subscribe(f"{receiver.url}/revocations", kinds=["revoked_without_reason"])
    subscribe(f"{receiver.url}/bare", program=bare)
    subscribe(f"{receiver.url}/bare-terms-only", program=bare, kinds=["undefined_terms", "approval_overdue"])
    subscribe(f"{receiver.url}/revocations-on-bare", program=bare, kinds=["revoked_without_reason"])
    subscribe(f"{receiver.url}/inactive", active=False)

    scan_and_deliver(django_capture_on_commit_callbacks, ["revoked_without_reason", "undefined_terms"])

    received: dict[str, list[tuple[str, str, str]]] = {}
    for request in receiver.requests:
        assert request.signature_valid
        received.setdefault(request.path, []).append(cell_of(request))
    # The five revocations of one month are one event with the month's counts.
    assert sorted(received["/every"]) == [
        ("findings.updated", "revoked_without_reason", revoked_program.slug),
        ("flag.raised", "undefined_terms", bare.slug),
        ("flag.raised", "undefined_terms", other_bare.slug),
    ]
    assert received["/revocations"] == [("findings.updated", "revoked_without_reason", revoked_program.slug)]
    assert received["/bare"] == [("flag.raised", "undefined_terms", bare.slug)]
    assert received["/bare-terms-only"] == [("flag.raised", "undefined_terms", bare.slug)]
    assert "/revocations-on-bare" not in received
    assert "/inactive" not in received
    assert not WebhookDelivery.objects.filter(subscription__active=False).exists()


def test_a_subscription_switched_off_after_queueing_is_not_sent(db, receiver):
    program_without_terms()
    subscription = subscribe(receiver.url)
    run_scan(rules=["undefined_terms"])  # queued; the on-commit delivery never runs here
    subscription.active = False
    subscription.save()

    deliver_due()

    assert receiver.requests == []
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING


def test_a_months_findings_about_artists_go_as_one_aggregate_that_names_no_one(
    revoked_world, receiver, django_capture_on_commit_callbacks
):
    program, named, quiet = revoked_world
    subscribe(receiver.url)

    scan_and_deliver(django_capture_on_commit_callbacks, ["revoked_without_reason"])

    assert Flag.objects.filter(kind="revoked_without_reason").count() == 5
    (request,) = receiver.requests
    assert request.signature_valid
    assert request.headers[webhooks.EVENT_HEADER] == "findings.updated"
    assert request.json == {
        "event": "findings.updated",
        "findings": {
            "program": program.slug,
            "kind": "revoked_without_reason",
            "severity": "medium",
            "month": f"{REVOKED_AT:%Y-%m}",
            "state": "open",
            "artists": 5,
            "findings": 5,
            "contributions": None,
            "hours": None,
        },
    }
    body = request.body.decode()
    for name in (named.handle, quiet.handle, "Ada Lovelace", "Secret Person", f"{REVOKED_AT:%Y-%m-%d}"):
        assert name not in body
    for flag in Flag.objects.all():
        assert flag.message not in body and flag.subject_key not in body
    # The five queued rows were sent as one: one delivery is left, delivered.
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.status == WebhookDelivery.Status.DELIVERED


def test_a_flag_hidden_by_the_privacy_floor_is_not_sent(db, settings, receiver, django_capture_on_commit_callbacks):
    settings.MIN_GROUP_SIZE = 5
    tiny = program_with_terms(slug="tiny-beta")
    enrollment = factories.EnrollmentFactory(program=tiny)
    revoke_access(enrollment=enrollment, occurred_at=timezone.now() - dt.timedelta(days=1))
    unlisted = program_without_terms(slug="unlisted", is_listed=False)
    subscribe(receiver.url)

    scan_and_deliver(django_capture_on_commit_callbacks, ["revoked_without_reason", "undefined_terms"])

    assert Flag.objects.filter(program=tiny, artist=enrollment.artist).exists()
    assert Flag.objects.filter(program=unlisted).exists()
    assert receiver.requests == []
    assert not WebhookDelivery.objects.filter(status=WebhookDelivery.Status.DELIVERED).exists()


def test_a_waiting_delivery_is_sent_once_its_month_is_shown(db, settings, receiver):
    """An unverified account's finding lifts nothing; once a reviewer verifies it, the month
    has two verified artists behind it and the event goes out."""
    settings.MIN_GROUP_SIZE = 2
    program = program_with_terms()
    first = factories.EnrollmentFactory(program=program)
    second = factories.set_verification(factories.EnrollmentFactory(program=program), "unverified")
    for enrollment in (first, second):
        revoke_access(enrollment=enrollment, occurred_at=timezone.now() - dt.timedelta(days=1))
    subscribe(receiver.url)
    run_scan(rules=["revoked_without_reason"])
    deliver_due()
    assert receiver.requests == []

    factories.set_verification(second, "verified")
    deliver_due()

    (request,) = receiver.requests
    assert request.json["event"] == "findings.updated"
    assert request.json["findings"]["kind"] == "revoked_without_reason"
    assert request.json["findings"]["artists"] == 2


def test_a_failure_is_recorded_and_retried_with_doubling_delays(db, receiver):
    program_without_terms()
    subscribe(receiver.url)
    run_scan(rules=["undefined_terms"])
    receiver.fail_next(3)
    start = timezone.now()

    report = deliver_due(now=start)

    delivery = WebhookDelivery.objects.get()
    assert (report.delivered, report.failed) == (0, 1)
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.last_status_code == 500
    assert delivery.last_error == "HTTP 500"
    assert delivery.last_attempt_at == start
    assert delivery.next_attempt_at == start + dt.timedelta(seconds=30)

    deliver_due(now=start + dt.timedelta(seconds=29))
    assert len(receiver.requests) == 1, "not due yet"

    moments = [start]
    for _ in range(3):
        delivery.refresh_from_db()
        moments.append(delivery.next_attempt_at)
        deliver_due(now=delivery.next_attempt_at)

    delivery.refresh_from_db()
    gaps = [later - earlier for earlier, later in zip(moments, moments[1:], strict=False)]
    assert gaps == [dt.timedelta(seconds=30), dt.timedelta(seconds=60), dt.timedelta(seconds=120)]
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempts == 4
    assert delivery.last_status_code == 204
    assert delivery.delivered_at == moments[-1]
    assert len(receiver.requests) == 4
    assert all(request.signature_valid for request in receiver.requests)
    assert len({request.body for request in receiver.requests}) == 1, "every retry sends the same flag"


@pytest.mark.parametrize(
    ("attempts", "delay"),
    [
        (1, dt.timedelta(seconds=30)),
        (2, dt.timedelta(seconds=60)),
        (3, dt.timedelta(seconds=120)),
        (7, dt.timedelta(seconds=1920)),
        (10, dt.timedelta(seconds=15360)),
        (11, dt.timedelta(hours=6)),
        (40, dt.timedelta(hours=6)),
    ],
)
def test_retry_delay_doubles_from_30_seconds_up_to_6_hours(attempts, delay):
    assert retry_delay(attempts) == delay


def test_after_max_attempts_the_delivery_fails_and_a_warning_is_logged(db, receiver, caplog):
    program_without_terms()
    subscription = subscribe(receiver.url)
    run_scan(rules=["undefined_terms"])
    receiver.fail_next(100)
    now = timezone.now()

    with caplog.at_level(logging.INFO, logger="tracker.webhooks"):
        for _ in range(MAX_ATTEMPTS):
            deliver_due(now=now)
            now = WebhookDelivery.objects.get().next_attempt_at
        deliver_due(now=now + dt.timedelta(days=1))

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == MAX_ATTEMPTS
    assert delivery.last_status_code == 500
    assert len(receiver.requests) == MAX_ATTEMPTS
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "gave up" in warnings[0].getMessage()
    assert str(subscription.pk) in warnings[0].getMessage()
    retries_logged = [record for record in caplog.records if record.levelno == logging.INFO]
    assert len(retries_logged) == MAX_ATTEMPTS - 1


def test_a_refused_connection_is_recorded_as_an_error(db):
    program_without_terms()
    subscribe(closed_port_url())
    run_scan(rules=["undefined_terms"])
    now = timezone.now()

    report = deliver_due(now=now)

    delivery = WebhookDelivery.objects.get()
    assert (report.delivered, report.failed) == (0, 1)
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.last_status_code is None
    assert "refused" in delivery.last_error.lower()
    assert delivery.next_attempt_at == now + dt.timedelta(seconds=30)


@pytest.fixture
def garbage_server():
    """A server that answers anything that is not HTTP, then hangs up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(5)

    def serve():
        try:
            peer, _ = listener.accept()
        except OSError:
            return
        with peer:
            peer.recv(65536)
            peer.sendall(b"SPAM SPAM SPAM\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    listener.close()
    thread.join(timeout=5)


def test_a_reply_that_is_not_http_is_recorded_as_an_error_not_a_crash(db, garbage_server):
    program_without_terms()
    subscribe(garbage_server)
    run_scan(rules=["undefined_terms"])

    report = deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert (report.delivered, report.failed) == (0, 1)
    assert delivery.attempts == 1
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_status_code is None
    assert delivery.last_error


def test_a_receiver_that_does_not_answer_in_time_is_recorded_as_an_error(db, receiver, monkeypatch):
    monkeypatch.setattr(webhooks, "TIMEOUT_SECONDS", 0.2)
    receiver.delay = 1.0
    program_without_terms()
    subscribe(receiver.url)
    run_scan(rules=["undefined_terms"])

    report = deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert (report.delivered, report.failed) == (0, 1)
    assert delivery.attempts == 1
    assert "timed out" in delivery.last_error.lower()


def test_a_receiver_with_another_secret_rejects_the_signature(db, receiver):
    program_without_terms()
    subscribe(receiver.url, secret="the-subscriptions-own-secret-0001")
    run_scan(rules=["undefined_terms"])

    deliver_due()

    assert len(receiver.requests) == 1
    assert not receiver.requests[0].signature_valid
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_status_code == 401

    receiver.secret = "the-subscriptions-own-secret-0001"
    deliver_due(now=delivery.next_attempt_at)
    assert receiver.requests[1].signature_valid
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED


def test_a_signature_covers_the_body_and_the_timestamp():
    body = b'{"event": "flag.raised"}'
    signature = webhooks.sign(SECRET, "1760000000", body)

    assert verify_signature(SECRET, "1760000000", body, signature)
    assert not verify_signature(SECRET, "1760000001", body, signature)
    assert not verify_signature(SECRET, "1760000000", body + b" ", signature)
    assert not verify_signature("another-secret", "1760000000", body, signature)
    assert not verify_signature(SECRET, "1760000000", body, "")


def test_the_task_delivers_what_is_due_and_returns_a_summary(db, receiver):
    program_without_terms()
    program_without_terms()
    subscribe(receiver.url)
    subscribe(closed_port_url())
    run_scan(rules=["undefined_terms"])

    summary = deliver_webhooks.delay().get()

    assert summary == {"delivered": 2, "failed": 2}
    assert len(receiver.requests) == 2


def test_deliveries_are_taken_with_skip_locked(db, receiver):
    program_without_terms()
    subscribe(receiver.url)
    run_scan(rules=["undefined_terms"])

    with CaptureQueriesContext(connection) as queries:
        deliver_due()

    assert any("FOR UPDATE" in q["sql"] and "SKIP LOCKED" in q["sql"] for q in queries.captured_queries)


def test_a_delivery_another_worker_holds_is_skipped(transactional_db, receiver):
    """A second database connection locks one row; deliver_due sends the other and moves on."""
    program = program_with_terms()
    subscription = subscribe(receiver.url)
    held, free = (
        WebhookDelivery.objects.create(
            subscription=subscription,
            flag=Flag.objects.create(
                kind="undefined_terms", severity="medium", program=program, subject_key=key, message="m"
            ),
        )
        for key in ("program:held", "program:free")
    )
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                WebhookDelivery.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(timeout=10)
        report = deliver_due()
    finally:
        release.set()
        thread.join(timeout=10)

    assert (report.delivered, report.failed) == (1, 0)
    assert [r.json["flag"]["id"] for r in receiver.requests] == [free.flag_id]
    held.refresh_from_db()
    assert held.status == WebhookDelivery.Status.PENDING and held.attempts == 0

    assert deliver_due() == webhooks.DeliveryReport(delivered=1, failed=0)
    assert sorted(r.json["flag"]["id"] for r in receiver.requests) == sorted([free.flag_id, held.flag_id])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
    ],
)
def test_webhooks_to_this_servers_own_network_are_refused(url, settings):
    from tracker.webhooks import DestinationNotAllowed, check_destination

    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    with pytest.raises(DestinationNotAllowed):
        check_destination(url)


def test_a_delivery_to_a_private_address_is_recorded_as_refused_not_sent(db, settings):
    from tracker.models import WebhookDelivery, WebhookSubscription
    from tracker.webhooks import attempt

    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    program = factories.ProgramFactory(responsible_use_definition="")
    flag = Flag.objects.create(
        kind="undefined_terms", severity="medium", program=program, subject_key=f"program:{program.pk}", message="m"
    )
    owner = factories.UserFactory()
    subscription = WebhookSubscription.objects.create(owner=owner, url="http://127.0.0.1:9/hook", secret="s" * 20)
    delivery = WebhookDelivery.objects.create(subscription=subscription, flag=flag)
    sent = []

    assert attempt(delivery, now=timezone.now(), post=lambda *args: sent.append(args)) is False

    delivery.refresh_from_db()
    assert sent == []
    assert "private or local address" in delivery.last_error and delivery.status == "pending"


class Redirector:
    """An endpoint on loopback that answers every POST with a redirect to `location`."""

    def __init__(self, location: str, status: int = 302) -> None:
        self.hits = 0
        redirector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                redirector.hits += 1
                self.send_response(status)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_and_the_attempt_fails_with_the_reason(db, receiver, status):
    redirector = Redirector(f"{receiver.url}/internal", status=status)
    try:
        program_without_terms()
        subscribe(redirector.url)
        run_scan(rules=["undefined_terms"])

        report = deliver_due()
    finally:
        redirector.stop()

    delivery = WebhookDelivery.objects.get()
    assert redirector.hits == 1
    assert receiver.requests == []
    assert (report.delivered, report.failed) == (0, 1)
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.delivered_at is None
    assert delivery.last_status_code == status
    assert (
        delivery.last_error == f"HTTP {status}: redirects are not followed; give the final address as the webhook URL"
    )


def test_a_redirect_is_never_followed_even_after_every_retry(db, receiver):
    redirector = Redirector(f"{receiver.url}/internal")
    try:
        program_without_terms()
        subscribe(redirector.url)
        run_scan(rules=["undefined_terms"])
        for attempt_number in range(MAX_ATTEMPTS):
            deliver_due(now=timezone.now() + dt.timedelta(days=attempt_number))
    finally:
        redirector.stop()

    delivery = WebhookDelivery.objects.get()
    assert redirector.hits == MAX_ATTEMPTS and receiver.requests == []
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "redirects are not followed" in delivery.last_error


class RebindingResolver:
    """DNS that answers a public address the first time a name is asked and loopback after
    that (DNS rebinding); IP addresses resolve as themselves."""

    def __init__(self, real, public: str) -> None:
        self.real, self.public = real, public
        self.asked: list[str] = []

    def __call__(self, host, port, *args, **kwargs):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            self.asked.append(host)
            address = self.public if len(self.asked) == 1 else "127.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]
        return self.real(host, port, *args, **kwargs)


def test_the_delivery_connects_to_the_address_that_was_checked_not_a_new_answer(db, settings, receiver, monkeypatch):
    """The host is resolved once; the connection goes to the public address that passed the
    check (here routed to the receiver, standing in for the public server), with the URL's
    host name in the Host header, though the name now resolves to loopback."""
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    public = "93.184.215.14"
    port = receiver.server.server_address[1]
    resolver = RebindingResolver(socket.getaddrinfo, public)
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    connected_to = []
    real_create_connection = socket.create_connection

    def create_connection(address, *args, **kwargs):
        connected_to.append(address)
        if address == (public, port):
            return real_create_connection(("127.0.0.1", port), *args, **kwargs)
        raise ConnectionRefusedError("only the public address is routed in this test")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    program_without_terms()
    subscribe(f"http://hooks.example.com:{port}/hook")
    run_scan(rules=["undefined_terms"])

    report = deliver_due()

    assert resolver.asked == ["hooks.example.com"]
    assert connected_to == [(public, port)]
    assert report.delivered == 1 and WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED
    [request] = receiver.requests
    assert request.headers["Host"] == f"hooks.example.com:{port}"
    assert request.signature_valid


def test_a_host_with_one_private_address_among_public_ones_is_refused_and_not_contacted(db, settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False

    def resolve(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))
            for address in ("93.184.215.14", "10.0.0.7")
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    connected_to = []
    monkeypatch.setattr(socket, "create_connection", lambda address, *args, **kwargs: connected_to.append(address))
    program_without_terms()
    subscribe("https://hooks.example.com/hook")
    run_scan(rules=["undefined_terms"])

    report = deliver_due()

    delivery = WebhookDelivery.objects.get()
    assert report.failed == 1 and connected_to == []
    assert "private or local address" in delivery.last_error


def test_https_checks_the_certificate_against_the_host_name_not_the_address(monkeypatch):
    """TLS is started on the pinned socket with the URL's host as SNI and certificate name."""
    wrapped = []

    class Socket:
        def setsockopt(self, *args):
            pass

    monkeypatch.setattr(socket, "create_connection", lambda address, *args, **kwargs: Socket())
    connection = webhooks.PinnedHTTPSConnection("hooks.example.com", 443, addresses=("93.184.215.14",), timeout=1)
    monkeypatch.setattr(
        connection.tls, "wrap_socket", lambda sock, server_hostname: wrapped.append(server_hostname) or sock
    )
    connection.connect()

    assert wrapped == ["hooks.example.com"]
    assert connection.tls.check_hostname and connection.tls.verify_mode == ssl.CERT_REQUIRED
