"""Attacks on the findings by the one adversary that matters: the program itself.

It knows its testers and the day and hours of everything it asked for, can open accounts
(to follow its own program, to subscribe to webhooks, to sign testers up), and can query
every public door as often as it likes. Each test drives those doors as the program would:
the flag feed (/flags/), the flags API (JSON and CSV, list and detail), a follower's digest,
a subscriber's webhook payloads and its deliveries list. None may show a single record
about an artist (its date, hours, id or the artist), a month drawn from fewer than
MIN_GROUP_SIZE verified artists, or two answers that subtract to one.
"""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from feedback.models import Contribution
from feedback.services import log_contribution, record_compensation
from programs.models import Enrollment
from tests import factories
from tracker.digests import SETTLE_TIME, send_digests
from tracker.models import Flag, Follow
from tracker.services import run_scan
from tracker.webhooks import Response, deliver_due

pytestmark = pytest.mark.django_db

FLAGS = "/api/v1/flags/"
WEBHOOKS = "/api/v1/webhooks/"
RULES = ["unpaid_feedback", "uncompensated_promotion"]
TODAY = timezone.localdate()
# The day the program asked for the promotion: it knows it, and the hours it asked for.
ASKED_ON = TODAY - dt.timedelta(days=45)
DUE_ON = ASKED_ON + dt.timedelta(days=30)
HOURS = "7.25"


class Program:
    """The adversary: its program, an account of its own, a webhook subscription on that
    account (every kind) and a follow (for the digest)."""

    def __init__(self, settings):
        settings.MIN_GROUP_SIZE = 5
        self.program = factories.ProgramFactory(
            name="Moving Pictures Preview",
            slug="moving-pictures",
            payment_terms_days=30,
            opened_on=TODAY - dt.timedelta(days=400),
            responsible_use_definition="No deepfakes.",
            confidential_content_definition="Unreleased outputs.",
        )
        self.user = factories.UserFactory(username="program-staff", email="ops@program.example")
        self.api = APIClient()
        self.api.force_authenticate(self.user)
        created = self.api.post(WEBHOOKS, {"url": "http://127.0.0.1:9/hook"}, format="json")
        assert created.status_code == 201, created.content
        self.subscription_id = created.json()["id"]
        yesterday = timezone.now() - dt.timedelta(days=1)
        Follow.objects.create(user=self.user, program=self.program, created_at=yesterday, digest_sent_until=yesterday)
        self.sent: list[bytes] = []

    def tester(self, verification: str = Enrollment.Verification.VERIFIED, **artist) -> Enrollment:
        enrollment = factories.EnrollmentFactory(
            program=self.program, artist=factories.ArtistFactory(**artist), granted_on=TODAY - dt.timedelta(days=300)
        )
        return factories.set_verification(enrollment, verification)

    def ask_for_promotion(self, enrollment: Enrollment, *, on: dt.date = ASKED_ON, hours: str = HOURS) -> Contribution:
        """The tester logs the promotion the program asked for, unpaid."""
        return log_contribution(
            enrollment=enrollment,
            kind=Contribution.Kind.PROMOTION,
            title=f"Launch thread by {enrollment.artist.handle}",
            hours_spent=Decimal(hours),
            occurred_on=on,
            requested_by_program=True,
        )

    def scan_and_send(self) -> None:
        run_scan(rules=RULES)
        deliver_due(post=lambda url, body, headers: self.sent.append(body) or Response(status=204))
        # As if the daily digest ran once the scan had settled: it covers up to this moment.
        send_digests(now=timezone.now() + SETTLE_TIME)

    def answers(self, client) -> dict[str, str]:
        """Every public answer the program can get, by door."""
        slug = self.program.slug
        anonymous = APIClient()
        doors = {
            "feed": client.get("/flags/"),
            "feed by program": client.get("/flags/", {"program": slug}),
            "feed resolved": client.get("/flags/", {"state": "resolved"}),
            "api": anonymous.get(FLAGS),
            "api by kind": anonymous.get(FLAGS, {"program": slug, "kind": "uncompensated_promotion"}),
            "api by month": anonymous.get(FLAGS, {"month": f"{DUE_ON:%Y-%m}"}),
            "api csv": anonymous.get(FLAGS, {"format": "csv"}),
            "api unpaid work": anonymous.get(f"{FLAGS}unpaid-work/"),
            "api unpaid work csv": anonymous.get(f"{FLAGS}unpaid-work/", {"program": slug, "format": "csv"}),
            "program page": client.get(f"/programs/{slug}/"),
            "deliveries": self.api.get(f"{WEBHOOKS}{self.subscription_id}/deliveries/"),
        }
        assert {door: answer.status_code for door, answer in doors.items()} == dict.fromkeys(doors, 200)
        texts = {door: answer.content.decode() for door, answer in doors.items()}
        texts["digests"] = "\n".join(f"{email.subject}\n{email.body}" for email in mail.outbox)
        texts["webhooks"] = "\n".join(body.decode() for body in self.sent)
        return texts

    def cells(self) -> list[dict]:
        return [row for row in APIClient().get(FLAGS).json()["results"] if row["scope"] == "monthly"]


