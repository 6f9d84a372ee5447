"""The database itself refuses bad artists, works and approval decisions.

Each write bypasses the services on purpose; where Django can check the same rule in
Python, full_clean() is shown to report it too.
"""

import datetime as dt

import pytest

from artists.models import ApprovalDecision, Artist, Work
from tests import factories
from tests.refusals import full_clean_errors, refused_by_database

pytestmark = pytest.mark.django_db

SUBMITTED = dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.UTC)


# Artist


def test_artist_handles_are_unique_whatever_their_case():
    Artist.objects.create(handle="Mira")

    with refused_by_database("artist_handle_unique_ci"):
        Artist.objects.create(handle="mIRA")

    assert list(Artist.objects.values_list("handle", flat=True)) == ["Mira"]
    assert full_clean_errors(Artist(handle="MIRA"))["__all__"] == ["This handle is taken."]


def test_the_exact_same_handle_is_refused():
    Artist.objects.create(handle="Mira")

    with refused_by_database("unique constraint"):
        Artist.objects.create(handle="Mira")

    assert Artist.objects.count() == 1
    assert full_clean_errors(Artist(handle="Mira"))["handle"] == ["Artist with this Handle already exists."]


def test_renaming_a_handle_to_another_artists_handle_in_other_case_is_refused():
    Artist.objects.create(handle="Mira")
    other = Artist.objects.create(handle="Noor")

    with refused_by_database("artist_handle_unique_ci"):
        Artist.objects.filter(pk=other.pk).update(handle="MIRA")

    other.refresh_from_db()
    assert other.handle == "Noor"


@pytest.mark.parametrize("handle", ["ab", "two words", "mira!", "émile"])
def test_badly_formed_handles_are_refused(handle):
    with refused_by_database("artist_handle_format"):
        Artist.objects.create(handle=handle)

    assert not Artist.objects.exists()
    errors = full_clean_errors(Artist(handle=handle))
    assert "A handle is 3 to 40 letters, digits, dots, dashes or underscores." in errors["handle"]


@pytest.mark.parametrize("handle", ["abc", "mi.r-a_9", "A" * 40])
def test_well_formed_handles_are_accepted(handle):
    artist = Artist.objects.create(handle=handle)

    artist.full_clean()
    assert Artist.objects.get(pk=artist.pk).handle == handle


def test_showing_a_public_name_needs_a_public_name():
    with refused_by_database("artist_public_name_when_shown"):
        Artist.objects.create(handle="mira", public_name="", show_public_name=True)

    assert not Artist.objects.exists()
    errors = full_clean_errors(Artist(handle="mira", public_name="", show_public_name=True))
    assert errors["__all__"] == ["Give a public name before choosing to show it."]


def test_a_public_name_may_be_shown_or_kept_private():
    shown = Artist.objects.create(handle="mira", public_name="Mira Okafor", show_public_name=True)
    private = Artist.objects.create(handle="noor", public_name="Noor H.", show_public_name=False)
    anonymous = Artist.objects.create(handle="anon", public_name="", show_public_name=False)

    assert [shown.display_name, private.display_name, anonymous.display_name] == ["Mira Okafor", "noor", "anon"]


def test_clearing_the_public_name_of_an_artist_who_shows_it_is_refused():
    artist = Artist.objects.create(handle="mira", public_name="Mira Okafor", show_public_name=True)

    with refused_by_database("artist_public_name_when_shown"):
        Artist.objects.filter(pk=artist.pk).update(public_name="")

    artist.refresh_from_db()
    assert artist.public_name == "Mira Okafor"


# Work: its status and first_decided_at move together


@pytest.fixture
def work(enrollment):
    return factories.WorkFactory(enrollment=enrollment, submitted_at=SUBMITTED)


def test_a_pending_work_with_a_decision_time_is_refused(enrollment):
    with refused_by_database("work_status_matches_first_decision"):
        Work.objects.create(
            enrollment=enrollment, title="Reel", submitted_at=SUBMITTED, status="pending", first_decided_at=SUBMITTED
        )

    assert not Work.objects.exists()
    errors = full_clean_errors(
        Work(enrollment=enrollment, title="Reel", submitted_at=SUBMITTED, status="pending", first_decided_at=SUBMITTED)
    )
    assert errors["__all__"] == ["Constraint “work_status_matches_first_decision” is violated."]


def test_a_first_decision_before_the_submission_is_refused(work):
    with refused_by_database("work_status_matches_first_decision"):
        Work.objects.filter(pk=work.pk).update(status="approved", first_decided_at=SUBMITTED - dt.timedelta(seconds=1))

    work.refresh_from_db()
    assert (work.status, work.first_decided_at) == ("pending", None)


def test_a_decided_work_without_a_decision_time_is_refused(work):
    with refused_by_database("work_status_matches_first_decision"):
        Work.objects.filter(pk=work.pk).update(status="approved", first_decided_at=None)


@pytest.mark.parametrize(
    ("status", "first_decided_at"),
    [
        ("pending", None),
        ("approved", SUBMITTED),
        ("showcased", SUBMITTED + dt.timedelta(days=3)),
    ],
)
def test_a_work_whose_status_matches_its_first_decision_is_accepted(work, status, first_decided_at):
    Work.objects.filter(pk=work.pk).update(status=status, first_decided_at=first_decided_at)

    work.refresh_from_db()
    assert (work.status, work.first_decided_at) == (status, first_decided_at)


def test_unknown_work_status_is_refused(work):
    with refused_by_database("work_status_valid"):
        Work.objects.filter(pk=work.pk).update(status="bogus", first_decided_at=SUBMITTED)


# ApprovalDecision


def test_unknown_decision_outcome_is_refused(work):
    with refused_by_database("decision_outcome_valid"):
        ApprovalDecision.objects.create(work=work, outcome="maybe", decided_at=SUBMITTED)

    assert not ApprovalDecision.objects.exists()
    errors = full_clean_errors(ApprovalDecision(work=work, outcome="maybe", decided_at=SUBMITTED))
    assert errors["outcome"] == ["Value 'maybe' is not a valid choice."]


@pytest.mark.parametrize("outcome", ["approved", "rejected", "changes_requested", "showcased", "withdrawn"])
def test_every_known_decision_outcome_is_accepted(work, outcome):
    decision = ApprovalDecision.objects.create(work=work, outcome=outcome, decided_at=SUBMITTED)

    decision.full_clean()
    assert ApprovalDecision.objects.get(pk=decision.pk).outcome == outcome
