"""Enrolment and access changes through programs.services, with good and bad input.

Every refused call is shown to name the field at fault and to leave the database as it was.
"""

import datetime as dt

import pytest
from django.utils import timezone

from programs.models import AccessEvent, Enrollment
from programs.services import (
    enrol_artist,
    grant_access,
    record_access_event,
    reinstate_access,
    revoke_access,
    revoke_many,
    suspend_access,
)
from tests import factories
from tests.refusals import refusal

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def days_ago(days: int, hour: int = 12) -> dt.datetime:
    """A time `days` before today, at `hour` UTC."""
    day = timezone.localdate() - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def written_state() -> dict:
    """Everything the access services write, to show that a refused call changed nothing."""
    return {
        "enrollments": list(Enrollment.objects.order_by("pk").values_list("pk", "status", "granted_on")),
        "events": list(AccessEvent.objects.order_by("pk").values_list("pk", "kind", "occurred_at", "reason")),
    }


def history(enrollment) -> list[tuple[str, dt.datetime]]:
    return list(enrollment.access_events.order_by("occurred_at", "id").values_list("kind", "occurred_at"))


def enrollment_in(program, status: str) -> Enrollment:
    """An enrollment whose history led to `status`: invited 100 days ago, granted 90, then suspended or revoked 80."""
    enrollment = enrol_artist(program=program, artist=factories.ArtistFactory(), invited_at=days_ago(100))
    if status != "invited":
        grant_access(enrollment=enrollment, granted_on=days_ago(90).date())
    if status == "suspended":
        suspend_access(enrollment=enrollment, occurred_at=days_ago(80))
    if status == "revoked":
        revoke_access(enrollment=enrollment, occurred_at=days_ago(80))
    assert enrollment.status == status
    return enrollment


# enrol_artist


def test_enrolling_without_a_grant_invites_the_artist_now(program):
    artist = factories.ArtistFactory()
    before = timezone.now()

    enrollment = enrol_artist(program=program, artist=artist)

    assert (enrollment.status, enrollment.granted_on) == ("invited", None)
    [(kind, occurred_at)] = history(enrollment)
    assert kind == "invited"
    assert before <= occurred_at <= timezone.now()


def test_enrolling_with_an_invitation_and_a_grant_records_both_and_activates(program):
    invited_at = days_ago(10, hour=9)
    granted_on = days_ago(8).date()

    enrollment = enrol_artist(
        program=program, artist=factories.ArtistFactory(), invited_at=invited_at, granted_on=granted_on
    )

    assert (enrollment.status, enrollment.granted_on) == ("active", granted_on)
    assert history(enrollment) == [("invited", invited_at), ("granted", midnight(granted_on))]


def test_enrolling_with_only_the_grant_day_records_the_grant_and_activates(program):
    granted_on = days_ago(8).date()

    enrollment = enrol_artist(program=program, artist=factories.ArtistFactory(), granted_on=granted_on)

    assert (enrollment.status, enrollment.granted_on) == ("active", granted_on)
    assert history(enrollment) == [("granted", midnight(granted_on))]


def test_enrolling_an_artist_twice_in_a_program_is_refused_and_writes_nothing(enrollment):
    before = written_state()

    errors = refusal(enrol_artist, program=enrollment.program, artist=enrollment.artist, granted_on=days_ago(1).date())

    assert errors == {"program": [f"{enrollment.artist} is already enrolled in {enrollment.program}."]}
    assert written_state() == before


def test_enrolling_with_a_grant_in_the_future_is_refused_and_writes_nothing(program):
    before = written_state()

    errors = refusal(
        enrol_artist,
        program=program,
        artist=factories.ArtistFactory(),
        granted_on=timezone.localdate() + dt.timedelta(days=1),
    )

    assert errors == {"granted_on": ["This date cannot be in the future."]}
    assert written_state() == before


def test_enrolling_with_a_grant_before_the_program_opened_is_refused_and_writes_nothing(program):
    before = written_state()

    errors = refusal(
        enrol_artist,
        program=program,
        artist=factories.ArtistFactory(),
        granted_on=program.opened_on - dt.timedelta(days=1),
    )

    assert errors == {"granted_on": [f"{program.name} opened on {program.opened_on:%Y-%m-%d}; this is before that."]}
    assert written_state() == before