@pytest.fixture
def adversary(settings):
    return Program(settings)


def assert_nothing_about(texts: dict[str, str], contribution: Contribution, enrollment: Enrollment) -> None:
    artist = enrollment.artist
    flags = Flag.objects.filter(subject_key=f"contribution:{contribution.pk}")
    assert flags.count() == 2, "both rules found the promotion"
    for door, text in texts.items():
        for secret in (
            f"{ASKED_ON:%Y-%m-%d}",
            f"{DUE_ON:%Y-%m-%d}",
            HOURS,
            HOURS.rstrip("0"),
            f"contribution:{contribution.pk}",
            f'"contribution": {contribution.pk}',
            artist.handle,
            artist.public_name,
            *(flag.message for flag in flags),
        ):
            assert secret not in text, f"{secret!r} leaks through {door}"
        for flag in flags:
            assert not re.search(rf'"(id|flag)":\s*{flag.pk}\b', text), f"flag {flag.pk} leaks through {door}"


def test_a_promotion_asked_of_one_artist_on_a_known_day_leaves_no_trace_of_them(client, adversary):
    """(a) The program asks one tester for a promotion on a known day; the tester logs it
    unpaid; a scan runs. No door shows the day, the hours, the contribution or the artist."""
    for _ in range(8):
        adversary.tester()  # the rest of the program, who logged nothing unpaid
    asked = adversary.tester(public_name="Ada Lovelace", show_public_name=True)
    contribution = adversary.ask_for_promotion(asked)

    adversary.scan_and_send()

    texts = adversary.answers(client)
    assert_nothing_about(texts, contribution, asked)
    for flag in Flag.objects.filter(artist=asked.artist):
        assert APIClient().get(f"{FLAGS}{flag.pk}/").status_code == 404
    # What the public does see: the months are there, withheld, with no counts.
    assert {(row["kind"], row["withheld"], row["artists"]) for row in adversary.cells()} == {
        ("uncompensated_promotion", True, None),
        ("unpaid_feedback", True, None),
    }
    # The artist still sees their own findings in full.
    own = APIClient()
    own.force_authenticate(asked.artist.user)
    assert {row["subject"] for row in own.get("/api/v1/me/flags/").json()["results"]} == {
        f"contribution:{contribution.pk}"
    }


def test_a_month_below_the_floor_is_withheld_at_every_door(client, adversary):
    """(b) Four verified artists behind a month: withheld on the feed, in JSON and CSV, and
    neither a digest nor a webhook nor the deliveries list mentions it."""
    askeds = [adversary.tester() for _ in range(4)]
    contributions = [adversary.ask_for_promotion(enrollment, hours="2.00") for enrollment in askeds]

    adversary.scan_and_send()

    texts = adversary.answers(client)
    for cell in adversary.cells():
        assert cell["withheld"] and cell["withheld_reason"]
        assert [cell[name] for name in ("artists", "findings", "contributions", "hours")] == [None] * 4
    assert "Withheld: Fewer than 5 verified artists" in texts["feed"]
    assert "4 artists" not in texts["feed"] and "8.00" not in texts["feed"]
    assert "8.00" not in texts["api csv"] and ",4," not in texts["api csv"]
    assert mail.outbox == [] and adversary.sent == []
    assert json.loads(texts["deliveries"])["count"] == 0
    for contribution, enrollment in zip(contributions, askeds, strict=True):
        for door, text in texts.items():
            assert f"contribution:{contribution.pk}" not in text, door
            assert enrollment.artist.handle not in text, door


