"""What the programs owe the artist, on their own ledger (feedback.owed): the figures worked
out by hand, the boundary day, the default rate, currencies kept apart, and the pages."""

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from artists.selectors import ledger_summary, program_totals
from feedback.owed import owed_of, with_owed
from feedback.services import record_compensation
from programs.models import Enrollment
from tests import factories

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def me(client):
    artist = factories.ArtistFactory(handle="mira")
    client.force_login(artist.user)
    return artist


@pytest.fixture(autouse=True)
def default_rate(settings):
    """The platform default, chosen so that rounding to cents is visible."""
    settings.FAIR_HOURLY_RATE = Decimal("40.01")


def log(enrollment, hours: str, ago: int):
    return factories.ContributionFactory(enrollment=enrollment, hours_spent=Decimal(hours), occurred_on=days_ago(ago))


@pytest.fixture
def world(me):
    """Worked by hand.

    Moving Pictures (USD, publishes 60.00/h, pays within 14 days), for this artist:
      3.5 h 30 days ago, unpaid                       -> due, owed
      2 h 40 days ago, paid 100 cash                  -> paid
      1.25 h 20 days ago, paid only with credits and
        free access                                   -> due, owed (credits are not pay)
      2 h 25 days ago, a stipend of 0                 -> due, owed (0 is not pay)
      0.75 h 15 days ago (due_on = yesterday)         -> due, owed
      1 h 14 days ago (due_on = today)                -> not yet due
      4 h 5 days ago                                  -> not yet due
      1 h 3 days ago, already paid 20 cash            -> paid (neither owed nor waiting)
    Due and unpaid: 3.5 + 1.25 + 2 + 0.75 = 7.5 h in 4 contributions; 7.5 × 60.00 = 450.00 USD.
    Not yet due: 1 + 4 = 5 h.

    Still Frames (EUR, publishes no rate: the default 40.01/h; pays within 30 days):
      2 h and 0.5 h 40 days ago, unpaid -> 2.5 h due; 2.5 × 40.01 = 100.025 -> 100.03 EUR.

    Another artist in Moving Pictures: 9 h 60 days ago, unpaid (540.00 USD): never this artist's.
    """
    pictures = factories.ProgramFactory(
        name="Moving Pictures",
        currency="USD",
        reference_hourly_rate=Decimal("60.00"),
        payment_terms_days=14,
        opened_on=days_ago(200),
    )
    frames = factories.ProgramFactory(
        name="Still Frames", currency="EUR", payment_terms_days=30, opened_on=days_ago(200)
    )
    in_pictures = factories.EnrollmentFactory(program=pictures, artist=me, granted_on=days_ago(100))
    in_frames = factories.EnrollmentFactory(program=frames, artist=me, granted_on=days_ago(100))

    log(in_pictures, "3.5", 30)
    cash_paid = log(in_pictures, "2", 40)
    credits_only = log(in_pictures, "1.25", 20)
    zero_stipend = log(in_pictures, "2", 25)
    log(in_pictures, "0.75", 15)
    log(in_pictures, "1", 14)
    log(in_pictures, "4", 5)
    paid_early = log(in_pictures, "1", 3)
    pay = {"enrollment": in_pictures, "paid_on": days_ago(1)}
    record_compensation(kind="cash", amount="100.00", contributions=[cash_paid], **pay)
    record_compensation(kind="credits", amount="50.00", contributions=[credits_only], **pay)
    record_compensation(kind="free_access", amount="30.00", contributions=[credits_only], **pay)
    record_compensation(kind="stipend", amount="0", contributions=[zero_stipend], **pay)
    record_compensation(kind="cash", amount="20.00", contributions=[paid_early], **pay)

    log(in_frames, "2", 40)
    log(in_frames, "0.5", 40)

    someone = factories.EnrollmentFactory(program=pictures, granted_on=days_ago(100))
    log(someone, "9", 60)
    return in_pictures, in_frames


def owed_for(enrollment: Enrollment, today: dt.date | None = None):
    return owed_of(with_owed(Enrollment.objects.filter(pk=enrollment.pk), today=today).get())


