"""What the demo world is made of: each program's spec, and the words, titles and reasons its rows are drawn from."""

from dataclasses import dataclass
from decimal import Decimal

from artists.models import ApprovalDecision, Work
from feedback.models import Compensation, Contribution
from programs.models import AccessEvent, Enrollment, Program

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
    # Testers whose evidence still waits for a reviewer: PENDING_SHARE of them, at least this many.
    min_pending: int = 0
    demo_artist_pending: bool = False  # the demo artist's own evidence waits here, to try the flow


# Most testers are verified; about this share have sent evidence a reviewer has not seen yet.
PENDING_SHARE = 0.05

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
    min_pending=5,
)

FAIR = ProgramSpec(
    org=OrgSpec("Brightwater Studio", "brightwater-studio", Decimal("1200000000"), "https://brightwater.example"),
    name="Brightwater Image Residency",
    slug=FAIR_SLUG,
    status=Program.Status.ACTIVE,
    description="A paid residency: artists test Brightwater's image tools and are paid by the hour every week.",
    opened_days_ago=200,
    testers=60,
    # Enough testers leave (with a reason and two weeks' notice) for the revocation figures,
    # and so the score, to be public: with two, they would be withheld (docs/privacy.md).
    fates={"left": 0.12},
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
    demo_artist_pending=True,
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
# The notes testers give reviewers as evidence that they were testers.
EVIDENCE_NOTES = (
    "The invitation email from {org} of {day}.",
    "Screenshot of my tester role in the {org} Discord.",
    "The welcome email for {program} with my tester account name.",
    "The NDA I signed for {program}, dated {day}.",
    "Calendar invitation to the {program} onboarding call on {day}.",
)
DEMO_ARTIST_EVIDENCE = "The invitation email of {day}; I can forward it to a reviewer on request."

FATE_STATUS = {
    "invited": Enrollment.Status.INVITED,
    "active": Enrollment.Status.ACTIVE,
    "suspended": Enrollment.Status.SUSPENDED,
    "revoked": Enrollment.Status.REVOKED,
    "left": Enrollment.Status.REVOKED,
    "mass_revoked": Enrollment.Status.REVOKED,
    "closed_out": Enrollment.Status.REVOKED,
}