def test_unverified_accounts_do_not_lift_a_month_over_the_floor(client, adversary):
    """(c) The program signs up six accounts of its own and logs the same unpaid promotion
    on each: four real testers' month stays withheld. A fifth verified tester shows it,
    counted as five."""
    real = [adversary.tester() for _ in range(4)]
    sybils = [adversary.tester(Enrollment.Verification.UNVERIFIED) for _ in range(3)]
    sybils += [adversary.tester(Enrollment.Verification.PENDING) for _ in range(2)]
    sybils += [adversary.tester(Enrollment.Verification.REJECTED)]
    for enrollment in real + sybils:
        adversary.ask_for_promotion(enrollment)

    adversary.scan_and_send()

    assert all(cell["withheld"] for cell in adversary.cells())
    assert mail.outbox == [] and adversary.sent == []
    assert "Withheld" in client.get("/flags/").content.decode()

    adversary.ask_for_promotion(adversary.tester())
    adversary.scan_and_send()

    promotion = next(cell for cell in adversary.cells() if cell["kind"] == "uncompensated_promotion")
    assert (promotion["withheld"], promotion["artists"], promotion["contributions"]) == (False, 5, 5)
    assert promotion["hours"] == "36.25"
    (event,) = [json.loads(body) for body in adversary.sent if b"uncompensated_promotion" in body]
    assert event["findings"]["artists"] == 5
    assert "5 artists, 5 contributions, 36.25 h" in mail.outbox[-1].body


def test_no_two_public_answers_subtract_to_a_withheld_month(client, adversary):
    """(d) A shown month, a withheld month and resolved findings in both: every answer (by
    state, kind, month, program, JSON or CSV, the feed, the digest and the webhooks) gives
    the same counts for the same cell and nothing coarser than a cell, so whatever is
    subtracted from what, a withheld month never comes out."""
    shown_month = TODAY - dt.timedelta(days=100)
    withheld_month = TODAY - dt.timedelta(days=45)
    shown = [adversary.tester() for _ in range(6)]
    withheld = [adversary.tester() for _ in range(2)]
    for enrollment in shown:
        adversary.ask_for_promotion(enrollment, on=shown_month, hours="3.00")
    for enrollment in withheld:
        adversary.ask_for_promotion(enrollment, on=withheld_month, hours="5.00")
    adversary.scan_and_send()
    # One promotion of each month is paid later: its findings resolve.
    for enrollment in (shown[0], withheld[0]):
        record_compensation(
            enrollment=enrollment,
            kind="cash",
            amount=Decimal("40.00"),
            paid_on=TODAY,
            contributions=list(enrollment.contributions.all()),
        )
    adversary.scan_and_send()

    anonymous = APIClient()
    queries = [
        {},
        {"state": "open"},
        {"state": "resolved"},
        {"kind": "uncompensated_promotion"},
        {"kind": "unpaid_feedback", "state": "resolved"},
        {"program": adversary.program.slug},
        {"month": f"{withheld_month:%Y-%m}"},
        {"month": f"{shown_month:%Y-%m}", "state": "resolved"},
    ]
    seen: dict[tuple, tuple] = {}
    for query in queries:
        response = anonymous.get(FLAGS, query)
        assert response.status_code == 200, query
        for row in response.json()["results"]:
            assert row["scope"] == "monthly" and row["month"] and row["kind"] and row["program"]
            key = (row["program"], row["kind"], row["month"], row["state"])
            counts = (row["artists"], row["findings"], row["contributions"], row["hours"])
            assert seen.setdefault(key, counts) == counts, f"{query} disagrees on {key}"
    withheld_keys = {key for key, counts in seen.items() if counts[0] is None}
    assert withheld_keys and all(counts == (None,) * 4 for key, counts in seen.items() if key in withheld_keys)
    assert {key for key in seen if key[3] == "resolved"}, "resolved cells are answered on their own"
    # The shown month's open and resolved cells are separate rows: nothing adds them up.
    # Cells are keyed by the month the pay came due (30 days of terms).
    shown_due = shown_month + dt.timedelta(days=30)
    open_shown = seen[(adversary.program.slug, "uncompensated_promotion", f"{shown_due:%Y-%m}", "open")]
    assert open_shown == (5, 5, 5, "15.00")
    # A query that would slice a cell, or add the states together, is refused.
    for query in ({"state": "all"}, {"since": f"{TODAY:%Y-%m-%d}"}, {"until": f"{TODAY:%Y-%m-%d}"}):
        assert anonymous.get(FLAGS, query).status_code == 400, query
    assert client.get("/flags/", {"state": "all"}).status_code == 400
    # The feed, the digests and the webhooks carry no figure for a withheld month either.
    texts = adversary.answers(client)
    for door in ("feed", "digests", "webhooks"):
        assert not re.search(r"(?<![\d.])(10|5)\.00\b", texts[door]), door
    assert not re.search(r"\b[12] artists", texts["feed"])
    events = [json.loads(body)["findings"] for body in adversary.sent]
    shown_keys = set(seen) - withheld_keys
    assert events and all((e["program"], e["kind"], e["month"], e["state"]) in shown_keys for e in events)
    assert all(e["artists"] >= 5 for e in events)