def test_due_unpaid_work_is_owed_at_the_programs_own_rate(world):
    in_pictures, _ = world

    owed = owed_for(in_pictures)

    assert owed.currency == "USD"
    assert (owed.rate, owed.rate_source, owed.rate_is_the_programs) == (Decimal("60.00"), "program", True)
    assert (owed.due_unpaid_contributions, owed.hours_due_unpaid) == (4, Decimal("7.5"))
    assert owed.unpaid_hours_not_yet_due == Decimal("5")
    assert owed.amount == Decimal("450.00")
    assert owed.payment_terms_days == 14


def test_a_program_without_a_rate_is_counted_at_the_default_rounded_half_up_to_cents(world):
    _, in_frames = world

    owed = owed_for(in_frames)

    assert (owed.currency, owed.rate, owed.rate_source) == ("EUR", Decimal("40.01"), "default")
    assert not owed.rate_is_the_programs
    assert owed.hours_due_unpaid == Decimal("2.5")
    assert owed.amount == Decimal("100.03")  # 2.5 × 40.01 = 100.025
    assert str(owed.amount) == "100.03"


@pytest.mark.parametrize(
    ("ago", "due"),
    [
        (13, False),  # due_on tomorrow
        (14, False),  # due_on == today: the last day of the terms, not due yet
        (15, True),  # due_on == yesterday: due
    ],
)
def test_work_is_due_the_day_after_its_payment_terms_end(me, ago, due):
    program = factories.ProgramFactory(reference_hourly_rate=Decimal("10.00"), payment_terms_days=14)
    enrollment = factories.EnrollmentFactory(program=program, artist=me, granted_on=days_ago(100))
    log(enrollment, "2", ago)

    owed = owed_for(enrollment)

    assert (owed.hours_due_unpaid, owed.unpaid_hours_not_yet_due, owed.amount) == (
        (Decimal("2"), Decimal("0"), Decimal("20.00")) if due else (Decimal("0"), Decimal("2"), Decimal("0"))
    )


def test_the_day_counted_from_can_be_given(world):
    in_pictures, _ = world

    # A week later, the 1 h (due_on today) and nothing else of the 4 h (due in 9 days) is due.
    later = owed_for(in_pictures, today=timezone.localdate() + dt.timedelta(days=7))

    assert (later.hours_due_unpaid, later.unpaid_hours_not_yet_due) == (Decimal("8.5"), Decimal("4"))
    assert later.amount == Decimal("510.00")


def test_the_ledger_keeps_currencies_apart_and_counts_no_one_elses_work(world):
    summary = ledger_summary(world[0].artist)

    assert summary.owed_by_currency == {"USD": Decimal("450.00"), "EUR": Decimal("100.03")}
    assert (summary.hours_due_unpaid, summary.unpaid_hours_not_yet_due) == (Decimal("10"), Decimal("5"))
    assert summary.uses_default_rate
    assert [row.program.name for row in summary.owed_programs] == ["Moving Pictures", "Still Frames"]


def test_nothing_owed_leaves_every_currency_out(me):
    enrollment = factories.EnrollmentFactory(artist=me)
    paid = log(enrollment, "2", 60)
    record_compensation(enrollment=enrollment, kind="cash", amount="80", paid_on=days_ago(1), contributions=[paid])

    summary = ledger_summary(me)

    assert summary.owed_by_currency == {}
    assert summary.programs[0].owed.amount == Decimal("0")
    assert summary.owed_programs == []


# The pages


def text_of(response) -> str:
    return response.content.decode()


def test_the_overview_shows_what_is_owed_per_currency_and_how_it_is_computed(client, me, world):
    response = client.get(reverse("ledger"))

    text = text_of(response)
    assert "Owed to you at each program’s own rate (or the tracker’s default):" in text
    assert "450.00 USD" in text and "100.03 EUR" in text
    assert (
        "7.50 h of due, unpaid work × 60.00 USD/h, the program’s published rate; "
        "5 h are not yet due (the program promises payment within 14 days)."
    ) in text
    assert "2.50 h of due, unpaid work × 40.01 EUR/h, the tracker’s default rate (the program published none)." in text
    assert "550.03" not in text  # USD and EUR are never added together
    assert "540.00" not in text and "16.5" not in text  # the other artist's 9 h


def test_the_overview_has_an_owed_column_per_program(client, me, world):
    response = client.get(reverse("ledger"))

    text = text_of(response)
    assert '<th scope="col" class="num">Owed</th>' in text
    pictures = '<span class="nowrap">450.00 USD</span><br><small class="muted">5 h not yet due</small></td>'
    frames = '<span class="nowrap">100.03 EUR</span><br><small class="muted">at the default rate</small></td>'
    assert f'<td class="num" data-label="Owed">{pictures}' in text
    assert f'<td class="num" data-label="Owed">{frames}' in text


