"""The privacy rules, in one place (docs/privacy.md).

The adversary is the program itself: it knows its testers and the dates and hours of what
it asked for, can open accounts and can query every public door. So:

- Only **verified** enrollments count (tracker.metric_queries filters every query): accounts
  opened to lift a program over the floor lift nothing.
- **Per figure:** every figure is drawn from a *basis*, the distinct verified artists behind
  it (the contributors for contribution figures, the paid artists for payment figures, the
  submitters for work figures …). A figure whose basis has fewer than `MIN_GROUP_SIZE`
  artists is withheld; a money or hours figure in which two artists account for more than
  `DOMINANCE_SHARE` of the total is withheld too. A basis with no artist at all hides
  nothing: its figures are 0 or null and are shown.
- **No differencing:** figures exist only on the grid of periods (tracker.periods). For each
  program and basis, `withheld_cells` decides which cells of the grid are withheld so that
  whatever a reader subtracts (a year minus its shown months, all time minus its shown
  years) is drawn from at least `MIN_GROUP_SIZE` artists and is not dominated by two
  (complementary suppression). Pooled figures (an organization, the platform) add up only
  the programs whose cell is shown, so a pool minus its shown programs is nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.conf import settings

from tracker.periods import ALL, Period, quarter_of, year_of

# The version of the definitions in docs/metrics.md and docs/privacy.md: it goes up whenever
# a definition changes, and every page and stats answer states it (docs/metrics.md has the
# changelog).
METHODOLOGY_VERSION = "5"


@dataclass(frozen=True)
class Basis:
    name: str
    who: str  # the artists it counts, for messages: "… verified {who} …"
    by_period: bool  # drawn from records of the period (else from every record)
    money: bool  # its money or hours figures are subject to the dominance rule


BASES = {
    basis.name: basis
    for basis in (
        Basis("testers", "testers", by_period=False, money=False),
        Basis("contributors", "artists logged work", by_period=True, money=True),
        Basis("due", "artists' work came due for pay", by_period=True, money=True),
        Basis("not_yet_due", "artists logged work not yet due for pay", by_period=True, money=True),
        Basis("compensated", "artists were paid for work", by_period=True, money=True),
        Basis("compensated_due", "artists were paid for due work", by_period=True, money=True),
        Basis("owed", "artists are owed pay for due work", by_period=True, money=True),
        Basis("paid", "artists received payments", by_period=True, money=True),
        Basis("submitters", "artists submitted works", by_period=True, money=False),
        Basis("deciders", "artists received decisions", by_period=True, money=False),
        # What each artist puts in is their number of showcased works: a count, but the
        # dominance rule applies to it as to a total (docs/metrics.md, "Showcase concentration").
        Basis("showcased", "artists had works showcased", by_period=True, money=True),
        Basis("revoked", "artists lost access", by_period=False, money=False),
    )
}

# Each figure and the bases it is drawn from (all must be shown for the figure to be). The
# contributions of a period split into due and not-yet-due work, and due work into paid and
# owed: a total is shown only when its parts are safe too, or a reader could subtract a
# shown part from it to get a withheld one.
WHOLE = ("contributors", "due", "not_yet_due")
DUE = ("due", "compensated_due", "owed")
OWED = ("owed", "due", "compensated_due")
FIGURE_BASES = {
    "testers_active": ("testers",),
    "testers_revoked": ("testers",),
    "testers_ever_granted": ("testers",),
    "revocation_rate": ("testers",),
    "contributions": WHOLE,
    "contributions_by_kind": WHOLE,
    "hours": WHOLE,
    "compensated_contributions": ("compensated", *WHOLE),
    "compensated_hours": ("compensated", *WHOLE),
    "compensated_share": ("compensated", *WHOLE),
    "compensated_hours_share": ("compensated", *WHOLE),
    "median_days_to_payment": ("compensated",),
    "hours_due": ("due",),
    "hours_not_yet_due": ("not_yet_due",),
    "fair_value": ("due",),
    "contributions_older_than_terms": ("due",),
    "compensated_due_hours_share": DUE,
    "cash_paid_for_due_work": DUE,
    "effective_hourly_rate": DUE,
    "pay_gap": DUE,
    "paid_within_terms": DUE,
    "paid_within_terms_share": DUE,
    "owed": OWED,
    "owed_by_currency": OWED,
    "owed_hours": OWED,
    "owed_contributions": OWED,
    "unpaid_over_90_days_past_due": OWED,
    "requested_promotion_unpaid": OWED,
    "cash_paid": ("paid",),
    "other_value": ("paid",),
    "cash_paid_by_currency": ("paid",),
    "works_submitted": ("submitters",),
    "showcase_rate": ("submitters",),
    "overdue_works": ("submitters",),
    "showcased_artists": ("showcased", "submitters"),
    "showcase_top_tenth_share": ("showcased", "submitters"),
    "works_decided": ("deciders", "submitters"),
    "approval_rate": ("deciders",),
    "rejection_rate": ("deciders",),
    "decisions": ("deciders",),
    "decisions_with_reason_share": ("deciders",),
    "approval_latency_median_hours": ("deciders",),
    "approval_latency_p90_hours": ("deciders",),
    "decided_within_sla": ("deciders", "submitters"),
    "decided_within_sla_share": ("deciders", "submitters"),
    "revocations": ("revoked",),
    "revocations_without_reason": ("revoked",),
    "revocations_short_notice": ("revoked",),
}
# Money and hours figures: withheld when two artists dominate their total.
MONEY_FIGURES = frozenset(
    {
        "hours",
        "hours_due",
        "hours_not_yet_due",
        "fair_value",
        "compensated_hours",
        "compensated_hours_share",
        "compensated_due_hours_share",
        "cash_paid",
        "other_value",
        "cash_paid_by_currency",
        "cash_paid_for_due_work",
        "effective_hourly_rate",
        "pay_gap",
        "owed",
        "owed_by_currency",
        "owed_hours",
        # Not money, but a share of a total that the top artists hold: withheld when two
        # artists hold more than DOMINANCE_SHARE of the showcased works.
        "showcase_top_tenth_share",
    }
)

FLAGGED = Basis("flagged", "artists are behind these flags", by_period=False, money=False)

# Per artist, what they put into a basis in one month (hours, an amount, a count).
MonthData = dict[Period, dict[int, Decimal]]


def floor_reason(basis: Basis) -> str:
    return (
        f"Withheld: fewer than {settings.MIN_GROUP_SIZE} verified {basis.who} here, so the figure could point "
        "at one of them."
    )


def dominance_reason(basis: Basis) -> str:
    return (
        f"Withheld: two artists account for more than {settings.DOMINANCE_SHARE:.0%} of this total, so it "
        "would tell what they did."
    )


def _totals(data: MonthData, months: Iterable[Period]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    for month in months:
        for artist, value in data.get(month, {}).items():
            totals[artist] = totals.get(artist, Decimal("0")) + Decimal(value)
    return totals


def below_floor(artists: int) -> bool:
    """A non-empty group smaller than the floor; an empty group hides nothing."""
    return 0 < artists < settings.MIN_GROUP_SIZE


def dominated(totals: dict[int, Decimal]) -> bool:
    """The (2, DOMINANCE_SHARE) rule: the two largest contributors to a total hold more than
    DOMINANCE_SHARE of it."""
    total = sum(totals.values(), Decimal("0"))
    if total <= 0:
        return False
    top_two = sum(sorted(totals.values(), reverse=True)[:2], Decimal("0"))
    return top_two / total > Decimal(str(settings.DOMINANCE_SHARE))


def sensitive(data: MonthData, months: Iterable[Period], *, money: bool) -> bool:
    totals = _totals(data, months)
    return below_floor(len(totals)) or (money and dominated(totals))


def withheld_cells(data: MonthData, *, money: bool) -> frozenset[Period]:
    """The cells of the grid (months, quarters, years, all time) withheld for one program and
    one basis, given what each artist put in each month.

    First, every cell that is itself sensitive. Then, coarse cells from the finest up: a shown
    cell minus its shown sub-cells and shown months leaves the sum of the withheld months in
    what remains of it (its "region"); while that sum is sensitive, the smallest shown month
    of the region is withheld too; when none is left, the smallest shown sub-cell is withheld
    (which widens the region), and only when there is none the cell itself. Coarse cells
    (all time, a year) are the ones people cite, so they are the last to go.
    """
    months = sorted(data)
    hidden = {month for month in months if sensitive(data, [month], money=money)}
    withheld: set[Period] = set()
    shown_coarse: list[Period] = []
    levels = (
        sorted({quarter_of(month) for month in months}),
        sorted({year_of(month) for month in months}),
        [ALL] if months else [],
    )
    for cells in levels:
        for cell in cells:
            inside = [month for month in months if cell.contains_month(month)]
            if sensitive(data, inside, money=money):
                withheld.add(cell)
                continue
            while True:
                inner_shown = [sub for sub in shown_coarse if sub != cell and _within(sub, cell)]
                region = [month for month in inside if not any(sub.contains_month(month) for sub in inner_shown)]
                region_hidden = [month for month in region if month in hidden]
                if not region_hidden or not sensitive(data, region_hidden, money=money):
                    shown_coarse.append(cell)
                    break
                candidates = [month for month in region if month not in hidden]
                if candidates:
                    # Withhold the smallest shown month of the region as well.
                    hidden.add(min(candidates, key=lambda month: (len(data[month]), month)))
                elif inner_shown:
                    # Every month of the region is withheld: widen it by withholding the
                    # smallest shown part of the cell instead of the cell itself.
                    smallest = min(inner_shown, key=lambda sub: (len(_totals(data, _months_in(sub, inside))), sub))
                    shown_coarse.remove(smallest)
                    withheld.add(smallest)
                else:
                    withheld.add(cell)
                    break
    return frozenset(hidden | withheld)


def _months_in(cell: Period, months: list[Period]) -> list[Period]:
    return [month for month in months if cell.contains_month(month)]


def _within(inner: Period, outer: Period) -> bool:
    if outer.year is None:
        return True
    if inner.year != outer.year:
        return False
    return outer.quarter is None and outer.month is None


@dataclass(frozen=True)
class Disclosure:
    """What may be published of one basis in one cell: how many verified artists are behind
    it, and whether its counts and its money/hours figures are shown."""

    basis: Basis
    artists: int
    counts_shown: bool
    money_shown: bool

    def reason(self, figure: str) -> str:
        if not self.counts_shown:
            return floor_reason(self.basis)
        if figure in MONEY_FIGURES and not self.money_shown:
            return dominance_reason(self.basis)
        return ""


class BasisActivity:
    """What each verified artist put into one basis of one program: per month for a basis
    drawn by period, in total otherwise. Knows which cells of the grid it withholds."""

    def __init__(self, basis: Basis, months: MonthData | None = None, whole: dict[int, Decimal] | None = None):
        self.basis = basis
        self.months = months or {}
        self.whole = whole or {}

    @cached_property
    def counts_withheld(self) -> frozenset[Period]:
        return withheld_cells(self.months, money=False)

    @cached_property
    def money_withheld(self) -> frozenset[Period]:
        return withheld_cells(self.months, money=self.basis.money)

    def artists_in(self, period: Period) -> set[int]:
        if not self.basis.by_period:
            return set(self.whole)
        return set(_totals(self.months, [month for month in self.months if period.contains_month(month)]))

    def per_artist(self, period: Period) -> dict[int, int]:
        """What each artist put into the basis in the period, as whole numbers (a count)."""
        months = [month for month in self.months if period.contains_month(month)]
        return {artist: int(value) for artist, value in _totals(self.months, months).items()}

    def disclose(self, period: Period) -> Disclosure:
        if not self.basis.by_period:
            artists = len(self.whole)
            counts_shown = not below_floor(artists)
            money_shown = counts_shown and not (self.basis.money and dominated(self.whole))
            return Disclosure(self.basis, artists, counts_shown, money_shown)
        artists = len(self.artists_in(period))
        if not artists:
            return Disclosure(self.basis, 0, counts_shown=True, money_shown=True)
        return Disclosure(
            self.basis,
            artists,
            counts_shown=period not in self.counts_withheld,
            money_shown=period not in self.counts_withheld and period not in self.money_withheld,
        )


# The figures the fairness score is built from: it is withheld when any of them is.
SCORE_FIGURES = (
    "compensated_due_hours_share",
    "effective_hourly_rate",
    "paid_within_terms_share",
    "unpaid_over_90_days_past_due",
    "decided_within_sla_share",
    "decisions_with_reason_share",
    "revocations",
    "revocations_without_reason",
    "revocations_short_notice",
    "requested_promotion_unpaid",
)
# Flags about one artist's records; the others (mass revocation, undefined terms) are about
# the program and are public as they are.
ARTIST_FLAG_KINDS = frozenset(
    {
        "unpaid_feedback",
        "uncompensated_promotion",
        "revoked_with_unpaid_work",
        "revoked_without_reason",
        "approval_overdue",
    }
)


def withheld_kinds(artists: dict[str, int]) -> list[str]:
    """The parts of a split (contributions by kind) to withhold, given how many artists are
    behind each: those below the floor, then, while the largest of them is below the floor
    (so the withheld parts together may be too), the smallest shown part as well. Counts
    stand in for the sets of artists here, so this errs on the side of withholding."""
    hidden = [kind for kind, count in artists.items() if below_floor(count)]
    while hidden and max(artists[kind] for kind in hidden) < settings.MIN_GROUP_SIZE:
        shown = [kind for kind, count in artists.items() if count and kind not in hidden]
        if not shown:
            break
        hidden.append(min(shown, key=lambda kind: (artists[kind], kind)))
    return hidden


def withhold(m, disclosures: dict[str, Disclosure], flagged: dict[str, int], kind_artists: dict[str, int]):
    """Withhold each figure of `m` (a tracker.metrics.Metrics) whose basis is below the floor
    or dominated, and say for each shown figure how many verified artists are behind it. A
    count of open flags about artists' records is withheld below the floor of the artists it
    is about; the score is withheld when a figure it is built from is."""
    withheld, counts = {}, {}
    for figure, bases in FIGURE_BASES.items():
        reasons = [disclosures[basis].reason(figure) for basis in bases]
        reason = next((reason for reason in reasons if reason), "")
        if reason:
            withheld[figure] = reason
            counts[figure] = None
            setattr(m, figure, None)
        else:
            counts[figure] = disclosures[bases[0]].artists
    if m.contributions_by_kind is not None:
        # The kinds split the contributions: the shown total minus the shown kinds gives the
        # withheld ones together, so they must be drawn from enough artists too.
        for kind in withheld_kinds(kind_artists):
            m.contributions_by_kind[kind] = None
            withheld[f"contributions_by_kind.{kind}"] = floor_reason(BASES["contributors"])
    open_flags = {}
    for kind, number in (m.open_flags or {}).items():
        if kind in ARTIST_FLAG_KINDS and below_floor(flagged.get(kind, 0)):
            withheld[f"open_flags.{kind}"] = floor_reason(FLAGGED)
        else:
            open_flags[kind] = number
    m.open_flags = open_flags
    score_withheld = [figure for figure in SCORE_FIGURES if figure in withheld]
    if score_withheld:
        withheld["fairness_score"] = (
            "Withheld: the score is built from figures withheld here (" + ", ".join(score_withheld) + ")."
        )
        m.fairness_score, m.score_breakdown = None, None
    single = top_tenth_size(disclosures["showcased"].artists) == 1 and settings.MIN_GROUP_SIZE > 1
    if m.showcase_top_tenth_share is not None and single:
        # One artist's showcased works out of all of them: with the total (showcase_rate ×
        # works_submitted), their own count. (A floor of 1 publishes one artist's figures.)
        withheld["showcase_top_tenth_share"] = SINGLE_TOP_REASON
        counts["showcase_top_tenth_share"] = None
        m.showcase_top_tenth_share = None
    m.withheld, m.figure_artists = withheld, counts
    return m


SINGLE_TOP_REASON = (
    "Withheld: the top tenth of the showcased artists is a single artist, so the share would tell how many "
    "works of theirs were showcased."
)


def top_tenth_size(artists: int) -> int:
    """How many artists the top tenth of `artists` is: ceil(10 %), exactly (no float)."""
    return -(-artists // 10)