def test_the_days_of_an_artists_finding_never_leave_even_when_its_month_is_shown(client, adversary):
    """(e) Findings carry the day the thing happened and the day it came due. Six verified
    testers are asked for a promotion, each on a day of their own in one month: the month is
    shown (counts, and the unpaid work counted once), but no door gives any tester's day or
    due day, which would tell the program whom it asked that day. A mass revocation, a finding
    about the program, does show its day."""
    # Due (30 days later) on the 1st to the 6th of last month.
    due_first = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    asked_on = [due_first - dt.timedelta(days=30 - n) for n in range(6)]
    testers = [adversary.tester() for _ in asked_on]
    for enrollment, day in zip(testers, asked_on, strict=True):
        adversary.ask_for_promotion(enrollment, on=day, hours="2.00")

    adversary.scan_and_send()

    flags = Flag.objects.filter(kind__in=RULES)
    assert flags.count() == 12 and all(flag.occurred_on and flag.due_on for flag in flags)
    texts = adversary.answers(client)
    secrets = {f"{flag.occurred_on:%Y-%m-%d}" for flag in flags} | {f"{flag.due_on:%Y-%m-%d}" for flag in flags}
    secrets |= {f"{flag.occurred_on:%-d %b %Y}" for flag in flags} | {f"{flag.due_on:%-d %b %Y}" for flag in flags}
    for door, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaks through {door}"
    # The month is shown, at every door that shows months, and counted once.
    assert "6 artists: 6 contributions, 12.00 h" in texts["feed"]
    (cell,) = json.loads(texts["api unpaid work"])["results"]
    assert (cell["artists"], cell["contributions"], cell["hours"], cell["withheld"]) == (6, 6, "12.00", False)
    assert cell["month"] == f"{asked_on[0] + dt.timedelta(days=30):%Y-%m}"
    for row in json.loads(texts["api"])["results"]:
        assert (row["occurred_on"], row["due_on"]) == (None, None)
    events = [json.loads(body) for body in adversary.sent]
    assert events and all("occurred_on" not in event["findings"] for event in events)
    # The artist sees their own days.
    own = APIClient()
    own.force_authenticate(testers[0].artist.user)
    days = {(row["occurred_on"], row["due_on"]) for row in own.get("/api/v1/me/flags/").json()["results"]}
    assert days == {(f"{asked_on[0]:%Y-%m-%d}", f"{asked_on[0] + dt.timedelta(days=30):%Y-%m-%d}")}
