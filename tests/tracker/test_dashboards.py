"""The program dashboard (/programs/<slug>/) and the organization page: figures from
tracker.metrics, the score point by point, charts as inline SVG, flags, terms, a date
range, CSV downloads, and the privacy floor everywhere."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from artists.models import ApprovalDecision
from artists.services import record_decision
from feedback.models import Contribution
from programs.models import Enrollment
from programs.services import revoke_many
from tests import factories
from tests.jobs.helpers import at, log_work, make_program, make_tester, make_testers, pay, submit
from tracker.charts import hours_panel, revocations_chart
from tracker.metrics import Metrics
from tracker.series import SeriesPoint
from tracker.services import run_scan

pytestmark = pytest.mark.django_db
HIDDEN = "Fewer than 5 artists have logged work here; figures are hidden to protect them."


@pytest.fixture
def fair_frames(settings):
    """Five testers, worked out by hand:

    - each logged 2 h of feedback on 2026-03-02; the fifth also 4 h of bug report on 2026-04-06:
      6 contributions, 14 hours;
    - the first four were paid 80 cash on 2026-03-12 (10 days later): 4 of 6 contributions
      (67 %), 8 of 14 hours (57 %), 320.00 USD, 22.86 USD/h against a reference of 40.00,
      fair value 560.00, pay gap 240.00, median 10 days to payment, 67 % within the terms;
      all of it is long due (terms 30 days), so the 6 unpaid hours are owed: 6 × 40 = 240.00;
    - two works submitted 2026-03-05 12:00: one approved a day later with a reason, one
      rejected three days later without: 50 % approved, 50 % rejected, 50 % with a reason,
      median wait 48 h, both within the 14-day promise;
    - no revocations, terms defined. Score: fair pay 1, fair approval 1, fair access 2,
      clear terms 2 = 6.

    Four paid artists and two with works are too few to publish (tests/security): these
    tests check what the page shows of each figure, so the privacy rules are off here.
    """
    settings.MIN_GROUP_SIZE = 1
    settings.DOMINANCE_SHARE = Decimal("1")
    program = make_program(
        name="Fair Frames", slug="fair-frames", reference_hourly_rate=Decimal("40.00"), description="A fair beta."
    )
    testers = make_testers(program, 5)
    for index, enrollment in enumerate(testers):
        contribution = log_work(enrollment, dt.date(2026, 3, 2))
        if index < 4:
            pay(enrollment, [contribution], dt.date(2026, 3, 12), amount="80.00")
    log_work(testers[4], dt.date(2026, 4, 6), kind=Contribution.Kind.BUG_REPORT, hours="4.00")
    approved = submit(testers[0], at("2026-03-05"))
    record_decision(
        work=approved, outcome=ApprovalDecision.Outcome.APPROVED, decided_at=at("2026-03-06"), reason="Lovely."
    )
    rejected = submit(testers[1], at("2026-03-05"))
    record_decision(work=rejected, outcome=ApprovalDecision.Outcome.REJECTED, decided_at=at("2026-03-08"))
    return program


def text(response) -> str:
    """The page's text, tags stripped and spaces squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_dashboard_shows_hand_checked_figures(client, fair_frames):
    response = client.get("/programs/fair-frames/")

    assert response.status_code == 200
    m = response.context["metrics"]
    assert (m.contributions, m.hours, m.cash_paid) == (6, Decimal("14.00"), Decimal("320.00"))
    assert m.fairness_score == 6
    page = text(response)
    for figure in [
        # 6 of 10 is the amber band; 22.86 is at least half of 40.00 but less than all of it.
        "Fairness score 6 / 10 ▲ Mixed",
        "Contributions 6",
        "Hours given 14 h",
        "Contributions paid for 67%",
        "Hours paid for 57%",
        "Owed to testers 240.00 USD 6 h of work past the program's own payment terms (30 days) with no cash paid "
        "for it, × 40.00 USD/h, the program's own rate. 0 h are not yet due",
        "Cash paid 320.00 USD by the day it was paid",
        "Hours not yet due 0 h",
        "Due hours paid for 57% of 14 h due",
        "Effective hourly rate 22.86 USD/h ▲ Below reference due work; reference 40.00 USD/h",
        "Fair value of the due hours 560.00 USD",
        "Pay gap 240.00 USD fair value − cash paid for due work (320.00 USD)",
        "Median time to payment 10 days",
        "Paid within the terms 67%",
        "Works submitted 2",
        "Approved 50%",
        "Rejected 50%",
        "Decisions with a reason 50%",
        "Wait for a decision 2 days",
        "Decided within the promise 100%",
        "Overdue works 0",
    ]:
        assert figure in page, figure


