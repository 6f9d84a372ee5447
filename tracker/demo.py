"""The demo world behind `manage.py seed_demo`: plain functions that build it.

The world mirrors the case the tracker exists for (see DESIGN.md, "Why it exists"): a
video-model preview run by a company valued at $150 billion, with months of mostly unpaid
feedback, requested promotion, works that mostly never got past approval and a one-day mass
revocation without reasons; beside it a handful of programs across the range, from one that
pays an hourly rate within 14 days to one that pays only in credits.

Rows are built in memory and bulk-inserted, one transaction per program, so a few hundred
testers take seconds rather than minutes. Bulk inserts skip the services, so the builders
here keep the rules the services enforce:

- an enrollment's status is what its latest access event leads to, its events are in
  chronological order, `granted_on` is the day of the grant;
- nothing happens in the future (the last day anything happens is yesterday, which also
  makes a run's data independent of the hour it runs at) or before the program opened;
- a work's status and `first_decided_at` are its first decision's, decided after submission;
- a compensation's allocations add up to at most its amount, are paid on or after the
  contributions they pay for and pay only for contributions of the same enrollment;
- hours are quarter hours between 0.25 and 8, money is `Decimal`.

Everything random comes from `random.Random` seeded by the seed and a name (the program's
slug, the artist's handle), so the same seed on the same day gives the same world, and a
program that already exists is skipped without changing what the others get.
"""

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Lower
from django.utils import timezone
from tqdm import tqdm

from artists.models import ApprovalDecision, Artist, Work
from feedback.models import Compensation, CompensationAllocation, Contribution
from feedback.services import split_by_hours
from programs.models import AccessEvent, Enrollment, Organization, Program

DEFAULT_SEED = 2026
DEMO_PASSWORD = "demo-password-2026"
DEMO_ARTIST = "demo-artist"
ADVOCATES_GROUP = "Advocates"
# (role, username, password): printed by the command and by `make run`.
DEMO_LOGINS = [
    ("artist", DEMO_ARTIST, DEMO_PASSWORD),
    ("advocate", "demo-advocate", DEMO_PASSWORD),
    ("staff", "demo-staff", DEMO_PASSWORD),
]

INCIDENT_SLUG = "halcyon-motion-preview"
FAIR_SLUG = "brightwater-image-residency"

# A scaled program keeps at least this many testers, so the privacy floor never hides it.
MIN_SCALED_TESTERS = 6
BATCH_SIZE = 2000
CENT = Decimal("0.01")

Kind = Contribution.Kind
Pay = Compensation.Kind
Event = AccessEvent.Kind
Outcome = ApprovalDecision.Outcome


# What each program is and how it behaves.


@dataclass(frozen=True)
class OrgSpec:
    name: str
    slug: str
    valuation_usd: Decimal | None
    website: str


@dataclass(frozen=True)
class ReviewStyle:
    """How a program decides on submitted works."""

    decided_share: float
    latency_days: tuple[tuple[int, int, int], ...]  # (fewest days, most days, weight)
    outcomes: dict[str, int]
    reason_share: float
    second_decision_share: float = 0.4  # after "changes requested"


@dataclass(frozen=True)
class ProgramSpec:
    org: OrgSpec
    name: str
    slug: str
    status: str
    description: str
    opened_days_ago: int
    testers: int
    fates: dict[str, float]  # share of testers per fate; the rest stay active
    kinds: dict[str, int]  # weights of contribution kinds
    requested: dict[str, float]  # share of each kind the program asked for
    topics: tuple[str, ...]
    medium: str
    works_per_month: float
    review: ReviewStyle
    pay: str  # name of a payment style in PAYMENT_STYLES
    closed_days_ago: int | None = None
    revocation_days_ago: int | None = None  # the day of the mass revocation
    currency: str = "USD"
    reference_hourly_rate: Decimal | None = None
    payment_terms_days: int = 30
    approval_sla_days: int = 14
    responsible_use_definition: str = ""
    confidential_content_definition: str = ""
    promotion_required: bool = False
    scaled: bool = True
    cohort_days: int = 90  # invitations go out over this many days after opening
    weekly_activity: tuple[tuple[float, int], ...] = ((0.3, 3), (0.8, 4), (1.5, 2), (3.0, 1))
    demo_artist_fate: str | None = None


VIDEO_TOPICS = (
    "camera motion",
    "character consistency",
    "lip sync",
    "lighting continuity",
    "long takes",
    "style transfer",
    "hand anatomy",
    "crowd scenes",
    "water and smoke",
    "text in frame",
    "aspect ratios",
    "storyboard to shot",
    "slow motion",
    "looping clips",
)
IMAGE_TOPICS = (
    "brush textures",
    "colour palettes",
    "inpainting",
    "outpainting",
    "typography",
    "reference images",
    "print resolution",
    "portrait lighting",
    "line art",
    "upscaling",
    "layered export",
    "style references",
)
AUDIO_TOPICS = (
    "voice timbre",
    "breath noise",
    "accents",
    "singing range",
    "room tone",
    "pacing",
    "emotional range",
    "pronunciation",
    "long-form narration",
    "stem export",
)