def test_large_amounts_are_grouped_by_thousands(client, me):
    program = factories.ProgramFactory(reference_hourly_rate=Decimal("60.00"), payment_terms_days=0)
    enrollment = factories.EnrollmentFactory(program=program, artist=me, granted_on=days_ago(100))
    log(enrollment, "20.57", 10)  # 20.57 × 60.00 = 1,234.20

    text = text_of(client.get(reverse("ledger")))

    assert "1,234.20 USD" in text
    assert "20.57 h of due, unpaid work × 60.00 USD/h" in text


def test_a_programs_page_shows_what_it_owes(client, me, world):
    in_pictures, in_frames = world

    pictures = text_of(client.get(reverse("ledger-enrollment", args=[in_pictures.pk])))
    frames = text_of(client.get(reverse("ledger-enrollment", args=[in_frames.pk])))

    assert "Owed to you at the program’s own rate:" in pictures
    assert "450.00 USD" in pictures
    assert "7.50 h of due, unpaid work × 60.00 USD/h, the program’s published rate" in pictures
    assert "Owed to you at the tracker’s default rate:" in frames
    assert "100.03 EUR" in frames and "USD" not in frames.split("Owed to you")[1].split("</section>")[0]


def test_with_nothing_logged_the_pages_say_nothing_is_owed_and_how_to_start(client, me):
    enrollment = factories.EnrollmentFactory(
        artist=me, program=factories.ProgramFactory(reference_hourly_rate=Decimal("60.00"))
    )

    overview = text_of(client.get(reverse("ledger")))
    program_page = text_of(client.get(reverse("ledger-enrollment", args=[enrollment.pk])))

    assert "nothing owed" in overview
    assert "You have not logged any contributions yet." in overview
    assert "nothing owed" in program_page
    assert "No contributions logged yet; the program’s published rate is 60.00 USD/h." in program_page


def test_when_everything_is_paid_the_overview_says_so(client, me):
    enrollment = factories.EnrollmentFactory(artist=me)
    paid = log(enrollment, "2", 60)
    record_compensation(enrollment=enrollment, kind="cash", amount="80", paid_on=days_ago(1), contributions=[paid])

    text = text_of(client.get(reverse("ledger")))

    assert "nothing owed" in text
    assert "All the work you logged is paid for." in text


def test_another_artists_program_page_is_not_found(client, me, world):
    theirs = Enrollment.objects.exclude(artist=me).get()

    assert client.get(reverse("ledger-enrollment", args=[theirs.pk])).status_code == 404


def test_the_overview_is_for_signed_in_artists_only(client, world):
    client.logout()

    response = client.get(reverse("ledger"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_program_totals_carry_the_owed_figures_without_another_query(me, world, django_assert_num_queries):
    with django_assert_num_queries(4):
        rows = program_totals(me)

    assert [row.owed.amount for row in rows] == [Decimal("450.00"), Decimal("100.03")]


# The export


def test_the_exported_enrollments_carry_the_owed_columns(client, me, world):
    in_pictures, in_frames = world

    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("export-zip")).content))
    rows = list(csv.DictReader(io.StringIO(archive.read("enrollments.csv").decode())))

    owed = {
        row["id"]: {name: row[name] for name in ("owed", "owed_currency", "owed_rate", "owed_rate_source")}
        for row in rows
    }
    assert owed == {
        str(in_pictures.pk): {
            "owed": "450.00",
            "owed_currency": "USD",
            "owed_rate": "60.00",
            "owed_rate_source": "program",
        },
        str(in_frames.pk): {
            "owed": "100.03",
            "owed_currency": "EUR",
            "owed_rate": "40.01",
            "owed_rate_source": "default",
        },
    }
    pictures = next(row for row in rows if row["id"] == str(in_pictures.pk))
    columns = ("hours_due_unpaid", "due_unpaid_contributions", "unpaid_hours_not_yet_due")
    assert tuple(pictures[column] for column in columns) == ("7.50", "4", "5.00")
    contributions = archive.read("contributions.csv").decode().splitlines()[0]
    assert contributions == "id,program,kind,title,description,hours_spent,occurred_on,requested_by_program"