def test_the_score_breakdown_shows_all_ten_points_with_rule_figure_and_explanation(client, fair_frames):
    response = client.get("/programs/fair-frames/")

    page = text(response)
    points = response.context["metrics"].score_breakdown
    assert len(points) == 10
    for point in points:
        assert point.rule in page.replace("&#x27;", "'")
    assert page.count("✓ Earned") == 6
    assert page.count("✗ Not earned") == 4
    assert "Cash paid for 57% of due hours" in page
    assert "Only available once the first timely pay point is earned." in page
    assert "22.86 USD" in page  # the figure that lost fair pay 2


def test_the_dashboard_draws_its_charts_inline_without_scripts(client, fair_frames):
    page = client.get("/programs/fair-frames/").content.decode()

    assert page.count("<svg") == 3  # no revocations: that chart says so in words
    for title in [
        "Hours given and hours paid for, by month",
        "Contributions by kind",
        "How long works waited for a first decision",
    ]:
        assert f"<title>{title}</title>" in page
    assert "No tester has lost access." in page
    assert "<script" not in page
    assert not re.search(r"(src|href)=\"https?://", page)
    assert "The figures as a table" in page


def test_the_dashboard_lists_open_flags_linking_to_the_feed_and_the_terms(client, fair_frames):
    fair_frames.confidential_content_definition = ""
    fair_frames.save()
    run_scan(rules=["undefined_terms"])

    page = client.get("/programs/fair-frames/").content.decode()

    assert 'href="/flags/?program=fair-frames&amp;kind=undefined_terms"' in page
    assert "Undefined terms</a>: 1" in page
    assert "Pays within 30 days of the work" in page
    assert "Decides on a submitted work within 14 days" in page
    assert "No deepfakes of real people." in page
    assert '“Confidential content”</dt><dd><span class="warn">Not defined</span>' in page


def test_the_access_chart_shows_a_mass_revocation_as_a_spike(client, settings):
    settings.MIN_GROUP_SIZE = 5
    program = make_program(slug="sudden-stop")
    testers = make_testers(program, 12)
    for enrollment in testers:
        log_work(enrollment, dt.date(2026, 2, 2))
    revoke_many(enrollments=testers[:10], occurred_at=at("2026-05-06"))

    response = client.get("/programs/sudden-stop/")

    panel = next(panel for panel in response.context["charts"] if panel.slug == "revocations")
    # By month, the grid's finest cell (a week would straddle two months).
    assert "The most in one month: 10, in May 2026." in panel.summary
    assert ("May 2026", "10") in panel.rows
    assert "<title>Testers who lost access, by month</title>" in panel.svg


def test_a_suppressed_bucket_is_a_gap_with_a_note():
    points = [
        SeriesPoint(dt.date(2026, 3, 1), 9, Decimal("18"), Decimal("4"), 0, False, False),
        SeriesPoint(dt.date(2026, 4, 1), None, None, None, 0, True, False),
    ]
    metrics = Metrics(key="k", name="n", contributions=9, hours=Decimal("18"), compensated_hours=Decimal("4"))

    panel = hours_panel(points, metrics)

    assert panel.rows[1] == ("Apr 2026", "", "", "")
    assert "hidden, not zero" in panel.note
    assert "<svg" in panel.svg and "<script" not in panel.svg