INCIDENT = ProgramSpec(
    org=OrgSpec("Halcyon Dynamics", "halcyon-dynamics", Decimal("150000000000"), "https://halcyon-dynamics.example"),
    name="Halcyon Motion Artist Preview",
    slug=INCIDENT_SLUG,
    status=Program.Status.SUSPENDED,
    description=(
        "Early access to Halcyon Motion, a text-to-video model, for working artists who give feedback, "
        "report bugs, submit demo pieces and help with the launch."
    ),
    opened_days_ago=255,
    revocation_days_ago=24,
    testers=300,
    fates={"mass_revoked": 0.85, "revoked": 0.04, "suspended": 0.03},
    kinds={
        Kind.FEEDBACK_SESSION: 20,
        Kind.BUG_REPORT: 22,
        Kind.SURVEY: 10,
        Kind.EXPLORATION: 25,
        Kind.PROMOTION: 15,
        Kind.SHOWCASE_EVENT: 3,
        Kind.INTERVIEW: 3,
        Kind.OTHER: 2,
    },
    requested={
        Kind.PROMOTION: 0.9,
        Kind.SHOWCASE_EVENT: 1.0,
        Kind.INTERVIEW: 1.0,
        Kind.SURVEY: 1.0,
        Kind.FEEDBACK_SESSION: 0.6,
        Kind.BUG_REPORT: 0.15,
        Kind.EXPLORATION: 0.1,
        Kind.OTHER: 0.2,
    },
    topics=VIDEO_TOPICS,
    medium=Work.Medium.VIDEO,
    works_per_month=1.2,
    review=ReviewStyle(
        decided_share=0.55,
        latency_days=((1, 7, 3), (8, 21, 3), (22, 60, 4)),
        outcomes={
            Outcome.APPROVED: 35,
            Outcome.REJECTED: 25,
            Outcome.CHANGES_REQUESTED: 28,
            Outcome.WITHDRAWN: 8,
            Outcome.SHOWCASED: 4,
        },
        reason_share=0.12,
    ),
    pay="incident",
    promotion_required=True,
    cohort_days=120,
    demo_artist_fate="mass_revoked",
)

FAIR = ProgramSpec(
    org=OrgSpec("Brightwater Studio", "brightwater-studio", Decimal("1200000000"), "https://brightwater.example"),
    name="Brightwater Image Residency",
    slug=FAIR_SLUG,
    status=Program.Status.ACTIVE,
    description="A paid residency: artists test Brightwater's image tools and are paid by the hour every week.",
    opened_days_ago=200,
    testers=60,
    fates={"left": 0.04},
    kinds={
        Kind.FEEDBACK_SESSION: 30,
        Kind.BUG_REPORT: 20,
        Kind.SURVEY: 8,
        Kind.EXPLORATION: 30,
        Kind.PROMOTION: 2,
        Kind.SHOWCASE_EVENT: 4,
        Kind.INTERVIEW: 6,
    },
    requested={
        Kind.FEEDBACK_SESSION: 1.0,
        Kind.SURVEY: 1.0,
        Kind.INTERVIEW: 1.0,
        Kind.SHOWCASE_EVENT: 1.0,
        Kind.PROMOTION: 1.0,
        Kind.BUG_REPORT: 0.5,
        Kind.EXPLORATION: 0.5,
    },
    topics=IMAGE_TOPICS,
    medium=Work.Medium.IMAGE,
    works_per_month=0.8,
    review=ReviewStyle(
        decided_share=1.0,
        latency_days=((0, 3, 1),),
        outcomes={Outcome.APPROVED: 60, Outcome.SHOWCASED: 20, Outcome.CHANGES_REQUESTED: 15, Outcome.REJECTED: 5},
        reason_share=1.0,
        second_decision_share=0.8,
    ),
    pay="weekly_cash",
    reference_hourly_rate=Decimal("60.00"),
    payment_terms_days=14,
    approval_sla_days=7,
    responsible_use_definition=(
        "Use the tools for your own original work. No likenesses of real people without their consent, "
        "no sexual content involving minors, no content meant to deceive about real events."
    ),
    confidential_content_definition=(
        "Unreleased features named in the weekly notes. Your own outputs are yours to show at any time."
    ),
    cohort_days=45,
    weekly_activity=((0.5, 3), (1.0, 4), (1.5, 2)),
    demo_artist_fate="active",
)

