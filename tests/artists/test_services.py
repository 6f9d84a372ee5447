"""Artist profiles, submitted works and approval decisions through artists.services.

Every refused call is shown to name the field at fault and to leave the database as it was.
"""

import datetime as dt

import pytest
from django.utils import timezone

from artists.models import ApprovalDecision, Artist, Work
from artists.services import create_artist, record_decision, submit_work
from programs.services import enrol_artist
from tests import factories
from tests.refusals import refusal

pytestmark = pytest.mark.django_db


def days_ago(days: int, hour: int = 12) -> dt.datetime:
    """A time `days` before today, at `hour` UTC."""
    day = timezone.localdate() - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def artists_state() -> list[tuple]:
    return list(Artist.objects.order_by("pk").values_list("pk", "handle", "public_name", "show_public_name"))


def works_state() -> dict:
    """Everything the work services write, to show that a refused call changed nothing."""
    return {
        "works": list(Work.objects.order_by("pk").values_list("pk", "status", "first_decided_at")),
        "decisions": list(ApprovalDecision.objects.order_by("pk").values_list("pk", "outcome", "decided_at")),
    }


# create_artist


def test_creating_an_artist_tidies_the_profile():
    user = factories.UserFactory()

    artist = create_artist(
        handle="  mira.okafor ",
        user=user,
        public_name=" Mira Okafor ",
        show_public_name=True,
        disciplines=[" video", "", "  ", "3D "],
        country=" ng ",
    )

    artist.refresh_from_db()
    assert (artist.handle, artist.user, artist.public_name, artist.show_public_name) == (
        "mira.okafor",
        user,
        "Mira Okafor",
        True,
    )
    assert (artist.disciplines, artist.country, artist.display_name) == (["video", "3D"], "NG", "Mira Okafor")


def test_an_artist_may_stay_pseudonymous():
    artist = create_artist(handle="quiet_one")

    assert (artist.public_name, artist.show_public_name, artist.country, artist.disciplines) == ("", False, "", [])
    assert artist.display_name == "quiet_one"


@pytest.mark.parametrize("handle", ["MIRA", "mira", " Mira "])
def test_a_handle_taken_in_any_case_is_refused_and_writes_nothing(handle):
    create_artist(handle="Mira")
    before = artists_state()

    errors = refusal(create_artist, handle=handle)

    assert errors == {"handle": ["This handle is taken."]}
    assert artists_state() == before


@pytest.mark.parametrize("handle", ["", "ab", "two words", "mira!", "x" * 41])
def test_a_badly_formed_handle_is_refused_and_writes_nothing(handle):
    errors = refusal(create_artist, handle=handle)

    assert list(errors) == ["handle"]
    assert errors["handle"][0] in (
        "This field cannot be blank.",
        "A handle is 3 to 40 letters, digits, dots, dashes or underscores.",
    )
    assert not Artist.objects.exists()


@pytest.mark.parametrize("country", ["FRA", "F", "1F", "Fr4nce"])
def test_a_country_that_is_not_a_two_letter_code_is_refused_and_writes_nothing(country):
    errors = refusal(create_artist, handle="mira", country=country)

    assert list(errors) == ["country"]
    assert "Use a two-letter ISO 3166 country code such as FR." in errors["country"]
    assert not Artist.objects.exists()


@pytest.mark.parametrize("public_name", ["", "   "])
def test_showing_a_public_name_without_one_is_refused_and_writes_nothing(public_name):
    errors = refusal(create_artist, handle="mira", public_name=public_name, show_public_name=True)

    assert errors == {"public_name": ["Give a public name before choosing to show it."]}
    assert not Artist.objects.exists()


# submit_work


def test_submitting_a_work_records_it_as_pending(enrollment):
    submitted_at = days_ago(3)

    work = submit_work(
        enrollment=enrollment, title="  Tide study ", submitted_at=submitted_at, medium="image", description=" v2 "
    )

    work.refresh_from_db()
    assert (work.enrollment, work.title, work.medium, work.description) == (enrollment, "Tide study", "image", "v2")
    assert (work.submitted_at, work.status, work.first_decided_at) == (submitted_at, "pending", None)


@pytest.mark.parametrize(
    ("submitted_at", "message"),
    [
        (timezone.now() + dt.timedelta(hours=1), "This cannot be in the future."),
        (dt.datetime(2026, 1, 5, 10, 0), "Give a time with its time zone."),
        (dt.date(2026, 1, 5), "Give a date and time."),
    ],
)
def test_a_submission_time_in_the_future_or_without_zone_is_refused_and_writes_nothing(
    enrollment, submitted_at, message
):
    errors = refusal(submit_work, enrollment=enrollment, title="Reel", submitted_at=submitted_at)

    assert errors == {"submitted_at": [message]}
    assert not Work.objects.exists()