def test_revocation_chart_leaves_hidden_months_blank():
    points = [
        SeriesPoint(dt.date(2026, 3, 1), 0, Decimal("0"), Decimal("0"), 12, False, False),
        SeriesPoint(dt.date(2026, 4, 1), 0, Decimal("0"), Decimal("0"), None, False, True),
    ]

    svg = revocations_chart(points)

    # One bar (12); the hidden month draws nothing rather than a zero-height bar.
    assert svg.count('class="rect reactive tooltip-trigger"') == 1


def test_a_period_narrows_the_figures(client, fair_frames):
    response = client.get("/programs/fair-frames/", {"period": "2026-03"})

    assert response.status_code == 200
    m = response.context["metrics"]
    assert (m.contributions, m.hours, m.period) == (5, Decimal("10.00"), "2026-03")  # the April bug report is outside
    assert "2026-03: contributions and the pay for them by the day the work occurred" in text(response)


def test_a_period_with_fewer_than_five_artists_hides_the_figures(client, fair_frames, settings):
    settings.MIN_GROUP_SIZE = 5
    response = client.get("/programs/fair-frames/", {"period": "2026-04"})

    assert response.status_code == 200
    assert response.context["metrics"].suppressed
    assert HIDDEN in response.content.decode()
    assert "<svg" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "2026-13"}, "“2026-13” is not a period. Use all, a year (2026), a quarter (2026-Q1) or a month"),
        ({"period": "last week"}, "“last week” is not a period."),
        ({"since": "2026-03-01"}, "Free date ranges are not offered"),
        ({"since": "2026-03-01", "until": "2026-03-02"}, "Use period=all, a year (2026)"),
    ],
)
def test_a_bad_period_or_a_free_range_is_a_400_with_the_reason(client, fair_frames, query, message):
    response = client.get("/programs/fair-frames/", query)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert response.context["metrics"] is None


def test_a_program_with_no_works_says_so(client, settings):
    settings.MIN_GROUP_SIZE = 5
    program = make_program(slug="no-works")
    for enrollment in make_testers(program, 5):
        log_work(enrollment, dt.date(2026, 2, 2))

    page = client.get("/programs/no-works/").content.decode()

    assert "No works recorded yet." in page
    assert page.count("<svg") == 2  # hours and kinds; latency and revocations say why not


def test_a_figure_with_no_data_is_a_dash_that_says_why(client, settings):
    settings.MIN_GROUP_SIZE = 5
    opened_on = timezone.localdate() - dt.timedelta(days=3)
    program = make_program(slug="just-started", opened_on=opened_on)
    for _ in range(5):
        log_work(make_tester(program, granted_on=opened_on), opened_on)

    page = text(client.get("/programs/just-started/"))

    # Nothing is older than the 30-day terms yet, and nothing was paid.
    assert "Paid within the terms — (No data: nothing has been recorded" in page
    assert "Median time to payment — (No data" in page
    assert 'title="No data: nothing has been recorded' in client.get("/programs/just-started/").content.decode()


def test_unlisted_and_unknown_programs_are_404(client):
    factories.ProgramFactory(slug="proposal", is_listed=False)

    assert client.get("/programs/proposal/").status_code == 404
    assert client.get("/programs/no-such-program/").status_code == 404