OTHERS = (
    ProgramSpec(
        org=OrgSpec("Quillstone", "quillstone", Decimal("4500000000"), "https://quillstone.example"),
        name="Quillstone Canvas Beta",
        slug="quillstone-canvas-beta",
        status=Program.Status.ACTIVE,
        description="Beta of the Quillstone Canvas image model. Testers are thanked in generation credits.",
        opened_days_ago=150,
        testers=80,
        fates={"revoked": 0.08, "left": 0.04},
        kinds={
            Kind.FEEDBACK_SESSION: 20,
            Kind.BUG_REPORT: 25,
            Kind.SURVEY: 10,
            Kind.EXPLORATION: 30,
            Kind.PROMOTION: 10,
            Kind.OTHER: 5,
        },
        requested={Kind.PROMOTION: 0.7, Kind.SURVEY: 1.0, Kind.FEEDBACK_SESSION: 0.5},
        topics=IMAGE_TOPICS,
        medium=Work.Medium.IMAGE,
        works_per_month=0.6,
        review=ReviewStyle(
            decided_share=0.85,
            latency_days=((1, 10, 2), (11, 25, 1)),
            outcomes={Outcome.APPROVED: 55, Outcome.REJECTED: 20, Outcome.CHANGES_REQUESTED: 20, Outcome.SHOWCASED: 5},
            reason_share=0.5,
        ),
        pay="monthly_credits",
        responsible_use_definition="No public figures, no explicit content, no trademarks.",
        promotion_required=True,
        cohort_days=60,
    ),
    ProgramSpec(
        org=OrgSpec("Vireo Audio GmbH", "vireo-audio", None, "https://vireo-audio.example"),
        name="Vireo Voice Studio Pilot",
        slug="vireo-voice-studio-pilot",
        status=Program.Status.ACTIVE,
        description="Voice actors and sound designers test Vireo's voice model for a fee paid per session.",
        opened_days_ago=300,
        testers=50,
        fates={"left": 0.06, "revoked": 0.04},
        kinds={
            Kind.FEEDBACK_SESSION: 25,
            Kind.BUG_REPORT: 20,
            Kind.SURVEY: 10,
            Kind.EXPLORATION: 30,
            Kind.INTERVIEW: 10,
            Kind.OTHER: 5,
        },
        requested={Kind.FEEDBACK_SESSION: 0.8, Kind.SURVEY: 1.0, Kind.INTERVIEW: 1.0},
        topics=AUDIO_TOPICS,
        medium=Work.Medium.AUDIO,
        works_per_month=0.4,
        review=ReviewStyle(
            decided_share=0.8,
            latency_days=((5, 20, 1), (21, 45, 1)),
            outcomes={Outcome.APPROVED: 60, Outcome.REJECTED: 20, Outcome.CHANGES_REQUESTED: 15, Outcome.SHOWCASED: 5},
            reason_share=0.6,
        ),
        pay="slow_cash",
        currency="EUR",
        reference_hourly_rate=Decimal("45.00"),
        approval_sla_days=21,
        responsible_use_definition="Only your own voice, or voices you hold written consent for.",
        confidential_content_definition="Model names, sample voices and pricing until the public launch.",
        cohort_days=90,
    ),
    ProgramSpec(
        org=OrgSpec("Tessellate Labs", "tessellate-labs", Decimal("300000000"), "https://tessellate.example"),
        name="Tessellate 3D Early Access",
        slug="tessellate-3d-early-access",
        status=Program.Status.ANNOUNCED,
        description="Announced early access to a text-to-3D model; a few testers started ahead of the rest.",
        opened_days_ago=20,
        testers=3,
        scaled=False,
        fates={"invited": 0.34},
        kinds={Kind.FEEDBACK_SESSION: 50, Kind.BUG_REPORT: 50},
        requested={Kind.FEEDBACK_SESSION: 1.0},
        topics=("mesh topology", "UV maps", "texture baking", "rigging"),
        medium=Work.Medium.MIXED,
        works_per_month=0.0,
        review=ReviewStyle(decided_share=0, latency_days=((1, 1, 1),), outcomes={Outcome.APPROVED: 1}, reason_share=0),
        pay="none",
        cohort_days=5,
    ),
    ProgramSpec(
        org=OrgSpec("Larkspur Pictures", "larkspur-pictures", Decimal("800000000"), "https://larkspur.example"),
        name="Larkspur Storyboard Pilot",
        slug="larkspur-storyboard-pilot",
        status=Program.Status.CLOSED,
        description="A six-month pilot of Larkspur's storyboard generator with a monthly stipend. It has ended.",
        opened_days_ago=480,
        closed_days_ago=300,
        testers=40,
        fates={"closed_out": 1.0},
        kinds={
            Kind.FEEDBACK_SESSION: 30,
            Kind.BUG_REPORT: 15,
            Kind.EXPLORATION: 40,
            Kind.SHOWCASE_EVENT: 5,
            Kind.INTERVIEW: 10,
        },
        requested={Kind.FEEDBACK_SESSION: 1.0, Kind.SHOWCASE_EVENT: 1.0, Kind.INTERVIEW: 1.0},
        topics=VIDEO_TOPICS,
        medium=Work.Medium.VIDEO,
        works_per_month=0.7,
        review=ReviewStyle(
            decided_share=0.95,
            latency_days=((1, 10, 1),),
            outcomes={Outcome.APPROVED: 60, Outcome.REJECTED: 15, Outcome.CHANGES_REQUESTED: 15, Outcome.SHOWCASED: 10},
            reason_share=0.8,
        ),
        pay="monthly_stipend",
        currency="GBP",
        reference_hourly_rate=Decimal("40.00"),
        responsible_use_definition="Storyboards for productions you work on; no real people's likenesses.",
        confidential_content_definition="Everything about the pilot until Larkspur announces it.",
        cohort_days=45,
    ),
)

PROGRAM_SPECS: tuple[ProgramSpec, ...] = (INCIDENT, FAIR, *OTHERS)


# Words for handles, names and titles.


def _words(text: str, separator: str | None = None) -> tuple[str, ...]:
    return tuple(text.split(separator))


ADJECTIVES = _words(
    "quiet amber brave bright calm clever copper crimson dusty eager early faded gentle gilded hidden hollow "
    "indigo ivory jade keen lucid lunar mellow misty nimble noble olive pale quick rapid rusty sable scarlet "
    "silent silver slow solar still stormy sunny swift tidal umber velvet vivid wild windy woven young"
)
NOUNS = _words(
    "heron otter lantern harbor meadow comet ember falcon fern glacier grove hare hollow kite lark lynx maple "
    "moth orchid owl pebble pine quill raven reef river robin sparrow spruce stone thistle tide valley wren "
    "willow atlas brush canvas frame lens reel sketch palette prism echo"
)
FIRST_NAMES = _words(
    "Ada Amara Ana Bea Carlos Chen Dara Elif Emeka Eva Farah Hana Ines Ivo Jonas Kai Lena Luca Mara Mei Nadia "
    "Noor Omar Priya Rafael Rosa Sami Sofia Tomas Yara Yusuf Zoe"
)
LAST_NAMES = _words(
    "Abe Adeyemi Alvarez Berg Costa Dubois Eriksen Fischer Garcia Haddad Ito Jansen Kim Kowalski Lopez Mensah "
    "Moreau Nakamura Novak Okafor Petrov Quinn Rossi Sato Silva Tanaka Varga Weber Yilmaz Zhou"
)
DISCIPLINES = ("animation", "illustration", "vfx", "music", "film", "photography", "3d", "motion design", "writing")
COUNTRIES = ("US", "US", "US", "GB", "FR", "DE", "CA", "BR", "MX", "JP", "KR", "IN", "NG", "ES", "IT", "NL", "SE", "AU")
WORK_WORDS = _words(
    "Tidal Memory|Paper Lanterns|Night Ferry|Glass Orchard|The Long Corridor|Salt and Static|Quiet Engines|"
    "Harbor Lights|Second Sunrise|Moth Season|Fog Choir|Velvet Weather|Last Tram Home|Copper Field|Small Hours|"
    "North of Here|Stone Garden|Borrowed Skies|Echo Valley|The Kite Maker",
    "|",
)