def test_enrolling_with_an_invitation_before_the_program_opened_is_refused_and_writes_nothing(program):
    before = written_state()

    errors = refusal(
        enrol_artist,
        program=program,
        artist=factories.ArtistFactory(),
        invited_at=midnight(program.opened_on) - dt.timedelta(seconds=1),
    )

    assert errors == {"invited_at": [f"{program.name} opened on {program.opened_on:%Y-%m-%d}; this is before that."]}
    assert written_state() == before


def test_enrolling_with_a_naive_invitation_time_is_refused_and_writes_nothing(program):
    before = written_state()

    errors = refusal(
        enrol_artist, program=program, artist=factories.ArtistFactory(), invited_at=dt.datetime(2025, 1, 1, 9, 0)
    )

    assert errors == {"invited_at": ["Give a time with its time zone."]}
    assert written_state() == before


def test_enrolling_with_a_grant_on_a_day_before_the_invitation_is_refused_and_writes_nothing(program):
    before = written_state()

    errors = refusal(
        enrol_artist,
        program=program,
        artist=factories.ArtistFactory(),
        invited_at=days_ago(5),
        granted_on=days_ago(6).date(),
    )

    assert errors == {
        "granted_on": [f"The last recorded change was on {days_ago(5):%Y-%m-%d}; access cannot be granted before it."]
    }
    assert written_state() == before


# grant_access


def test_granting_access_to_an_invited_artist_activates_the_enrollment(program):
    enrollment = enrollment_in(program, "invited")
    granted_on = days_ago(50).date()

    event = grant_access(enrollment=enrollment, granted_on=granted_on)

    assert (event.kind, event.occurred_at) == ("granted", midnight(granted_on))
    assert (enrollment.status, enrollment.granted_on) == ("active", granted_on)
    stored = Enrollment.objects.get(pk=enrollment.pk)
    assert (stored.status, stored.granted_on) == ("active", granted_on)


def test_granting_access_on_the_day_of_a_later_invitation_follows_the_invitation(program):
    invited_at = days_ago(3, hour=15)
    enrollment = enrol_artist(program=program, artist=factories.ArtistFactory(), invited_at=invited_at)

    grant_access(enrollment=enrollment, granted_on=invited_at.date())

    assert history(enrollment) == [("invited", invited_at), ("granted", invited_at)]
    assert Enrollment.objects.get(pk=enrollment.pk).granted_on == invited_at.date()


def test_granting_access_on_a_day_before_the_invitation_is_refused_and_writes_nothing(program):
    enrollment = enrollment_in(program, "invited")
    before = written_state()

    errors = refusal(grant_access, enrollment=enrollment, granted_on=days_ago(101).date())

    assert errors == {
        "granted_on": [f"The last recorded change was on {days_ago(100):%Y-%m-%d}; access cannot be granted before it."]
    }
    assert written_state() == before


def test_granting_access_again_to_an_active_enrollment_is_refused_and_writes_nothing(enrollment):
    before = written_state()

    errors = refusal(grant_access, enrollment=enrollment, granted_on=days_ago(1).date())

    assert errors == {"kind": ["Access that is active cannot be granted: that change is not possible."]}
    assert written_state() == before


def test_granting_access_in_the_future_is_refused_and_writes_nothing(program):
    enrollment = enrollment_in(program, "invited")
    before = written_state()

    errors = refusal(grant_access, enrollment=enrollment, granted_on=timezone.localdate() + dt.timedelta(days=1))

    assert errors == {"granted_on": ["This date cannot be in the future."]}
    assert written_state() == before


# record_access_event: which changes may follow which status (hand-written, not read from ALLOWED_EVENTS)

# (status before, change, status after, granted_on as days ago: enrollment_in grants 90 days
# ago, the change happens 10 days ago; None while access was never granted)
ALLOWED_CHANGES = [
    ("invited", "granted", "active", 10),
    ("invited", "revoked", "revoked", None),
    ("active", "suspended", "suspended", 90),
    ("active", "revoked", "revoked", 90),
    ("suspended", "reinstated", "active", 90),
    ("suspended", "revoked", "revoked", 90),
    ("revoked", "reinstated", "active", 90),
]
REFUSED_CHANGES = [
    ("invited", "invited"),
    ("invited", "suspended"),
    ("invited", "reinstated"),
    ("active", "invited"),
    ("active", "granted"),
    ("active", "reinstated"),
    ("suspended", "invited"),
    ("suspended", "granted"),
    ("suspended", "suspended"),
    ("revoked", "invited"),
    ("revoked", "granted"),
    ("revoked", "suspended"),
    ("revoked", "revoked"),
]