def test_a_program_of_four_artists_shows_no_figures_anywhere(client, settings):
    settings.MIN_GROUP_SIZE = 5
    # A named organization: a factory's "Organization 29" would contain a figure below.
    organization = factories.OrganizationFactory(name="Quiet Studio", slug="quiet-studio")
    program = make_program(name="Quiet Four", slug="quiet-four", organization=organization)
    for enrollment in make_testers(program, 4):
        contribution = log_work(enrollment, dt.date(2026, 2, 2), hours="7.25")
        pay(enrollment, [contribution], dt.date(2026, 2, 9), amount="123.45")
        submit(enrollment, at("2026-02-03"))

    response = client.get("/programs/quiet-four/")
    page = response.content.decode()
    assert HIDDEN in page
    assert "<svg" not in page
    assert not any(figure in page for figure in ["7.25", "29", "123.45", "493.8", "4 / 10"])
    assert "charts" not in response.context and "flag_counts" not in response.context

    download = client.get("/programs/quiet-four/", {"format": "csv"}).content.decode()
    rows = {row["field"]: row["value"] for row in csv.DictReader(io.StringIO(download))}
    assert rows["suppressed_reason"] == HIDDEN
    assert rows["hours"] == rows["cash_paid"] == rows["artists"] == rows["fairness_score"] == ""
    assert not any(key.startswith("score.") for key in rows)

    home = client.get("/", {"format": "csv"}).content.decode()
    assert "7.25" not in home and "123.45" not in home