HOURS = {  # quarter hours a contribution of each kind takes: (fewest, most)
    Kind.FEEDBACK_SESSION: (2, 12),
    Kind.BUG_REPORT: (1, 6),
    Kind.SURVEY: (1, 4),
    Kind.EXPLORATION: (4, 32),
    Kind.PROMOTION: (2, 16),
    Kind.SHOWCASE_EVENT: (8, 32),
    Kind.INTERVIEW: (2, 8),
    Kind.OTHER: (1, 12),
}
TITLES = {
    Kind.FEEDBACK_SESSION: ("Feedback call: {topic}", "Group feedback session on {topic}", "Notes on {topic}"),
    Kind.BUG_REPORT: ("Bug: {topic} breaks on long prompts", "Bug: artefacts in {topic}", "Crash when using {topic}"),
    Kind.SURVEY: ("Survey: {topic}", "Monthly tester survey", "Survey on pricing and {topic}"),
    Kind.EXPLORATION: ("Exploring {topic}", "Test series: {topic}", "Pushing {topic} to its limits"),
    Kind.PROMOTION: ("Social post with preview clips", "Launch thread on {topic}", "Livestream showing {topic}"),
    Kind.SHOWCASE_EVENT: ("Live demo at a partner event", "Showcase panel on {topic}", "Festival screening Q&A"),
    Kind.INTERVIEW: ("User research interview", "Interview on {topic}", "Case study interview"),
    Kind.OTHER: ("Prompt guide on {topic}", "Tutorial draft: {topic}", "Workshop for other testers"),
}
REVOKE_REASONS = (
    "Shared preview outputs before the embargo lifted.",
    "No activity for sixty days.",
    "Breach of the confidentiality agreement.",
    "Posted a comparison with a competing model.",
)
LEFT_REASONS = (
    "Left the program to focus on client work.",
    "Left: the hours asked were more than I could give.",
    "Left after the terms changed.",
)
SUSPEND_REASONS = ("Account under review.", "Automated content filter review.")
DECISION_REASONS = {
    Outcome.APPROVED: ("Approved for the community gallery.", "Fine to share publicly.", "Approved as submitted."),
    Outcome.REJECTED: (
        "Depicts a recognisable public figure.",
        "Does not fit the launch campaign.",
        "Shows a known model artefact.",
    ),
    Outcome.CHANGES_REQUESTED: (
        "Please remove the visible artefact at the end.",
        "Credit the model in the caption.",
        "Trim to under one minute.",
    ),
    Outcome.SHOWCASED: ("Selected for the launch showcase.", "Featured on the home page.", "Picked for the reel."),
    Outcome.WITHDRAWN: ("Withdrawn by the artist.",),
}
# Which outcomes a second decision (after changes were requested) can have.
SECOND_OUTCOMES = {Outcome.APPROVED: 6, Outcome.REJECTED: 2, Outcome.SHOWCASED: 1}
FATE_STATUS = {
    "invited": Enrollment.Status.INVITED,
    "active": Enrollment.Status.ACTIVE,
    "suspended": Enrollment.Status.SUSPENDED,
    "revoked": Enrollment.Status.REVOKED,
    "left": Enrollment.Status.REVOKED,
    "mass_revoked": Enrollment.Status.REVOKED,
    "closed_out": Enrollment.Status.REVOKED,
}


# Small helpers for random but reproducible data.


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    if last <= first:
        return first
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _at(day: dt.date, rng: random.Random, first_hour: int = 8, last_hour: int = 22) -> dt.datetime:
    return dt.datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(first_hour, last_hour),
        rng.randint(0, 59),
        rng.randint(0, 59),
        tzinfo=dt.UTC,
    )


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)


def _poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def check_scale(scale: float) -> None:
    """Refuse a scale that is not a positive, finite number."""
    is_number = isinstance(scale, int | float | Decimal) and not isinstance(scale, bool)
    if not is_number or not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"--scale must be a positive number such as 1 or 0.5, not {scale!r}.")


def tester_count(spec: ProgramSpec, scale: float) -> int:
    if not spec.scaled:
        return spec.testers
    return max(MIN_SCALED_TESTERS, round(spec.testers * scale))


# Demo logins and artists.


def ensure_demo_logins() -> None:
    """Create the three demo users (again) with the known password; link the demo artist."""
    User = get_user_model()
    advocates, _ = Group.objects.get_or_create(name=ADVOCATES_GROUP)
    users = {}
    for role, username, password in DEMO_LOGINS:
        user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
        user.is_active = True
        user.is_staff = user.is_superuser = role == "staff"
        user.set_password(password)
        user.save()
        if role == "advocate":
            user.groups.add(advocates)
        users[role] = user
    artist = Artist.objects.filter(user=users["artist"]).first()
    if artist is None:
        artist, _ = Artist.objects.get_or_create(
            handle=DEMO_ARTIST, defaults={"disciplines": ["animation", "film"], "country": "FR"}
        )
        if artist.user_id is None:
            artist.user = users["artist"]
            artist.save(update_fields=["user"])


def _handle_pool(seed: int, size: int) -> list[str]:
    """`size` distinct pseudonymous handles, the same ones for the same seed."""
    rng = random.Random(f"{seed}:handles")
    pool: dict[str, None] = {}
    while len(pool) < size:
        adjective, noun = rng.choice(ADJECTIVES), rng.choice(NOUNS)
        shape = rng.randrange(4)
        if shape == 0:
            handle = f"{adjective}-{noun}-{rng.randint(10, 99)}"
        elif shape == 1:
            handle = f"{adjective}_{noun}"
        elif shape == 2:
            handle = f"{noun}.{rng.randint(100, 999)}"
        else:
            handle = f"{adjective}{noun}{rng.randint(1, 9)}"
        if handle != DEMO_ARTIST:
            pool[handle] = None
    return list(pool)


def _new_artist(seed: int, handle: str) -> Artist:
    rng = random.Random(f"{seed}:artist:{handle}")
    shows_name = rng.random() < 0.1
    return Artist(
        handle=handle,
        public_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if shows_name else "",
        show_public_name=shows_name,
        disciplines=sorted(rng.sample(DISCIPLINES, rng.randint(1, 3))),
        country=rng.choice(COUNTRIES),
    )