@pytest.mark.parametrize(("status", "kind", "resulting_status", "granted_days_ago"), ALLOWED_CHANGES)
def test_an_allowed_access_change_is_recorded_and_moves_the_status(
    program, status, kind, resulting_status, granted_days_ago
):
    enrollment = enrollment_in(program, status)
    occurred_at = days_ago(10)

    event = record_access_event(enrollment=enrollment, kind=kind, occurred_at=occurred_at, reason="Policy review")

    assert (event.kind, event.occurred_at, event.reason) == (kind, occurred_at, "Policy review")
    assert history(enrollment)[-1] == (kind, occurred_at)
    stored = Enrollment.objects.get(pk=enrollment.pk)
    assert stored.status == enrollment.status == resulting_status
    assert stored.granted_on == (days_ago(granted_days_ago).date() if granted_days_ago else None)


@pytest.mark.parametrize(("status", "kind"), REFUSED_CHANGES)
def test_an_impossible_access_change_is_refused_and_writes_nothing(program, status, kind):
    enrollment = enrollment_in(program, status)
    before = written_state()

    errors = refusal(record_access_event, enrollment=enrollment, kind=kind, occurred_at=days_ago(10))

    assert errors == {"kind": [f"Access that is {status} cannot be {kind}: that change is not possible."]}
    assert written_state() == before


def test_a_history_must_start_with_an_invitation_or_a_grant(program):
    enrollment = Enrollment.objects.create(program=program, artist=factories.ArtistFactory())
    before = written_state()

    errors = refusal(record_access_event, enrollment=enrollment, kind="revoked", occurred_at=days_ago(10))

    assert errors == {"kind": ["Access starts with an invitation or a grant."]}
    assert written_state() == before


def test_a_change_earlier_than_the_latest_is_refused_and_writes_nothing(program):
    enrollment = enrollment_in(program, "suspended")
    before = written_state()

    errors = refusal(record_access_event, enrollment=enrollment, kind="reinstated", occurred_at=days_ago(81))

    latest = days_ago(80)
    assert errors == {
        "occurred_at": [
            f"The last recorded change was on {latest:%Y-%m-%d %H:%M} UTC; a new change cannot come before it."
        ]
    }
    assert written_state() == before


def test_a_change_in_the_future_is_refused_and_writes_nothing(enrollment):
    before = written_state()

    errors = refusal(
        record_access_event,
        enrollment=enrollment,
        kind="suspended",
        occurred_at=timezone.now() + dt.timedelta(minutes=5),
    )

    assert errors == {"occurred_at": ["This cannot be in the future."]}
    assert written_state() == before


def test_a_change_with_a_naive_time_is_refused_and_writes_nothing(enrollment):
    before = written_state()

    errors = refusal(record_access_event, enrollment=enrollment, kind="suspended", occurred_at=dt.datetime(2025, 5, 1))

    assert errors == {"occurred_at": ["Give a time with its time zone."]}
    assert written_state() == before


def test_a_change_before_the_program_opened_is_refused_and_writes_nothing(program):
    enrollment = Enrollment.objects.create(program=program, artist=factories.ArtistFactory())
    before = written_state()

    errors = refusal(
        record_access_event,
        enrollment=enrollment,
        kind="invited",
        occurred_at=midnight(program.opened_on) - dt.timedelta(minutes=1),
    )

    assert errors == {"occurred_at": [f"{program.name} opened on {program.opened_on:%Y-%m-%d}; this is before that."]}
    assert written_state() == before


@pytest.mark.parametrize("notice_days", [-1, True, False, "7", 1.5])
def test_notice_that_is_not_a_whole_number_of_days_is_refused_and_writes_nothing(enrollment, notice_days):
    before = written_state()

    errors = refusal(
        record_access_event, enrollment=enrollment, kind="revoked", occurred_at=days_ago(1), notice_days=notice_days
    )

    assert errors == {"notice_days": ["Notice is a whole number of days, 0 or more."]}
    assert written_state() == before


