"""Fairness metrics (docs/metrics.md), computed in the database.

`program_metrics()` gives one `Metrics` per program (or per organization, or one for the
platform) in a fixed number of queries, whatever the number of programs, contributions
or works: each query (in tracker.metric_queries) aggregates one kind of record grouped by
the program (organization). The privacy floor is applied here and only here
(`_apply_floor`): every page, export and endpoint reads metrics through these functions, so
none can forget it.

A ratio with a zero denominator is None, never 0. Money is Decimal in the program's
currency; a group that mixes currencies has no single money figure (see
`cash_paid_by_currency`). docs/metrics.md defines every figure and score point.
"""

import datetime as dt
from dataclasses import dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import (
    QuerySet,
)
from django.utils import timezone

from feedback.models import Contribution
from programs.models import Program
from programs.selectors import listed_programs
from tracker import metric_queries as queries
from tracker import privacy
from tracker.periods import ALL, Period
from tracker.pooled import pooled_parts, program_grouped, program_parts
from tracker.score import score_points

CENT = Decimal("0.01")


def ratio(numerator, denominator, places: int = 4) -> float | None:
    """numerator / denominator, or None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(float(numerator) / float(denominator), places)


def money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Metrics:
    """Every figure for one program, organization or the platform."""

    key: str
    name: str
    artists: int = 0
    suppressed: bool = False
    suppressed_reason: str = ""

    testers_active: int | None = 0
    testers_revoked: int | None = 0
    testers_ever_granted: int | None = 0
    revocation_rate: float | None = None

    contributions: int | None = 0
    contributions_by_kind: dict | None = field(default_factory=dict)
    hours: Decimal | None = Decimal("0")
    compensated_contributions: int | None = 0
    compensated_hours: Decimal | None = Decimal("0")
    compensated_share: float | None = None
    compensated_hours_share: float | None = None

    currency: str | None = None
    cash_paid: Decimal | None = Decimal("0")
    other_value: Decimal | None = Decimal("0")
    cash_paid_by_currency: dict | None = field(default_factory=dict)
    reference_hourly_rate: Decimal | None = None
    # Pay is judged on due work: contributions whose payment terms have passed.
    hours_due: Decimal | None = Decimal("0")
    hours_not_yet_due: Decimal | None = Decimal("0")
    compensated_due_hours_share: float | None = None
    cash_paid_for_due_work: Decimal | None = Decimal("0")
    effective_hourly_rate: Decimal | None = None
    fair_value: Decimal | None = None
    pay_gap: Decimal | None = None
    owed: Decimal | None = None
    owed_by_currency: dict | None = field(default_factory=dict)
    owed_hours: Decimal | None = Decimal("0")
    owed_contributions: int | None = 0
    median_days_to_payment: float | None = None
    contributions_older_than_terms: int | None = 0
    paid_within_terms: int | None = 0
    paid_within_terms_share: float | None = None
    unpaid_over_90_days_past_due: int | None = 0

    works_submitted: int | None = 0
    works_decided: int | None = 0
    approval_rate: float | None = None
    rejection_rate: float | None = None
    showcase_rate: float | None = None
    decisions: int | None = 0
    decisions_with_reason_share: float | None = None
    approval_latency_median_hours: float | None = None
    approval_latency_p90_hours: float | None = None
    overdue_works: int | None = 0
    decided_within_sla: int | None = 0
    decided_within_sla_share: float | None = None
    # Showcase concentration (docs/metrics.md): artists with a showcased work, and the share
    # of the showcased works that the top tenth of them hold.
    showcased_artists: int | None = 0
    showcase_top_tenth_share: float | None = None

    revocations: int | None = 0
    revocations_without_reason: int | None = 0
    revocations_short_notice: int | None = 0
    mass_revocations: int | None = 0
    requested_promotion_unpaid: int | None = 0
    open_flags: dict | None = field(default_factory=dict)
    terms_defined: bool | None = None

    fairness_score: int | None = None
    score_breakdown: list | None = field(default_factory=list)

    # Per figure: how many verified artists are behind it (its first basis), or, for a
    # withheld figure, why it is withheld (tracker.privacy).
    figure_artists: dict = field(default_factory=dict)
    withheld: dict = field(default_factory=dict)
    period: str = "all"

    # Figures that stay visible below the privacy floor: they describe the program, not artists.
    # (Not even the number of artists: "2 artists" is itself a figure about those two.)
    PUBLIC = frozenset(
        {"key", "name", "suppressed", "suppressed_reason", "currency", "terms_defined", "withheld", "period"}
    )


# The figures a table of programs can be sorted by: the pages' ?sort= and the API's ?ordering=.
SORTABLE_FIGURES = (
    "fairness_score",
    "testers_active",
    "testers_revoked",
    "revocation_rate",
    "contributions",
    "hours",
    "compensated_share",
    "compensated_hours_share",
    "cash_paid",
    "hours_not_yet_due",
    "effective_hourly_rate",
    "fair_value",
    "pay_gap",
    "owed",
    "median_days_to_payment",
    "paid_within_terms_share",
    "works_submitted",
    "approval_rate",
    "rejection_rate",
    "showcase_rate",
    "decisions_with_reason_share",
    "approval_latency_median_hours",
    "approval_latency_p90_hours",
    "overdue_works",
    "decided_within_sla_share",
    "revocations",
    "revocations_without_reason",
)


def showcase_concentration(works_by_artist: dict[int, int]) -> tuple[int, float | None]:
    """(artists with a showcased work, share of the showcased works held by the top
    ceil(10 %) of them). The top tenth is taken by showcased works, most first, ties broken by
    artist id (the lower first): artists tied at the cut hold as many works each, so which of
    them is taken never changes the share."""
    ordered = sorted(works_by_artist.items(), key=lambda item: (-item[1], item[0]))
    top = ordered[: privacy.top_tenth_size(len(ordered))]
    return len(ordered), ratio(sum(works for _, works in top), sum(works_by_artist.values()))


def suppressed_reason(artist_count: int) -> str:
    """Why an aggregate is hidden, or "" when it may be shown (the privacy floor)."""
    if artist_count < settings.MIN_GROUP_SIZE:
        return (
            f"Fewer than {settings.MIN_GROUP_SIZE} artists have logged work here; figures are hidden to protect them."
        )
    return ""


def _apply_floor(metrics: Metrics) -> Metrics:
    """The privacy floor, in one place: below MIN_GROUP_SIZE artists every figure is None."""
    reason = suppressed_reason(metrics.artists)
    if not reason:
        return metrics
    hidden = {f.name: None for f in fields(Metrics) if f.name not in Metrics.PUBLIC}
    return replace(metrics, suppressed=True, suppressed_reason=reason, withheld={}, **hidden)


# -- assembling -----------------------------------------------------------------------


def _assemble(key, name, programs: list[Program], parts: dict, disclosures: dict, flagged: dict) -> Metrics:
    def part(name_):
        return parts[name_].get(key) or {}

    artists, testers, work, pay = part("artists"), part("testers"), part("contributions"), part("payments")
    works, decisions, revocations, flags = part("works"), part("decisions"), part("revocations"), part("flags")

    currencies = {p.currency for p in programs}
    currency = currencies.pop() if len(currencies) == 1 else None
    cash_by_currency = {c: money(v) for c, v in sorted((pay.get("cash") or {}).items())}
    # A pool's owed figures come from the programs whose own owed figure is shown (`_pooled`).
    pooled_owed = parts["owed"].get(key, {}) if "owed" in parts else None
    other_by_currency = {c: money(v) for c, v in sorted((pay.get("other") or {}).items())}
    hours = work.get("hours") or Decimal("0")
    m = Metrics(key=key, name=name, artists=artists.get("artists", 0), currency=currency)

    m.testers_active = testers.get("testers_active", 0)
    m.testers_revoked = testers.get("testers_revoked", 0)
    m.testers_ever_granted = testers.get("testers_ever_granted", 0)
    m.revocation_rate = ratio(m.testers_revoked, m.testers_ever_granted)

    m.contributions = work.get("contributions", 0)
    m.contributions_by_kind = {kind: work.get(f"kind_{kind}", 0) for kind in Contribution.Kind.values}
    by_kind = parts["kind_artists"].get(key) or {}
    kind_artists = {kind: by_kind.get(kind, 0) for kind in Contribution.Kind.values}
    m.hours = hours
    m.compensated_contributions = work.get("compensated_contributions", 0)
    m.compensated_hours = work.get("compensated_hours") or Decimal("0")
    m.compensated_share = ratio(m.compensated_contributions, m.contributions)
    m.compensated_hours_share = ratio(m.compensated_hours, hours)
    median_days = work.get("median_days_to_payment")
    m.median_days_to_payment = round(median_days, 1) if median_days is not None else None
    m.contributions_older_than_terms = work.get("contributions_older_than_terms", 0)
    m.paid_within_terms = work.get("paid_within_terms", 0)
    m.paid_within_terms_share = ratio(m.paid_within_terms, m.contributions_older_than_terms)
    m.unpaid_over_90_days_past_due = work.get("unpaid_over_90_days_past_due", 0)
    m.requested_promotion_unpaid = work.get("requested_promotion_unpaid", 0)
    hours_due = work.get("hours_due") or Decimal("0.00")
    m.hours_due = hours_due
    m.hours_not_yet_due = work.get("hours_not_yet_due") or Decimal("0.00")
    m.compensated_due_hours_share = ratio(work.get("compensated_due_hours") or 0, hours_due)
    # A program's owed figures come with its contribution figures; a pool's from its own query.
    owed = work if pooled_owed is None else pooled_owed
    m.owed_hours = owed.get("owed_hours") or Decimal("0.00")
    m.owed_contributions = owed.get("owed_contributions", 0)
    if pooled_owed is None:
        owed_by_currency = {currency: work.get("owed")} if currency else {}
    else:
        owed_by_currency = pooled_owed.get("owed_by_currency", {})
    m.owed_by_currency = {c: money(v) for c, v in sorted(owed_by_currency.items()) if v}

    m.cash_paid_by_currency = cash_by_currency
    if currency is not None:
        m.cash_paid = cash_by_currency.get(currency, money(0))
        m.other_value = other_by_currency.get(currency, money(0))
        rates = {p.effective_reference_rate for p in programs}
        m.reference_hourly_rate = money(rates.pop()) if len(rates) == 1 else None
        m.cash_paid_for_due_work = money(work.get("cash_paid_for_due_work"))
        m.fair_value = money(work.get("fair_value"))
        m.pay_gap = max(money(0), m.fair_value - m.cash_paid_for_due_work)
        m.effective_hourly_rate = money(m.cash_paid_for_due_work / hours_due) if hours_due else None
        m.owed = m.owed_by_currency.get(currency, money(0))
    else:
        m.cash_paid = m.other_value = m.fair_value = m.pay_gap = m.owed = m.cash_paid_for_due_work = None

    m.works_submitted = works.get("works_submitted", 0)
    m.works_decided = works.get("works_decided", 0)
    m.approval_rate = ratio(works.get("approved", 0), m.works_decided)
    m.rejection_rate = ratio(works.get("rejected", 0), m.works_decided)
    m.showcase_rate = ratio(works.get("ever_showcased", 0), m.works_submitted)
    for name_ in ("approval_latency_median_hours", "approval_latency_p90_hours"):
        value = works.get(name_)
        setattr(m, name_, round(value, 1) if value is not None else None)
    m.overdue_works = works.get("overdue_works", 0)
    m.decided_within_sla = works.get("decided_within_sla", 0)
    m.decided_within_sla_share = ratio(m.decided_within_sla, m.works_decided + m.overdue_works)
    m.showcased_artists, m.showcase_top_tenth_share = showcase_concentration(parts["showcased"].get(key) or {})
    m.decisions = decisions.get("decisions", 0)
    m.decisions_with_reason_share = ratio(decisions.get("decisions_with_reason", 0), m.decisions)

    m.revocations = revocations.get("revocations", 0)
    m.revocations_without_reason = revocations.get("revocations_without_reason", 0)
    m.revocations_short_notice = revocations.get("revocations_short_notice", 0)
    m.open_flags = dict(sorted(flags.get("open_flags", {}).items()))
    m.mass_revocations = flags.get("mass_revocations", 0)
    m.terms_defined = all(p.terms_defined for p in programs) if programs else None

    m.score_breakdown = score_points(m)
    m.fairness_score = sum(1 for point in m.score_breakdown if point.earned)
    return _apply_floor(privacy.withhold(m, disclosures, flagged, kind_artists))


# Which bases decide whether a program's records join a pooled query (tracker.privacy): a
# program whose pay figures are withheld adds nothing to the pooled pay figures, so a pool
# minus the programs shown beside it reveals nothing.
PART_BASES = {
    "testers": ("testers",),
    "contributions": ("contributors", "due", "not_yet_due", "compensated", "compensated_due", "owed", "paid"),
    "payments": ("contributors", "due", "not_yet_due", "compensated", "compensated_due", "owed", "paid"),
    "works": ("submitters", "deciders"),
    "decisions": ("submitters", "deciders"),
    "revocations": ("revoked",),
}
BASIS_PART = {basis: part for part, bases in PART_BASES.items() for basis in bases}
# Parts pooled over the programs whose own figure of that name is shown, the basis of the same
# name deciding with the others of the figure: a pool's owed figures and its showcase
# concentration (over the programs whose showcased_artists are shown).
OWN_PARTS = {"owed": "owed", "showcased": "showcased_artists"}


def _query_all(ids: dict[str, list[int]], group: str, period: Period, now: dt.datetime) -> dict:
    today = now.date()
    pooled = {}
    if group != "program":
        # A pool's owed figures, per currency, over the programs whose own owed figure is shown,
        # and its showcased works per artist (a program's come from its activity, `showcased`).
        pooled["owed"] = queries.owed(ids["owed"], group, period, today)
        pooled["showcased"] = queries.showcased(ids["showcased"], group, period)
    return {
        **pooled,
        "artists": queries.artists(ids["artists"], group, period),
        "testers": queries.testers(ids["testers"], group),
        "contributions": queries.contributions(ids["contributions"], group, period, today),
        "kind_artists": queries.kind_artists(ids["contributions"], group, period),
        "payments": queries.payments(ids["payments"], group, period),
        "works": queries.works(ids["works"], group, period, now),
        "decisions": queries.decisions(ids["decisions"], group, period),
        "revocations": queries.revocations(ids["revocations"], group),
        "flags": queries.flags(ids["flags"], group, now),
    }


def showcased(activity: dict, period: Period) -> dict[int, int]:
    """{artist: works of theirs ever showcased} of one program in the period, from what the
    privacy rules already read (queries.activity): no query of its own."""
    return activity["showcased"].per_artist(period) if "showcased" in activity else {}


def _disclosures(activity: dict, period: Period) -> dict[str, privacy.Disclosure]:
    return {
        name: activity[name].disclose(period) if name in activity else privacy.Disclosure(basis, 0, True, True)
        for name, basis in privacy.BASES.items()
    }


def program_metrics(
    programs: QuerySet[Program] | None = None, *, period: Period = ALL, now: dt.datetime | None = None
) -> list[Metrics]:
    """One Metrics per program (listed programs by default), in a fixed number of queries."""
    now = now or timezone.now()
    if programs is None:
        programs = listed_programs()
    programs = list(programs.select_related("organization").order_by("name"))
    ids = [p.pk for p in programs]
    parts = _query_all(dict.fromkeys((*PART_BASES, *OWN_PARTS, "artists", "flags"), ids), "program", period, now)
    activity, flagged = queries.activity(ids, now.date()), queries.flagged_artists(ids)
    parts["showcased"] = {pk: showcased(activity.get(pk, {}), period) for pk in ids}
    # Assembled by id (the group key), then known by slug.
    return [
        replace(
            _assemble(p.pk, p.name, [p], parts, _disclosures(activity.get(p.pk, {}), period), flagged.get(p.pk, {})),
            key=p.slug,
            period=period.label,
        )
        for p in programs
    ]


def metrics_from_parts(program: Program, parts, period: Period) -> Metrics:
    """A program's Metrics from its parts (tracker.pooled.ProgramParts): the same as
    program_metrics computes from the records."""
    grouped = program_grouped(program.pk, parts)
    metrics = _assemble(program.pk, program.name, [program], grouped, parts.disclosures, parts.flagged)
    return replace(metrics, key=program.slug, period=period.label)


def metrics_for_program(program: Program, *, period: Period = ALL, now: dt.datetime | None = None) -> Metrics:
    return program_metrics(Program.objects.filter(pk=program.pk), period=period, now=now)[0]


def _pooled(
    key, name: str, programs: list[Program], group: str, period: Period, now: dt.datetime | None, *, live: bool = False
) -> Metrics:
    """Figures pooled (not averaged) over programs: each part over the programs whose own
    figures of that part are shown, so no withheld figure can be had by subtraction.

    They are added up from each program's cached parts (tracker.pooled); `live=True`
    computes them from the records instead, as the tests that compare the two do."""
    parts_of = program_parts(programs, period, now)
    now = now or timezone.now()
    per_program = {p.pk: parts_of[p.pk].disclosures for p in programs}

    def shown(pk: int, bases) -> bool:
        """The program has verified artists behind this part, and its figures of it are shown."""
        disclosures = [per_program[pk][b] for b in bases]
        return any(d.artists for d in disclosures) and all(d.counts_shown and d.money_shown for d in disclosures)

    ids = {part: [p.pk for p in programs if shown(p.pk, bases)] for part, bases in PART_BASES.items()}
    for part, figure in OWN_PARTS.items():
        ids[part] = [p.pk for p in programs if shown(p.pk, privacy.FIGURE_BASES[figure])]
    ids["artists"] = sorted({pk for part_ids in ids.values() for pk in part_ids})
    ids["flags"] = ids["testers"]
    parts = _query_all(ids, group, period, now) if live else pooled_parts(key, parts_of, ids)
    disclosures = {}
    for basis_name, basis in privacy.BASES.items():
        included = ids[basis_name if basis_name in OWN_PARTS else BASIS_PART[basis_name]]
        artists = frozenset().union(*(parts_of[pk].basis_artists[basis_name] for pk in included))
        left_out = any(per_program[p.pk][basis_name].artists and p.pk not in included for p in programs)
        empty = not artists and left_out
        disclosures[basis_name] = privacy.Disclosure(basis, len(artists), not empty, not empty)
    pooled_flags = {"open_flags": {}, "mass_revocations": 0}
    flagged: dict[str, int] = {}
    for pk in ids["flags"]:
        own, counts = parts_of[pk].flags, parts_of[pk].flagged
        for kind, number in own.get("open_flags", {}).items():
            if kind not in privacy.ARTIST_FLAG_KINDS or not privacy.below_floor(counts.get(kind, 0)):
                pooled_flags["open_flags"][kind] = pooled_flags["open_flags"].get(kind, 0) + number
                flagged[kind] = flagged.get(kind, 0) + counts.get(kind, 0)
        pooled_flags["mass_revocations"] += own.get("mass_revocations", 0)
    parts["flags"] = {key: pooled_flags}
    pooled = [p for p in programs if p.pk in ids["artists"]]
    return replace(_assemble(key, name, pooled, parts, disclosures, flagged), period=period.label)


def organization_metrics(
    organization, *, period: Period = ALL, now: dt.datetime | None = None, live: bool = False
) -> Metrics:
    """One Metrics over an organization's listed programs (figures pooled, not averaged)."""
    programs = list(listed_programs().filter(organization=organization))
    pooled = _pooled(organization.pk, organization.name, programs, "organization", period, now, live=live)
    return replace(pooled, key=organization.slug)


def platform_metrics(*, period: Period = ALL, now: dt.datetime | None = None, live: bool = False) -> Metrics:
    """One Metrics over every listed program (money only by currency when they differ)."""
    pooled = _pooled(None, "All programs", list(listed_programs()), "platform", period, now, live=live)
    return replace(pooled, key="platform")