def _ensure_artists(seed: int, handles: list[str]) -> dict[str, Artist]:
    """The artists with these handles, creating those that do not exist yet."""
    wanted = {handle.lower(): handle for handle in handles}
    existing = {
        artist.handle.lower(): artist
        for artist in Artist.objects.alias(handle_lower=Lower("handle")).filter(handle_lower__in=list(wanted))
    }
    missing = [_new_artist(seed, handle) for key, handle in wanted.items() if key not in existing]
    Artist.objects.bulk_create(missing, batch_size=BATCH_SIZE)
    existing.update((artist.handle.lower(), artist) for artist in missing)
    return {handle: existing[handle.lower()] for handle in handles}


# One program's world.


@dataclass
class _Timeline:
    opened_on: dt.date
    last_day: dt.date  # the last day testers could work: yesterday, or the day the program closed
    decisions_until: dt.datetime  # the program stops deciding on works after this
    mass_revocation_at: dt.datetime | None
    yesterday: dt.date  # the last day anything is paid


@dataclass
class _Tester:
    enrollment: Enrollment
    events: list[AccessEvent] = field(default_factory=list)
    contributions: list[Contribution] = field(default_factory=list)
    works: list[Work] = field(default_factory=list)
    decisions: list[ApprovalDecision] = field(default_factory=list)
    works_from: dt.datetime | None = None
    works_until: dt.datetime | None = None
    last_day: dt.date | None = None  # the last day the tester could work
    pinned: bool = False


def _timeline(spec: ProgramSpec, today: dt.date) -> _Timeline:
    yesterday = today - dt.timedelta(days=1)
    opened_on = today - dt.timedelta(days=spec.opened_days_ago)
    last_day = today - dt.timedelta(days=spec.closed_days_ago) if spec.closed_days_ago else yesterday
    decisions_until = dt.datetime.combine(last_day, dt.time(12), tzinfo=dt.UTC) if spec.closed_days_ago else None
    mass_revocation_at = None
    if spec.revocation_days_ago:
        revocation_day = today - dt.timedelta(days=spec.revocation_days_ago)
        mass_revocation_at = dt.datetime.combine(revocation_day, dt.time(15), tzinfo=dt.UTC)
        # The program stopped reviewing work when it cut access.
        decisions_until = mass_revocation_at
    return _Timeline(opened_on, last_day, decisions_until or _end_of(yesterday), mass_revocation_at, yesterday)


def _fates(rng: random.Random, spec: ProgramSpec, count: int) -> list[str]:
    fates = []
    for fate, share in spec.fates.items():
        fates += [fate] * min(count - len(fates), max(1, round(share * count)) if share else 0)
    fates += ["active"] * (count - len(fates))
    rng.shuffle(fates)
    if spec.demo_artist_fate and spec.demo_artist_fate in fates:
        # The demo artist, tester 0, lives through what most testers of the program did.
        index = fates.index(spec.demo_artist_fate)
        fates[0], fates[index] = fates[index], fates[0]
    return fates


def _plan_access(rng: random.Random, spec: ProgramSpec, timeline: _Timeline, tester: _Tester, fate: str) -> dt.date:
    """Write the tester's access events; return the last day they could work."""
    enrollment = tester.enrollment
    events = tester.events

    def add(kind: str, at: dt.datetime, reason: str = "", notice_days: int | None = None, actor=None) -> None:
        events.append(
            AccessEvent(
                enrollment=enrollment,
                kind=kind,
                occurred_at=at,
                reason=reason,
                notice_days=notice_days,
                actor=actor or AccessEvent.Actor.PROGRAM,
            )
        )

    cohort_end = timeline.opened_on + dt.timedelta(days=spec.cohort_days)
    early = tester.pinned or rng.random() < 0.4
    last_invite_day = timeline.opened_on + dt.timedelta(days=6) if early else cohort_end
    invite_day = _day_between(rng, timeline.opened_on, min(last_invite_day, timeline.last_day))
    invited_at = _at(invite_day, rng, 9, 18)
    add(Event.INVITED, invited_at)
    enrollment.status = FATE_STATUS[fate]
    if fate == "invited":
        return invite_day - dt.timedelta(days=1)

    grant_day = min(invite_day + dt.timedelta(days=rng.randint(0, 4)), timeline.last_day)
    granted_at = (
        invited_at + dt.timedelta(hours=rng.randint(1, 3))
        if grant_day == invite_day
        else dt.datetime.combine(grant_day, dt.time.min, tzinfo=dt.UTC)
    )
    add(Event.GRANTED, granted_at)
    enrollment.granted_on = grant_day
    tester.works_from = granted_at

    # Any change of access comes before the mass revocation day, or before the last day.
    limit = timeline.mass_revocation_at.date() if timeline.mass_revocation_at else timeline.last_day
    last_day = timeline.last_day
    if fate == "mass_revoked":
        if rng.random() < 0.04 and grant_day + dt.timedelta(days=10) < limit - dt.timedelta(days=27):
            suspended_on = _day_between(rng, grant_day + dt.timedelta(days=10), limit - dt.timedelta(days=27))
            add(Event.SUSPENDED, _at(suspended_on, rng), rng.choice(SUSPEND_REASONS), 0)
            add(Event.REINSTATED, _at(suspended_on + dt.timedelta(days=rng.randint(2, 7)), rng), "Review cleared.")
        revoked_at = timeline.mass_revocation_at + dt.timedelta(minutes=rng.randint(0, 110), seconds=rng.randint(0, 59))
        add(Event.REVOKED, revoked_at, "", 0)
        last_day = revoked_at.date() - dt.timedelta(days=1)
    elif fate in ("revoked", "left", "suspended"):
        day = _day_between(rng, grant_day + dt.timedelta(days=21), limit - dt.timedelta(days=10))
        day = min(max(day, grant_day + dt.timedelta(days=1)), timeline.last_day)
        if fate == "revoked":
            add(Event.REVOKED, _at(day, rng, 9, 18), rng.choice(REVOKE_REASONS), rng.choice((0, 0, 7)))
        elif fate == "left":
            add(Event.REVOKED, _at(day, rng), rng.choice(LEFT_REASONS), 14, AccessEvent.Actor.ARTIST)
        else:
            add(Event.SUSPENDED, _at(day, rng, 9, 18), rng.choice(("", *SUSPEND_REASONS)), 0)
        last_day = day - dt.timedelta(days=1)
    elif fate == "closed_out":
        closing = dt.datetime.combine(timeline.last_day, dt.time(12), tzinfo=dt.UTC)
        add(Event.REVOKED, closing, "The pilot ended on its announced date.", 30)
        last_day = timeline.last_day - dt.timedelta(days=1)
    tester.works_until = _end_of(last_day)
    return last_day