def test_the_dashboard_downloads_as_field_value_csv_with_the_score_points(client, fair_frames):
    response = client.get("/programs/fair-frames/", {"format": "csv", "period": "2026"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="program-fair-frames.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == ["field", "value", "earned", "rule", "explanation"]
    values = {row["field"]: row["value"] for row in rows}
    assert values["period"] == "2026"
    assert values["slug"] == "fair-frames"
    assert values["hours"] == "14.00"
    assert values["cash_paid"] == "320.00"
    assert values["compensated_share"] == "0.6667"
    assert values["effective_hourly_rate"] == "22.86"
    assert values["contributions_by_kind.bug_report"] == "1"
    assert values["fairness_score"] == "6"
    points = [row for row in rows if row["field"].startswith("score.")]
    assert [row["field"] for row in points[:2]] == ["score.fair_pay.1", "score.fair_pay.2"]
    assert len(points) == 10
    assert points[0]["earned"] == "true" and points[1]["earned"] == "false"
    assert points[1]["value"] == "22.86"
    assert points[1]["rule"] == "The effective hourly rate of due work is at least the reference rate"
    owed = (values["owed"], values["hours_not_yet_due"], values["cash_paid_for_due_work"])
    assert owed == ("240.00", "0.00", "320.00")


@pytest.mark.parametrize("contributions", [10, 100])
def test_the_dashboard_queries_do_not_grow_with_the_contributions(
    client, settings, django_assert_max_num_queries, contributions
):
    settings.MIN_GROUP_SIZE = 5
    program = make_program(slug="busy")
    testers = make_testers(program, 5)
    for index in range(contributions):
        enrollment = testers[index % 5]
        contribution = log_work(enrollment, dt.date(2026, 1, 5) + dt.timedelta(days=index % 150))
        if index % 3 == 0:
            pay(enrollment, [contribution], dt.date(2026, 6, 30))
        if index % 10 == 0:
            submit(enrollment, at("2026-03-01"))
    factories.ProgramFactory.create_batch(3)

    # The figures (9), who is behind them for the privacy rules (6), what pools of programs
    # need of them (4: tracker.pooled), the versions, the series and the page, its findings
    # and unpaid work counted once, the audit trail's context, and the organization's
    # replies beside the figures.
    with django_assert_max_num_queries(39):
        response = client.get("/programs/busy/")

    assert response.context["metrics"].contributions == contributions


# -- the organization page ---------------------------------------------------------------


@pytest.fixture
def studio(settings):
    settings.MIN_GROUP_SIZE = 5
    organization = factories.OrganizationFactory(name="Northwind Studio", slug="northwind")
    big = make_program(name="Northwind Canvas", slug="northwind-canvas", organization=organization)
    for enrollment in make_testers(big, 5):
        contribution = log_work(enrollment, dt.date(2026, 2, 2), hours="3.00")
        pay(enrollment, [contribution], dt.date(2026, 2, 20), amount="150.00")
    small = make_program(name="Northwind Sound", slug="northwind-sound", organization=organization)
    for enrollment in make_testers(small, 2):
        log_work(enrollment, dt.date(2026, 2, 2), hours="5.00")
    make_program(name="Elsewhere", slug="elsewhere")
    return organization


def test_the_organization_page_pools_its_programs_and_lists_them(client, studio):
    response = client.get("/organizations/northwind/")

    assert response.status_code == 200
    m = response.context["metrics"]
    # Pooled over the programs above the floor only: Northwind Sound (2 artists) is left out,
    # or its hidden hours would be the pooled total minus Northwind Canvas's. 5 × 3 h, 750.00 paid.
    assert (m.artists, m.hours, m.cash_paid) == (5, Decimal("15.00"), Decimal("750.00"))
    assert [row.program.name for row in response.context["rows"]] == ["Northwind Canvas", "Northwind Sound"]
    page = text(response)
    assert "Hours given 15 h" in page
    assert "750 USD" in page
    assert "Elsewhere" not in page
    assert HIDDEN in page  # Northwind Sound, 2 artists


def test_the_organization_table_sorts_and_filters_by_status(client, studio):
    response = client.get("/organizations/northwind/", {"sort": "-name"})
    assert [row.program.name for row in response.context["rows"]] == ["Northwind Sound", "Northwind Canvas"]

    response = client.get("/organizations/northwind/", {"status": "closed"})
    assert response.context["rows"] == []
    assert "No program matches these filters" in response.content.decode()

    assert client.get("/organizations/northwind/", {"sort": "secret"}).status_code == 400


def test_the_organization_table_downloads_as_csv(client, studio):
    response = client.get("/organizations/northwind/", {"format": "csv"})

    assert response["Content-Disposition"] == 'attachment; filename="organization-northwind-programs.csv"'
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}
    assert set(rows) == {"northwind-canvas", "northwind-sound"}
    assert rows["northwind-canvas"]["cash_paid"] == "750.00"
    assert rows["northwind-sound"]["hours"] == ""
    assert rows["northwind-sound"]["suppressed_reason"] == HIDDEN


def test_unlisted_and_unknown_organizations_are_404(client):
    factories.OrganizationFactory(slug="pending-org", is_listed=False)

    assert client.get("/organizations/pending-org/").status_code == 404
    assert client.get("/organizations/nobody/").status_code == 404


def test_the_privacy_and_methodology_pages_show_the_projects_own_documents(client):
    privacy = client.get("/privacy/")
    methodology = client.get("/methodology/")

    assert privacy.status_code == methodology.status_code == 200
    assert "<h1>How the figures protect the artists behind them</h1>" in privacy.content.decode()
    assert "Complementary suppression" in privacy.content.decode()
    assert 'href="/methodology/"' in privacy.content.decode()  # links between the documents work on the site
    assert "Methodology version 5" in methodology.content.decode()
    # Every page's footer links to both and states the methodology version.
    home = client.get("/").content.decode()
    assert 'href="/privacy/"' in home and 'href="/methodology/"' in home and "methodology version 5" in home


def test_chart_summaries_write_whole_hours_as_numbers():
    from tracker.charts import _number

    assert (_number(Decimal("10.00")), _number(Decimal("2.50")), _number(Decimal("1234.25"))) == (
        "10",
        "2.5",
        "1,234.25",
    )


def test_the_program_page_says_how_many_artists_await_verification(client, fair_frames, settings):
    settings.MIN_GROUP_SIZE = 5  # fewer than five waiting are "a few", not a count
    for _ in range(2):
        make_tester(fair_frames, verification=Enrollment.Verification.PENDING)
    assert "A few testers' logs await verification" in text(client.get("/programs/fair-frames/"))

    for _ in range(4):
        make_tester(fair_frames, verification=Enrollment.Verification.PENDING)
    assert "6 testers' logs await verification" in text(client.get("/programs/fair-frames/"))