def test_an_unknown_kind_of_change_is_refused_and_writes_nothing(enrollment):
    before = written_state()

    errors = refusal(record_access_event, enrollment=enrollment, kind="paused", occurred_at=days_ago(1))

    assert errors == {
        "kind": ["Unknown kind of access change 'paused'; use one of invited, granted, suspended, reinstated, revoked."]
    }
    assert written_state() == before


def test_an_unknown_actor_is_refused_and_writes_nothing(enrollment):
    before = written_state()

    errors = refusal(record_access_event, enrollment=enrollment, kind="revoked", occurred_at=days_ago(1), actor="ceo")

    assert errors == {"actor": ["Value 'ceo' is not a valid choice."]}
    assert written_state() == before


# suspend, reinstate, revoke


def test_suspending_reinstating_and_revoking_without_a_reason_is_allowed(enrollment):
    suspend_access(enrollment=enrollment, occurred_at=days_ago(30))
    reinstate_access(enrollment=enrollment, occurred_at=days_ago(20), reason="   ")
    revoke_access(enrollment=enrollment, occurred_at=days_ago(10), reason="", notice_days=0)

    events = list(enrollment.access_events.values_list("kind", "reason", "notice_days"))
    assert events == [("granted", "", None), ("suspended", "", None), ("reinstated", "", None), ("revoked", "", 0)]
    assert Enrollment.objects.get(pk=enrollment.pk).status == "revoked"


def test_revoking_records_the_reason_notice_actor_and_who_recorded_it(enrollment):
    staffer = factories.UserFactory()

    event = revoke_access(
        enrollment=enrollment,
        occurred_at=days_ago(2),
        reason="  Program paused after leak  ",
        notice_days=0,
        actor="program",
        recorded_by=staffer,
    )

    event.refresh_from_db()
    assert (event.kind, event.occurred_at, event.reason, event.notice_days, event.actor, event.recorded_by) == (
        "revoked",
        days_ago(2),
        "Program paused after leak",
        0,
        "program",
        staffer,
    )


def test_revoking_an_already_revoked_enrollment_is_refused_and_writes_nothing(program):
    enrollment = enrollment_in(program, "revoked")
    before = written_state()

    errors = refusal(revoke_access, enrollment=enrollment, occurred_at=days_ago(1))

    assert errors == {"kind": ["Access that is revoked cannot be revoked: that change is not possible."]}
    assert written_state() == before


def test_suspending_an_invited_artist_is_refused_and_writes_nothing(program):
    enrollment = enrollment_in(program, "invited")
    before = written_state()

    errors = refusal(suspend_access, enrollment=enrollment, occurred_at=days_ago(1), reason="Too many posts")

    assert errors == {"kind": ["Access that is invited cannot be suspended: that change is not possible."]}
    assert written_state() == before


def test_reinstating_an_active_enrollment_is_refused_and_writes_nothing(enrollment):
    before = written_state()

    errors = refusal(reinstate_access, enrollment=enrollment, occurred_at=days_ago(1))

    assert errors == {"kind": ["Access that is active cannot be reinstated: that change is not possible."]}
    assert written_state() == before


# revoke_many


def test_revoking_many_revokes_each_with_one_event_of_the_same_time_reason_and_notice(program):
    enrollments = [enrollment_in(program, status) for status in ("invited", "active", "suspended", "active")]
    untouched = enrollment_in(program, "active")
    revoked_at = days_ago(5)

    revoked = revoke_many(enrollments=enrollments, occurred_at=revoked_at, reason=" Program ended ", notice_days=1)

    assert revoked == 4
    ids = [e.pk for e in enrollments]
    assert set(Enrollment.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"revoked"}
    assert Enrollment.objects.get(pk=untouched.pk).status == "active"
    events = AccessEvent.objects.filter(kind="revoked").order_by("enrollment_id")
    assert [(e.enrollment_id, e.occurred_at, e.reason, e.notice_days, e.actor) for e in events] == [
        (pk, revoked_at, "Program ended", 1, "program") for pk in sorted(ids)
    ]