def _plan_contributions(rng: random.Random, spec: ProgramSpec, tester: _Tester, last_day: dt.date) -> None:
    first_day = tester.enrollment.granted_on
    if first_day is None or last_day < first_day:
        return
    weeks = ((last_day - first_day).days + 1) / 7
    rates, weights = zip(*spec.weekly_activity, strict=True)
    rate = max(rates) if tester.pinned else rng.choices(rates, weights=weights)[0]
    days = sorted(_day_between(rng, first_day, last_day) for _ in range(_poisson(rng, rate * weeks)))
    for day in days:
        kind = _weighted(rng, spec.kinds)
        fewest, most = HOURS[kind]
        tester.contributions.append(
            Contribution(
                enrollment=tester.enrollment,
                kind=kind,
                title=rng.choice(TITLES[kind]).format(topic=rng.choice(spec.topics)),
                hours_spent=_money(Decimal(rng.randint(fewest, most)) / 4),
                occurred_on=day,
                requested_by_program=rng.random() < spec.requested.get(kind, 0),
            )
        )


def _decide(rng: random.Random, review: ReviewStyle, work: Work, after: dt.datetime, outcomes: dict):
    low, high, _ = rng.choices(review.latency_days, weights=[w for _, _, w in review.latency_days])[0]
    decided_at = after + dt.timedelta(days=rng.randint(low, high), hours=rng.randint(1, 20), minutes=rng.randint(0, 59))
    outcome = _weighted(rng, outcomes)
    reason = rng.choice(DECISION_REASONS[outcome]) if rng.random() < review.reason_share else ""
    return ApprovalDecision(work=work, outcome=outcome, decided_at=decided_at, reason=reason)


def _plan_works(rng: random.Random, spec: ProgramSpec, timeline: _Timeline, tester: _Tester) -> None:
    if tester.works_from is None or tester.works_until <= tester.works_from:
        return
    span = tester.works_until - tester.works_from
    mean = spec.works_per_month * span.days / 30 + (3 if tester.pinned else 0)
    for _ in range(_poisson(rng, mean)):
        submitted_at = tester.works_from + dt.timedelta(seconds=rng.randint(60, int(span.total_seconds())))
        work = Work(
            enrollment=tester.enrollment,
            title=f"{rng.choice(WORK_WORDS)}" + (f" (draft {rng.randint(2, 4)})" if rng.random() < 0.2 else ""),
            medium=spec.medium,
            submitted_at=submitted_at,
            status=Work.Status.PENDING,
        )
        tester.works.append(work)
        if rng.random() >= spec.review.decided_share:
            continue
        first = _decide(rng, spec.review, work, submitted_at, spec.review.outcomes)
        if first.decided_at > timeline.decisions_until:
            continue  # still waiting
        work.status, work.first_decided_at = first.outcome, first.decided_at
        tester.decisions.append(first)
        if first.outcome == Outcome.CHANGES_REQUESTED and rng.random() < spec.review.second_decision_share:
            second = _decide(rng, spec.review, work, first.decided_at, SECOND_OUTCOMES)
            if second.decided_at <= timeline.decisions_until:
                tester.decisions.append(second)


# Payment styles: each returns compensations with the parts they pay for each contribution.

Payment = tuple[Compensation, dict[Contribution, Decimal]]


def _by_hours(amount: Decimal, contributions: list[Contribution]) -> dict[Contribution, Decimal]:
    shares = split_by_hours(amount, contributions)
    return {c: shares[c.pk] for c in contributions}


def _hourly(contributions: Iterable[Contribution], rate: Decimal) -> dict[Contribution, Decimal]:
    return {c: _money(c.hours_spent * rate) for c in contributions}


def _by_month(contributions: list[Contribution]) -> dict[dt.date, list[Contribution]]:
    months: dict[dt.date, list[Contribution]] = defaultdict(list)
    for contribution in contributions:
        months[contribution.occurred_on.replace(day=1)].append(contribution)
    return months


