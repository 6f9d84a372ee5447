"""Building the demo world: the demo logins and artists, each program bulk-inserted in one transaction,
and the totals the command prints."""

import datetime as dt
import math
import random
from dataclasses import dataclass
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
from programs.models import AccessEvent, Enrollment, EnrollmentEvidence, Organization, Program, VerificationDecision
from tracker.demo.payments import PAYMENT_STYLES
from tracker.demo.plan import (
    Tester,
    Timeline,
    plan_access,
    plan_contributions,
    plan_fates,
    plan_pending,
    plan_timeline,
    plan_verification,
    plan_works,
)
from tracker.demo.specs import (
    ADJECTIVES,
    ADVOCATES_GROUP,
    BATCH_SIZE,
    COUNTRIES,
    DEFAULT_SEED,
    DEMO_ARTIST,
    DEMO_LOGINS,
    DISCIPLINES,
    FIRST_NAMES,
    LAST_NAMES,
    MIN_SCALED_TESTERS,
    NOUNS,
    PROGRAM_SPECS,
    ProgramSpec,
)

# Scale.


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


def _program(spec: ProgramSpec, timeline: Timeline) -> Program:
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
    timeline = plan_timeline(spec, today)
    program = _program(spec, timeline)
    artists = _ensure_artists(seed, handles)
    testers = []
    for index, (artist, fate) in enumerate(zip(artists.values(), plan_fates(rng, spec, len(handles)), strict=True)):
        tester = Tester(Enrollment(program=program, artist=artist), pinned=index == 0 and artist.handle == DEMO_ARTIST)
        tester.last_day = plan_access(rng, spec, timeline, tester, fate)
        plan_contributions(rng, spec, tester, tester.last_day)
        plan_works(rng, spec, timeline, tester)
        testers.append(tester)
        if on_tester:
            on_tester()
    # Drawn apart, so that the rest of the world is what it was before verification existed.
    verification_rng = random.Random(f"{seed}:{spec.slug}:verification")
    pending = plan_pending(verification_rng, spec, testers)
    for index, tester in enumerate(testers):
        plan_verification(verification_rng, spec, timeline, tester, pending=index in pending)

    def insert(model, rows):
        return model.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    insert(Enrollment, [t.enrollment for t in testers])
    insert(AccessEvent, [e for t in testers for e in t.events])
    insert(EnrollmentEvidence, [e for t in testers for e in t.evidence])
    insert(VerificationDecision, [d for t in testers for d in t.verification_decisions])
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
    models += [EnrollmentEvidence, VerificationDecision]
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