def test_revoking_many_counts_an_enrollment_listed_twice_once(program):
    enrollment = enrollment_in(program, "active")

    assert revoke_many(enrollments=[enrollment, enrollment], occurred_at=days_ago(5)) == 1
    assert AccessEvent.objects.filter(enrollment=enrollment, kind="revoked").count() == 1


def test_revoking_many_with_one_already_revoked_revokes_none_and_writes_nothing(program):
    active = enrollment_in(program, "active")
    revoked = enrollment_in(program, "revoked")
    before = written_state()

    errors = refusal(revoke_many, enrollments=[active, revoked], occurred_at=days_ago(5))

    assert errors == {"enrollments": [f"Nothing was revoked: {revoked} is already revoked."]}
    assert written_state() == before


def test_revoking_many_before_a_later_change_of_one_revokes_none_and_writes_nothing(program):
    earlier = enrollment_in(program, "active")
    later = enrollment_in(program, "active")
    suspend_access(enrollment=later, occurred_at=days_ago(3))
    before = written_state()

    errors = refusal(revoke_many, enrollments=[earlier, later], occurred_at=days_ago(5))

    assert errors == {"enrollments": [f"Nothing was revoked: {later} has a later change on {days_ago(3):%Y-%m-%d}."]}
    assert written_state() == before


def test_revoking_an_empty_list_is_refused(program):
    enrollment_in(program, "active")
    before = written_state()

    errors = refusal(revoke_many, enrollments=[], occurred_at=days_ago(5))

    assert errors == {"enrollments": ["Choose at least one enrollment to revoke."]}
    assert written_state() == before


@pytest.mark.parametrize(
    ("occurred_at", "message"),
    [
        (dt.datetime(2025, 5, 1, 12, 0), "Give a time with its time zone."),
        (NOW + dt.timedelta(days=1), "This cannot be in the future."),
    ],
)
def test_revoking_many_at_a_naive_or_future_time_is_refused_and_writes_nothing(program, occurred_at, message):
    enrollment = enrollment_in(program, "active")
    before = written_state()

    errors = refusal(revoke_many, enrollments=[enrollment], occurred_at=occurred_at)

    assert errors == {"occurred_at": [message]}
    assert written_state() == before


def test_revoking_many_with_negative_notice_is_refused_and_writes_nothing(program):
    enrollment = enrollment_in(program, "active")
    before = written_state()

    errors = refusal(revoke_many, enrollments=[enrollment], occurred_at=days_ago(5), notice_days=-3)

    assert errors == {"notice_days": ["Notice is a whole number of days, 0 or more."]}
    assert written_state() == before


def test_revoking_many_with_an_unknown_actor_is_refused_and_writes_nothing(program):
    enrollment = enrollment_in(program, "active")
    before = written_state()

    errors = refusal(revoke_many, enrollments=[enrollment], occurred_at=days_ago(5), actor="ceo")

    assert errors == {"actor": ["Value 'ceo' is not a valid choice."]}
    assert written_state() == before


def test_revoking_many_before_the_program_opened_is_refused_and_writes_nothing(program):
    enrollment = Enrollment.objects.create(program=program, artist=factories.ArtistFactory())
    before = written_state()

    errors = refusal(revoke_many, enrollments=[enrollment], occurred_at=midnight(program.opened_on) - dt.timedelta(1))

    assert errors == {"enrollments": [f"Nothing was revoked: {program} had not opened yet."]}
    assert written_state() == before


def test_a_program_wide_revocation_of_50_testers_takes_a_few_queries(program, django_assert_max_num_queries):
    factories.EnrollmentFactory.create_batch(50, program=program)
    everyone = Enrollment.objects.filter(program=program)

    # Read the ids, lock them, look for later changes, insert the events, update the statuses,
    # plus the savepoint and its release: the same for 5 testers or 5,000.
    with django_assert_max_num_queries(7):
        revoked = revoke_many(enrollments=everyone, occurred_at=days_ago(1), reason="Program suspended")

    assert revoked == 50
    assert Enrollment.objects.filter(program=program, status="revoked").count() == 50
    assert AccessEvent.objects.filter(enrollment__program=program, kind="revoked").count() == 50