def _month_end(first_of_month: dt.date) -> dt.date:
    return (first_of_month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _pay_incident(rng: random.Random, spec: ProgramSpec, timeline: _Timeline, testers: list[_Tester]) -> list[Payment]:
    """Free access for most, credits for some, a small cash thank-you for very few; never for promotion."""
    payments: list[Payment] = []
    granted = [t for t in testers if t.enrollment.granted_on]
    paid_in_cash = set(rng.sample(range(len(granted)), max(1, round(0.04 * len(granted)))))
    for index, tester in enumerate(granted):
        enrollment = tester.enrollment
        if rng.random() < 0.75:
            access = Compensation(
                enrollment=enrollment,
                kind=Pay.FREE_ACCESS,
                amount=Decimal("95.00"),
                paid_on=enrollment.granted_on,
                note="Free preview access, in place of the 95.00 a month studio plan.",
            )
            payments.append((access, {}))
        explorations = [c for c in tester.contributions if c.kind == Kind.EXPLORATION]
        if explorations and rng.random() < 0.3:
            paid_on = _day_between(rng, explorations[0].occurred_on, explorations[-1].occurred_on)
            amount = Decimal(rng.choice((50, 100))).quantize(CENT)
            paid_for = [c for c in explorations if c.occurred_on <= paid_on][-3:]
            credits = Compensation(
                enrollment=enrollment, kind=Pay.CREDITS, amount=amount, paid_on=paid_on, note="Render credits."
            )
            payments.append((credits, _by_hours(amount, paid_for)))
        thanked = [c for c in tester.contributions if c.kind in (Kind.INTERVIEW, Kind.SHOWCASE_EVENT, Kind.SURVEY)]
        if index in paid_in_cash and thanked:
            paid_for = thanked[:3]
            paid_on = paid_for[-1].occurred_on + dt.timedelta(days=rng.randint(20, 60))
            if paid_on <= timeline.yesterday:
                amount = Decimal(rng.choice((100, 150, 200, 250))).quantize(CENT)
                cash = Compensation(
                    enrollment=enrollment, kind=Pay.CASH, amount=amount, paid_on=paid_on, note="Thank-you payment."
                )
                payments.append((cash, _by_hours(amount, paid_for)))
    return payments


def _pay_weekly_cash(
    rng: random.Random, spec: ProgramSpec, timeline: _Timeline, testers: list[_Tester]
) -> list[Payment]:
    """Every week's hours at the reference rate, paid 7 to 10 days after the week began."""
    payments: list[Payment] = []
    for tester in testers:
        weeks: dict[dt.date, list[Contribution]] = defaultdict(list)
        for contribution in tester.contributions:
            day = contribution.occurred_on
            weeks[day - dt.timedelta(days=day.weekday())].append(contribution)
        for monday, paid_for in weeks.items():
            paid_on = monday + dt.timedelta(days=7 + rng.randint(0, 3))
            if paid_on > timeline.yesterday:
                continue  # not due yet
            parts = _hourly(paid_for, spec.reference_hourly_rate)
            note = f"Residency hours, week of {monday:%Y-%m-%d}."
            cash = Compensation(
                enrollment=tester.enrollment, kind=Pay.CASH, amount=sum(parts.values()), paid_on=paid_on, note=note
            )
            payments.append((cash, parts))
    return payments


def _pay_monthly_credits(
    rng: random.Random, spec: ProgramSpec, timeline: _Timeline, testers: list[_Tester]
) -> list[Payment]:
    """Generation credits after each month with work: counted, but not pay."""
    payments: list[Payment] = []
    for tester in testers:
        for month, paid_for in _by_month(tester.contributions).items():
            paid_on = _month_end(month) + dt.timedelta(days=rng.randint(1, 6))
            if paid_on > timeline.yesterday:
                continue
            amount = Decimal(rng.choice((20, 30, 50))).quantize(CENT)
            note = f"Generation credits for {month:%B %Y}."
            credits = Compensation(
                enrollment=tester.enrollment, kind=Pay.CREDITS, amount=amount, paid_on=paid_on, note=note
            )
            payments.append((credits, _by_hours(amount, paid_for)))
    return payments


def _pay_slow_cash(rng: random.Random, spec: ProgramSpec, timeline: _Timeline, testers: list[_Tester]) -> list[Payment]:
    """A session fee below the reference rate, paid months late, some months never."""
    payments: list[Payment] = []
    for tester in testers:
        for month, paid_for in _by_month(tester.contributions).items():
            paid_on = _month_end(month) + dt.timedelta(days=rng.randint(45, 120))
            if rng.random() < 0.2 or paid_on > timeline.yesterday:
                continue
            parts = _hourly(paid_for, Decimal("30.00"))
            note = f"Session fees for {month:%B %Y}."
            cash = Compensation(
                enrollment=tester.enrollment, kind=Pay.CASH, amount=sum(parts.values()), paid_on=paid_on, note=note
            )
            payments.append((cash, parts))
    return payments


def _pay_monthly_stipend(
    rng: random.Random, spec: ProgramSpec, timeline: _Timeline, testers: list[_Tester]
) -> list[Payment]:
    """A fixed stipend for every month of access, shared across that month's work."""
    payments: list[Payment] = []
    for tester in testers:
        if tester.enrollment.granted_on is None:
            continue
        months = _by_month(tester.contributions)
        month = tester.enrollment.granted_on.replace(day=1)
        while month <= tester.last_day:
            paid_on = _month_end(month) + dt.timedelta(days=rng.randint(5, 25))
            if paid_on > timeline.yesterday:
                break
            amount = Decimal("400.00")
            note = f"Pilot stipend for {month:%B %Y}."
            stipend = Compensation(
                enrollment=tester.enrollment, kind=Pay.STIPEND, amount=amount, paid_on=paid_on, note=note
            )
            payments.append((stipend, _by_hours(amount, months.get(month, []))))
            month = _month_end(month) + dt.timedelta(days=1)
    return payments


def _pay_nothing(rng: random.Random, spec: ProgramSpec, timeline: _Timeline, testers: list[_Tester]) -> list[Payment]:
    return []


PAYMENT_STYLES: dict[str, Callable[..., list[Payment]]] = {
    "incident": _pay_incident,
    "weekly_cash": _pay_weekly_cash,
    "monthly_credits": _pay_monthly_credits,
    "slow_cash": _pay_slow_cash,
    "monthly_stipend": _pay_monthly_stipend,
    "none": _pay_nothing,
}


def _program(spec: ProgramSpec, timeline: _Timeline) -> Program:
    organization, _ = Organization.objects.get_or_create(
        slug=spec.org.slug,
        defaults={"name": spec.org.name, "valuation_usd": spec.org.valuation_usd, "website": spec.org.website},
    )
    return Program.objects.create(
        name=spec.name,
        slug=spec.slug,
        organization=organization,
        status=spec.status,
        description=spec.description,
        opened_on=timeline.opened_on,
        closed_on=timeline.last_day if spec.closed_days_ago else None,
        currency=spec.currency,
        reference_hourly_rate=spec.reference_hourly_rate,
        payment_terms_days=spec.payment_terms_days,
        approval_sla_days=spec.approval_sla_days,
        responsible_use_definition=spec.responsible_use_definition,
        confidential_content_definition=spec.confidential_content_definition,
        promotion_required=spec.promotion_required,
    )


@transaction.atomic
def build_program(*, spec: ProgramSpec, seed: int, today: dt.date, handles: list[str], on_tester=None) -> Program:
    """Build one program's world: its testers, their access, work, pay and works, in bulk."""
    rng = random.Random(f"{seed}:{spec.slug}")
    timeline = _timeline(spec, today)
    program = _program(spec, timeline)
    artists = _ensure_artists(seed, handles)
    testers = []
    for index, (artist, fate) in enumerate(zip(artists.values(), _fates(rng, spec, len(handles)), strict=True)):
        tester = _Tester(Enrollment(program=program, artist=artist), pinned=index == 0 and artist.handle == DEMO_ARTIST)
        tester.last_day = _plan_access(rng, spec, timeline, tester, fate)
        _plan_contributions(rng, spec, tester, tester.last_day)
        _plan_works(rng, spec, timeline, tester)
        testers.append(tester)
        if on_tester:
            on_tester()

    def insert(model, rows):
        return model.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    insert(Enrollment, [t.enrollment for t in testers])
    insert(AccessEvent, [e for t in testers for e in t.events])
    insert(Contribution, [c for t in testers for c in t.contributions])
    insert(Work, [w for t in testers for w in t.works])
    insert(ApprovalDecision, [d for t in testers for d in t.decisions])
    payments = PAYMENT_STYLES[spec.pay](rng, spec, timeline, testers)
    insert(Compensation, [compensation for compensation, _ in payments])
    insert(
        CompensationAllocation,
        [
            CompensationAllocation(compensation=compensation, contribution=contribution, amount=amount)
            for compensation, parts in payments
            for contribution, amount in parts.items()
        ],
    )
    return program


# The whole world.


@dataclass(frozen=True)
class ProgramTotals:
    slug: str
    name: str
    testers: int
    contributions: int
    hours: Decimal
    works: int


@dataclass(frozen=True)
class DemoSummary:
    built: list[str]
    skipped: list[str]
    programs: list[ProgramTotals]

    @property
    def testers(self) -> int:
        return sum(p.testers for p in self.programs)

    @property
    def contributions(self) -> int:
        return sum(p.contributions for p in self.programs)

    @property
    def hours(self) -> Decimal:
        return sum((p.hours for p in self.programs), Decimal(0))

    @property
    def works(self) -> int:
        return sum(p.works for p in self.programs)


def _tester_handles(seed: int, scale: float) -> dict[str, list[str]]:
    """Who tests which program: drawn from one pool, so some artists test several programs."""
    counts = {spec.slug: tester_count(spec, scale) for spec in PROGRAM_SPECS}
    pool = _handle_pool(seed, max(max(counts.values()), round(sum(counts.values()) * 0.8)))
    chosen = {}
    for spec in PROGRAM_SPECS:
        rng = random.Random(f"{seed}:{spec.slug}:testers")
        pinned = [DEMO_ARTIST] if spec.demo_artist_fate else []
        chosen[spec.slug] = pinned + rng.sample(pool, counts[spec.slug] - len(pinned))
    return chosen


def world_totals() -> list[ProgramTotals]:
    """Testers, contributions, hours and works of each demo program in the database."""
    slugs = [spec.slug for spec in PROGRAM_SPECS]
    programs = Program.objects.filter(slug__in=slugs).annotate(testers=Count("enrollments"))
    work = {
        row["enrollment__program__slug"]: row
        for row in Contribution.objects.filter(enrollment__program__slug__in=slugs)
        .values("enrollment__program__slug")
        .annotate(count=Count("id"), hours=Sum("hours_spent"))
    }
    works = dict(
        Work.objects.filter(enrollment__program__slug__in=slugs)
        .values("enrollment__program__slug")
        .annotate(count=Count("id"))
        .values_list("enrollment__program__slug", "count")
    )
    by_slug = {
        p.slug: ProgramTotals(
            slug=p.slug,
            name=p.name,
            testers=p.testers,
            contributions=work.get(p.slug, {}).get("count", 0),
            hours=work.get(p.slug, {}).get("hours") or Decimal("0"),
            works=works.get(p.slug, 0),
        )
        for p in programs
    }
    return [by_slug[slug] for slug in slugs if slug in by_slug]


def analyze_built_tables() -> None:
    """Refresh the planner's statistics of the tables just filled. Without it the planner may
    still believe them empty (as autovacuum left them after earlier writes were rolled back)
    and choose nested loops over thousands of rows: the flag scan that follows seeding then
    ran for many minutes instead of a fraction of a second."""
    models = [get_user_model(), Artist, Organization, Program, Enrollment, AccessEvent, Contribution]
    models += [Compensation, CompensationAllocation, Work, ApprovalDecision]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models))


def build_demo_world(*, seed: int = DEFAULT_SEED, scale: float = 1, progress: bool = False) -> DemoSummary:
    """Build the demo world; programs that already exist (by slug) are left as they are."""
    check_scale(scale)
    today = timezone.localdate()
    ensure_demo_logins()
    handles = _tester_handles(seed, scale)
    existing = set(Program.objects.filter(slug__in=list(handles)).values_list("slug", flat=True))
    to_build = [spec for spec in PROGRAM_SPECS if spec.slug not in existing]
    with tqdm(
        total=sum(len(handles[spec.slug]) for spec in to_build), unit="tester", disable=not progress, leave=False
    ) as bar:
        for spec in to_build:
            bar.set_description(spec.slug)
            build_program(spec=spec, seed=seed, today=today, handles=handles[spec.slug], on_tester=bar.update)
    if to_build:
        analyze_built_tables()
    return DemoSummary(
        built=[spec.slug for spec in to_build],
        skipped=[spec.slug for spec in PROGRAM_SPECS if spec.slug in existing],
        programs=world_totals(),
    )