def test_a_submission_before_the_program_opened_is_refused_and_writes_nothing(enrollment):
    program = enrollment.program
    before_opening = dt.datetime.combine(program.opened_on, dt.time.min, tzinfo=dt.UTC) - dt.timedelta(seconds=1)

    errors = refusal(submit_work, enrollment=enrollment, title="Reel", submitted_at=before_opening)

    assert errors == {"submitted_at": [f"{program.name} opened on {program.opened_on:%Y-%m-%d}; this is before that."]}
    assert not Work.objects.exists()


def test_a_submission_for_an_enrollment_never_granted_is_refused_and_writes_nothing(program):
    invited = enrol_artist(program=program, artist=factories.ArtistFactory(), invited_at=days_ago(10))

    errors = refusal(submit_work, enrollment=invited, title="Reel", submitted_at=days_ago(2))

    assert errors == {"enrollment": ["Record when access to this program was granted first."]}
    assert not Work.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("title", "  "), ("medium", "hologram")])
def test_a_blank_title_or_unknown_medium_is_refused_and_writes_nothing(enrollment, field, value):
    arguments = {"enrollment": enrollment, "title": "Reel", "submitted_at": days_ago(2), field: value}

    errors = refusal(submit_work, **arguments)

    assert list(errors) == [field]
    assert not Work.objects.exists()


# record_decision


@pytest.fixture
def work(enrollment):
    return submit_work(enrollment=enrollment, title="Reel", submitted_at=days_ago(10))


def test_the_first_decision_sets_the_status_and_the_first_decision_time(work):
    decision = record_decision(work=work, outcome="approved", decided_at=days_ago(7), reason="  Fits the brief ")

    work.refresh_from_db()
    assert (work.status, work.first_decided_at) == ("approved", days_ago(7))
    assert (decision.outcome, decision.decided_at, decision.reason) == ("approved", days_ago(7), "Fits the brief")


def test_a_later_decision_keeps_the_status_of_the_first(work):
    record_decision(work=work, outcome="changes_requested", decided_at=days_ago(7))

    record_decision(work=work, outcome="showcased", decided_at=days_ago(2))

    work.refresh_from_db()
    assert (work.status, work.first_decided_at) == ("changes_requested", days_ago(7))
    assert list(work.decisions.values_list("outcome", flat=True)) == ["changes_requested", "showcased"]


def test_an_earlier_decision_recorded_later_becomes_the_first(work):
    record_decision(work=work, outcome="showcased", decided_at=days_ago(2))

    record_decision(work=work, outcome="rejected", decided_at=days_ago(8), reason="")

    work.refresh_from_db()
    assert (work.status, work.first_decided_at) == ("rejected", days_ago(8))


def test_a_decision_at_the_moment_of_submission_is_accepted(work):
    record_decision(work=work, outcome="withdrawn", decided_at=work.submitted_at)

    work.refresh_from_db()
    assert (work.status, work.first_decided_at) == ("withdrawn", work.submitted_at)


def test_a_decision_before_the_submission_is_refused_and_writes_nothing(work):
    record_decision(work=work, outcome="approved", decided_at=days_ago(7))
    before = works_state()

    errors = refusal(
        record_decision, work=work, outcome="rejected", decided_at=work.submitted_at - dt.timedelta(seconds=1)
    )

    assert errors == {"decided_at": ["A decision cannot come before the work was submitted."]}
    assert works_state() == before


def test_an_unknown_outcome_is_refused_and_writes_nothing(work):
    before = works_state()

    errors = refusal(record_decision, work=work, outcome="maybe", decided_at=days_ago(7))

    assert errors == {"outcome": ["Value 'maybe' is not a valid choice."]}
    assert works_state() == before


@pytest.mark.parametrize(
    ("decided_at", "message"),
    [
        (timezone.now() + dt.timedelta(hours=1), "This cannot be in the future."),
        (dt.datetime(2026, 1, 5, 10, 0), "Give a time with its time zone."),
    ],
)
def test_a_decision_in_the_future_or_without_zone_is_refused_and_writes_nothing(work, decided_at, message):
    before = works_state()

    errors = refusal(record_decision, work=work, outcome="approved", decided_at=decided_at)

    assert errors == {"decided_at": [message]}
    assert works_state() == before
