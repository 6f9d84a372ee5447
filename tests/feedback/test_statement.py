"""The artist's statement of unpaid work for one program (feedback.statement, its page and
its PDF): the rows, the totals and the payments worked out by hand, the default rate, the
same figure as the ledger's "owed", the PDF's text, and who may see it."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from artists.models import Artist
from feedback.models import Contribution
from feedback.owed import with_owed
from feedback.services import record_compensation
from feedback.statement import SENDS_NOTHING, statement_for
from programs.models import Enrollment
from tests import factories

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def log(enrollment, hours: str, ago: int, **fields) -> Contribution:
    return factories.ContributionFactory(
        enrollment=enrollment, hours_spent=Decimal(hours), occurred_on=days_ago(ago), **fields
    )


def words(text: str) -> str:
    return " ".join(text.split())


def pdf_text(content: bytes) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


@pytest.fixture(autouse=True)
def default_rate(settings):
    """The platform default, chosen so that rounding to cents is visible."""
    settings.FAIR_HOURLY_RATE = Decimal("40.01")


@pytest.fixture
def me(client):
    artist = factories.ArtistFactory(handle="mira")
    client.force_login(artist.user)
    return artist


@pytest.fixture
def world(me):
    """Worked by hand.

    Clay Studio (USD, publishes 40.00/h, pays within 30 days, requires promotion, defines
    "responsible use" but not "confidential content"); mira's enrollment is unverified (her
    own records all the same). Today is T:
      A 3.5 h  T-60, feedback session, unpaid              -> due, owed
      B 2 h    T-45, promotion the program requested       -> due, owed
      C 4 h    T-50, paid 20.00 cash (below the rate)      -> paid: not on the statement
      D 1.25 h T-40, "paid" only with 100.00 of credits    -> due, owed (credits are not pay)
      E 1 h    T-30 (pay due by T: the last day of terms)  -> not yet due
      F 2.5 h  T-10                                        -> not yet due
    Due and unpaid: A, B, D = 3.5 + 2 + 1.25 = 6.75 h; 6.75 × 40.00 = 270.00 USD.
    Not yet due: E, F = 2 contributions, 3.5 h; the first to be paid by T (E).
    Paid: 20.00 USD cash on T-20 for 1 contribution. Not pay: 100.00 USD credits on T-15.

    Another artist in Clay Studio: 9 h T-90 unpaid, never on mira's statement.
    """
    program = factories.ProgramFactory(
        name="Clay Studio",
        slug="clay-studio",
        currency="USD",
        reference_hourly_rate=Decimal("40.00"),
        payment_terms_days=30,
        approval_sla_days=14,
        promotion_required=True,
        responsible_use_definition="No deepfakes of real people.",
        opened_on=days_ago(200),
    )
    enrollment = factories.EnrollmentFactory(
        program=program, artist=me, granted_on=days_ago(150), verification=Enrollment.Verification.UNVERIFIED
    )
    rows = {
        "A": log(enrollment, "3.5", 60, title="Weekly feedback call"),
        "B": log(enrollment, "2", 45, kind="promotion", title="Launch-day post", requested_by_program=True),
        "C": log(enrollment, "4", 50, title="Stress test"),
        "D": log(enrollment, "1.25", 40, kind="bug_report", title="Export crash"),
        "E": log(enrollment, "1", 30, title="Survey on pricing"),
        "F": log(enrollment, "2.5", 10, title="Motion study"),
    }
    record_compensation(
        enrollment=enrollment, kind="cash", amount=Decimal("20.00"), paid_on=days_ago(20), contributions=[rows["C"]]
    )
    record_compensation(
        enrollment=enrollment, kind="credits", amount=Decimal("100.00"), paid_on=days_ago(15), contributions=[rows["D"]]
    )
    log(factories.EnrollmentFactory(program=program), "9", 90, title="Someone else's session")
    return {"program": program, "enrollment": enrollment, **rows}


def test_the_statement_lists_each_due_unpaid_contribution_and_the_total_at_the_programs_rate(me, world):
    statement = statement_for(me, "clay-studio")

    assert [(line.occurred_on, line.kind, line.title, line.hours) for line in statement.due_unpaid] == [
        (days_ago(60), "Feedback session", "Weekly feedback call", Decimal("3.50")),
        (days_ago(45), "Promotion", "Launch-day post", Decimal("2.00")),
        (days_ago(40), "Bug report", "Export crash", Decimal("1.25")),
    ]
    assert [line.due_on for line in statement.due_unpaid] == [days_ago(30), days_ago(15), days_ago(10)]
    assert statement.due_unpaid[1].requested_by_program
    assert statement.owed.hours_due_unpaid == Decimal("6.75")
    assert statement.owed.amount == Decimal("270.00")
    assert statement.owed.rate == Decimal("40.00") and statement.owed.rate_is_the_programs
    assert statement.total_sentence == "3 contributions, 6.75 hours × 40.00 USD = 270.00 USD"
    assert statement.rate_sentence == "40.00 USD per hour: the reference hourly rate the program published."


def test_work_not_yet_due_is_shown_apart_with_when_it_falls_due(me, world):
    statement = statement_for(me, "clay-studio")

    assert [line.title for line in statement.not_yet_due] == ["Survey on pricing", "Motion study"]
    assert statement.owed.unpaid_hours_not_yet_due == Decimal("3.50")
    assert statement.not_yet_due_sentence == (
        "Not yet due: 2 more unpaid contributions, 3.50 hours, still within the payment terms; "
        f"the first of them is to be paid by {timezone.localdate().isoformat()}."
    )


def test_cash_is_listed_as_paid_and_credits_apart_as_not_pay(me, world):
    statement = statement_for(me, "clay-studio")

    assert [(p.paid_on, p.kind, p.amount, p.contributions) for p in statement.payments] == [
        (days_ago(20), "Cash", Decimal("20.00"), 1)
    ]
    assert [(p.paid_on, p.kind, p.amount, p.contributions) for p in statement.not_pay] == [
        (days_ago(15), "Credits", Decimal("100.00"), 1)
    ]
    assert statement.cash_paid == Decimal("20.00")
    assert statement.other_value == Decimal("100.00")


def test_the_terms_are_the_programs_own_and_say_what_it_did_not_publish(me, world):
    terms = {term.label: term for term in statement_for(me, "clay-studio").terms}

    assert terms["Reference hourly rate"].value == "40.00 USD per hour"
    assert terms["Payment terms"].value == "Pays for work within 30 days of the day it was done"
    assert terms["Approval promise"].value == "Decides on a submitted work within 14 days"
    assert terms["Promotion required"].value == "Yes"
    assert terms["“Responsible use” defined as"].value == "No deepfakes of real people."
    assert terms["“Confidential content” defined as"].value == "Not published"
    assert not terms["“Confidential content” defined as"].published
    assert terms["Opened on"].value == days_ago(200).isoformat()
    assert terms["Closed on"].value == "Not published"


def test_the_statement_total_is_the_ledgers_owed_figure(me, world):
    statement = statement_for(me, "clay-studio")
    ledger = with_owed(Enrollment.objects.filter(pk=world["enrollment"].pk)).get()

    assert statement.owed.amount == ledger.owed
    assert (
        statement.owed.hours_due_unpaid == ledger.hours_due_unpaid == sum(line.hours for line in statement.due_unpaid)
    )
    assert statement.owed.due_unpaid_contributions == ledger.due_unpaid_contributions == len(statement.due_unpaid)
    assert statement.owed.unpaid_hours_not_yet_due == ledger.unpaid_hours_not_yet_due


def test_a_program_with_no_published_rate_uses_the_default_rate_and_says_so(me):
    """2 h and 0.5 h 40 days ago, unpaid; no rate published: 2.5 × 40.01 = 100.025 -> 100.03 EUR."""
    program = factories.ProgramFactory(name="Still Frames", slug="still-frames", currency="EUR", opened_on=days_ago(90))
    enrollment = factories.EnrollmentFactory(program=program, artist=me, granted_on=days_ago(60))
    log(enrollment, "2", 40)
    log(enrollment, "0.5", 40)

    statement = statement_for(me, "still-frames")

    assert statement.owed.amount == Decimal("100.03")
    assert not statement.owed.rate_is_the_programs
    assert statement.rate_sentence == (
        "40.01 EUR per hour: the tracker’s default rate, because the program published no reference hourly rate."
    )
    rate_term = next(term for term in statement.terms if term.label == "Reference hourly rate")
    assert rate_term.value == "Not published (this statement uses the tracker’s default, 40.01 EUR per hour)"


# The page


def test_the_page_shows_the_statement_dated_and_named_by_handle(client, me, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(reverse("ledger-statement", args=["clay-studio"]))

    assert response.status_code == 200
    text = words(response.content.decode())
    assert "Statement of unpaid work: Clay Studio" in text
    assert 'Prepared by <strong class="printed-name">mira</strong>' in text
    assert f"As of {timezone.localdate().isoformat()}" in text
    for title in ("Weekly feedback call", "Launch-day post", "Export crash"):
        assert title in text
    assert "Stress test" not in text and "Someone else" not in text
    assert "3 contributions, 6.75 hours × 40.00 USD = 270.00 USD" in text
    assert "20.00 USD" in text and "100.00 USD" in text
    assert words(SENDS_NOTHING) in text
    assert "no-store" in response["Cache-Control"]


def test_a_name_to_print_is_printed_but_not_kept(client, me, world):
    response = client.post(reverse("ledger-statement", args=["clay-studio"]), {"name": "Mira Okafor"})

    assert response.status_code == 200
    assert 'Prepared by <strong class="printed-name">Mira Okafor</strong>' in response.content.decode()
    assert not Artist.objects.filter(handle="mira").exclude(public_name="").exists()
    again = client.get(reverse("ledger-statement", args=["clay-studio"]))
    assert "Mira Okafor" not in again.content.decode()


def test_a_name_too_long_is_refused_with_a_message(client, me, world):
    response = client.post(reverse("ledger-statement-pdf", args=["clay-studio"]), {"name": "x" * 121})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Ensure this value has at most 120 characters" in response.content.decode()


def test_the_ledger_pages_link_to_the_statement(client, me, world):
    url = reverse("ledger-statement", args=["clay-studio"])

    assert url in client.get(reverse("ledger")).content.decode()
    assert url in client.get(reverse("ledger-enrollment", args=[world["enrollment"].pk])).content.decode()


# The PDF


def test_the_pdf_is_a_real_text_pdf_of_the_statement(client, me, world):
    response = client.get(reverse("ledger-statement-pdf", args=["clay-studio"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="statement-clay-studio-{today}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Clay Studio" in text
    assert "Prepared by mira" in text
    for ago, hours in ((60, "3.50"), (45, "2.00"), (40, "1.25")):
        assert f"{days_ago(ago).isoformat()} {days_ago(ago - 30).isoformat()}" in text
        assert hours in text
    assert "Total owed: 3 contributions, 6.75 hours × 40.00 USD = 270.00 USD" in text
    assert "Stress test" not in text and "Someone else" not in text
    assert "Not published" in text
    assert words(SENDS_NOTHING) in text


def test_the_pdf_prints_the_name_given_and_the_titles_as_typed(client, me, world):
    log(world["enrollment"], "1", 35, title="<b>Bugs</b> & <font size=40>fixes")

    response = client.post(reverse("ledger-statement-pdf", args=["clay-studio"]), {"name": "Mira Okafor"})

    text = pdf_text(response.content)
    assert "Prepared by Mira Okafor" in text
    assert "<b>Bugs</b> & <font size=40>fixes" in text
    assert "7.75 hours × 40.00 USD = 310.00 USD" in text


def test_a_name_the_pdf_font_cannot_draw_is_refused_and_the_page_still_prints_it(client, me, world):
    url = reverse("ledger-statement-pdf", args=["clay-studio"])

    refused = client.post(url, {"name": "李小龍"})
    printed = client.post(reverse("ledger-statement", args=["clay-studio"]), {"name": "李小龍"})

    assert refused.status_code == 400
    assert "The PDF’s font has no letters for “李小龍”" in refused.content.decode()
    assert printed.status_code == 200 and "李小龍" in printed.content.decode()
    latin = client.post(url, {"name": "Zoë Ó Briain"})
    assert "Prepared by Zoë Ó Briain" in pdf_text(latin.content)


# Who may see it


@pytest.fixture
def someone_elses():
    """Clay Studio, with only another artist in it."""
    program = factories.ProgramFactory(slug="clay-studio", opened_on=days_ago(100))
    log(factories.EnrollmentFactory(program=program), "3", 50)
    return program


@pytest.mark.parametrize("name", ["ledger-statement", "ledger-statement-pdf"])
def test_anonymous_visitors_are_sent_to_log_in(client, someone_elses, name):
    url = reverse(name, args=["clay-studio"])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", ["ledger-statement", "ledger-statement-pdf"])
def test_another_artists_program_is_not_found(client, me, someone_elses, name):
    response = client.get(reverse(name, args=["clay-studio"]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["ledger-statement", "ledger-statement-pdf"])
def test_a_program_the_artist_is_not_in_is_not_found(client, me, name):
    factories.ProgramFactory(slug="clay-studio")

    assert client.get(reverse(name, args=["clay-studio"])).status_code == 404
    assert client.get(reverse(name, args=["no-such-program"])).status_code == 404


@pytest.mark.parametrize("name", ["ledger-statement", "ledger-statement-pdf"])
def test_an_account_without_an_artist_profile_is_told_the_page_is_for_artists(client, someone_elses, name):
    client.force_login(factories.UserFactory(username="advocate"))

    response = client.get(reverse(name, args=["clay-studio"]))

    assert response.status_code == 403
    assert "This page is for artists" in response.content.decode()
