"""The artist's ledger pages under /me/: who may see them, the overview and its totals,
joining a program, a program's page, removing it, and reporting access changes.

Contributions, works and payments pages are in test_ledger_records.py.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from artists.selectors import program_totals
from artists.services import record_decision
from feedback.models import Contribution
from feedback.services import record_compensation
from programs.models import AccessEvent, Enrollment
from programs.services import revoke_access
from tests import factories

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def moment(days: int, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(days_ago(days), dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def me(client):
    """The signed-in artist."""
    artist = factories.ArtistFactory(handle="mira")
    client.force_login(artist.user)
    return artist


def page_text(response) -> str:
    return response.content.decode()


def access_events_state() -> list[tuple]:
    return list(AccessEvent.objects.order_by("pk").values_list("pk", "kind", "occurred_at"))


# Who may see the ledger


ARTIST_PAGES = [
    ("ledger", ()),
    ("ledger-join", ()),
    ("ledger-enrollment", ("enrollment",)),
    ("ledger-access", ("enrollment",)),
    ("ledger-enrollment-delete", ("enrollment",)),
    ("ledger-contributions", ()),
    ("ledger-contribution-new", ()),
    ("ledger-contribution-edit", ("contribution",)),
    ("ledger-contribution-delete", ("contribution",)),
    ("ledger-works", ()),
    ("ledger-work-new", ()),
    ("ledger-work-edit", ("work",)),
    ("ledger-work-delete", ("work",)),
    ("ledger-decision-new", ("work",)),
    ("ledger-compensations", ()),
    ("ledger-compensation-new", ()),
    ("ledger-compensation-edit", ("compensation",)),
    ("ledger-compensation-delete", ("compensation",)),
]


@pytest.fixture
def records_of_someone_else():
    """One record of each kind belonging to another artist."""
    enrollment = factories.EnrollmentFactory(artist__handle="someone_else")
    return {
        "enrollment": enrollment,
        "contribution": factories.ContributionFactory(enrollment=enrollment),
        "work": factories.WorkFactory(enrollment=enrollment),
        "compensation": factories.CompensationFactory(enrollment=enrollment),
    }


def url_for(name, args, records) -> str:
    return reverse(name, args=[records[arg].pk for arg in args])


@pytest.mark.parametrize(("name", "args"), ARTIST_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, records_of_someone_else, name, args):
    url = url_for(name, args, records_of_someone_else)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(("name", "args"), ARTIST_PAGES)
def test_a_user_without_an_artist_profile_is_told_the_ledger_is_for_artists(
    client, records_of_someone_else, name, args
):
    client.force_login(factories.UserFactory(username="advocate"))

    response = client.get(url_for(name, args, records_of_someone_else))

    assert response.status_code == 403
    text = page_text(response)
    assert "This page is for artists" in text
    assert "no artist profile" in text
    assert 'name="next" value="/accounts/signup/"' in text


def test_staff_without_an_artist_profile_are_pointed_to_the_admin(staff_client):
    response = staff_client.get(reverse("ledger"))

    assert response.status_code == 403
    assert reverse("admin:index") in page_text(response)


@pytest.mark.parametrize(("name", "args"), [page for page in ARTIST_PAGES if page[1]])
def test_another_artists_record_is_not_found(client, me, records_of_someone_else, name, args):
    url = url_for(name, args, records_of_someone_else)

    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert Enrollment.objects.filter(pk=records_of_someone_else["enrollment"].pk).exists()
    assert Contribution.objects.filter(pk=records_of_someone_else["contribution"].pk).exists()


@pytest.mark.parametrize(("name", "args"), [page for page in ARTIST_PAGES if not page[1]])
def test_every_ledger_page_renders_for_an_artist_with_nothing_logged(client, me, name, args):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")


# The overview at /me/


def test_an_artist_with_no_program_is_invited_to_add_one(client, me):
    response = client.get(reverse("ledger"))

    text = page_text(response)
    assert "You have not added a program yet — add one you tested" in text
    assert reverse("ledger-join") in text
    assert "/me/programs/propose/" in text


@pytest.fixture
def two_programs(me):
    """A small world whose totals are known by hand.

    Moving Pictures (USD), for this artist:
      contributions 2 h, 3.5 h, 1.5 h and a requested promotion of 1 h;
      cash 100 for the 2 h one, a stipend of 0 for the 1.5 h one (not > 0, so still unpaid),
      credits worth 50 for the 3.5 h one (not pay), a gift worth 20 for nothing;
      two works, one decided.
    Still Frames (EUR): one contribution of 4 h, nothing paid, access revoked.
    Another artist in Moving Pictures logs 9 h and is paid 500: none of it is this artist's.
    """
    pictures = factories.ProgramFactory(name="Moving Pictures", currency="USD", organization__name="Frontier Labs")
    frames = factories.ProgramFactory(name="Still Frames", currency="EUR", organization__name="Pixel Works")
    in_pictures = factories.EnrollmentFactory(program=pictures, artist=me)
    in_frames = factories.EnrollmentFactory(program=frames, artist=me)

    def log(enrollment, hours, **extra):
        return factories.ContributionFactory(enrollment=enrollment, hours_spent=Decimal(hours), **extra)

    two, three_and_a_half, one_and_a_half = log(in_pictures, "2"), log(in_pictures, "3.5"), log(in_pictures, "1.5")
    log(in_pictures, "1", kind="promotion", requested_by_program=True)
    pay = {"enrollment": in_pictures, "paid_on": days_ago(1)}
    record_compensation(kind="cash", amount="100.00", contributions=[two], **pay)
    record_compensation(kind="stipend", amount="0", contributions=[one_and_a_half], **pay)
    record_compensation(kind="credits", amount="50.00", contributions=[three_and_a_half], **pay)
    record_compensation(kind="gift", amount="20.00", **pay)
    decided = factories.WorkFactory(enrollment=in_pictures)
    record_decision(work=decided, outcome="rejected", decided_at=timezone.now())
    factories.WorkFactory(enrollment=in_pictures)

    log(in_frames, "4")
    revoke_access(enrollment=in_frames, occurred_at=moment(2))

    someone = factories.EnrollmentFactory(program=pictures)
    theirs = log(someone, "9")
    record_compensation(enrollment=someone, kind="cash", amount="500", paid_on=days_ago(1), contributions=[theirs])
    factories.WorkFactory(enrollment=someone)
    return in_pictures, in_frames


def test_the_overview_shows_each_programs_totals_computed_by_hand(client, me, two_programs):
    in_pictures, in_frames = two_programs

    response = client.get(reverse("ledger"))

    assert response.status_code == 200
    rows = {row.program.name: row for row in response.context["summary"].programs}
    assert list(rows) == ["Moving Pictures", "Still Frames"]
    pictures, frames = rows["Moving Pictures"], rows["Still Frames"]
    assert (pictures.contributions, pictures.hours) == (4, Decimal("8"))
    assert pictures.cash_paid == Decimal("100.00")
    assert pictures.other_value == Decimal("70.00")
    assert (pictures.unpaid_contributions, pictures.unpaid_hours) == (3, Decimal("6"))
    assert (pictures.works, pictures.pending_works) == (2, 1)
    assert pictures.enrollment.status == "active"
    assert (frames.contributions, frames.hours, frames.cash_paid, frames.other_value) == (1, 4, 0, 0)
    assert (frames.unpaid_contributions, frames.unpaid_hours) == (1, Decimal("4"))
    assert frames.enrollment.status == "revoked"
    assert frames.status_since == moment(2)

    summary = response.context["summary"]
    assert (summary.contributions, summary.hours) == (5, Decimal("12"))
    assert (summary.unpaid_contributions, summary.unpaid_hours) == (4, Decimal("10"))
    assert summary.cash_paid_by_currency == {"USD": Decimal("100.00")}
    assert summary.other_value_by_currency == {"USD": Decimal("70.00")}
    assert summary.pending_works == 1

    text = page_text(response)
    assert reverse("ledger-enrollment", args=[in_pictures.pk]) in text
    assert "100.00 USD" in text and "70.00 USD" in text
    assert "Revoked" in text and "Frontier Labs" in text


def test_money_is_decimal_in_the_totals(me, two_programs):
    row = program_totals(me)[0]

    assert isinstance(row.cash_paid, Decimal) and isinstance(row.unpaid_hours, Decimal)


def test_the_overview_takes_the_same_few_queries_however_many_programs(client, me, django_assert_max_num_queries):
    factories.ContributionFactory(enrollment=factories.EnrollmentFactory(artist=me))
    with CaptureQueriesContext(connection) as one_program:
        client.get(reverse("ledger"))
    for _ in range(6):
        enrollment = factories.EnrollmentFactory(artist=me)
        factories.ContributionFactory(enrollment=enrollment)
        factories.CompensationFactory(enrollment=enrollment)
        factories.WorkFactory(enrollment=enrollment)

    with django_assert_max_num_queries(len(one_program.captured_queries)):
        response = client.get(reverse("ledger"))

    assert len(response.context["summary"].programs) == 7
    assert (
        len(one_program.captured_queries) <= 13
    )  # session, user, artist, 4 for the totals, 3 for the findings, a few for the page


# Joining a program


def test_the_join_page_offers_the_programs_not_joined_yet_by_name_with_their_organization(client, me):
    joined = factories.ProgramFactory(name="Already In")
    factories.EnrollmentFactory(program=joined, artist=me)
    factories.ProgramFactory(name="Zeta Preview", organization__name="Zed Corp")
    factories.ProgramFactory(name="Alpha Preview", organization__name="Ay Inc")
    factories.ProgramFactory(name="Unlisted Proposal", is_listed=False)
    factories.ProgramFactory(name="My Proposal", organization__name="New Co", is_listed=False, proposed_by=me)

    response = client.get(reverse("ledger-join"))

    choices = [label for value, label in response.context["form"].fields["program"].choices if value]
    assert choices == [
        "Alpha Preview (Ay Inc)",
        "My Proposal (New Co) — your proposal, waiting for staff",
        "Zeta Preview (Zed Corp)",
    ]
    assert "/me/programs/propose/" in page_text(response)


def test_joining_a_program_enrols_the_artist_from_the_day_access_was_granted(client, me):
    program = factories.ProgramFactory(name="Moving Pictures")

    response = client.post(
        reverse("ledger-join"), {"program": program.pk, "granted_on": days_ago(30).isoformat()}, follow=True
    )

    enrollment = Enrollment.objects.get(artist=me)
    assert (enrollment.program, enrollment.granted_on, enrollment.status) == (program, days_ago(30), "active")
    assert enrollment.access_events.get().recorded_by == me.user
    assert response.redirect_chain == [(reverse("ledger-enrollment", args=[enrollment.pk]), 302)]
    assert "Moving Pictures is in your ledger" in page_text(response)


@pytest.mark.parametrize(
    ("granted_on", "message"),
    [
        (days_ago(-3), "This date cannot be in the future."),
        (days_ago(400), "opened on"),
        ("", "This field is required."),
        ("not a date", "Enter a valid date."),
    ],
)
def test_a_bad_grant_date_is_shown_on_its_field_and_nothing_is_written(client, me, granted_on, message):
    program = factories.ProgramFactory()

    response = client.post(reverse("ledger-join"), {"program": program.pk, "granted_on": str(granted_on)})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["granted_on"])
    assert message in page_text(response)
    assert not Enrollment.objects.exists()


def test_a_program_already_in_the_ledger_cannot_be_joined_twice(client, me, enrollment):
    mine = factories.EnrollmentFactory(artist=me)

    response = client.post(reverse("ledger-join"), {"program": mine.program.pk, "granted_on": days_ago(3)})

    assert "Choose one of the programs in the list." in response.context["form"].errors["program"]
    assert Enrollment.objects.filter(artist=me).count() == 1


# A program's page


def test_a_programs_page_shows_its_totals_history_and_records(client, me, two_programs):
    in_pictures, in_frames = two_programs

    response = client.get(reverse("ledger-enrollment", args=[in_pictures.pk]))

    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals.hours, totals.cash_paid, totals.unpaid_contributions) == (Decimal("8"), Decimal("100.00"), 3)
    text = page_text(response)
    assert "Moving Pictures" in text and "Granted" in text
    assert "Credits" in text and "not pay" in text
    assert "Rejected" in text and "No reason given" in text
    for name in ("ledger-contribution-new", "ledger-compensation-new", "ledger-work-new"):
        assert f"{reverse(name)}?enrollment={in_pictures.pk}" in text
    assert reverse("ledger-access", args=[in_pictures.pk]) in text
    assert reverse("ledger-enrollment-delete", args=[in_pictures.pk]) in text

    revoked = page_text(client.get(reverse("ledger-enrollment", args=[in_frames.pk])))
    assert "Revoked" in revoked and "No reason was given" in revoked


def test_a_programs_contributions_are_paginated_by_25(client, me, enrollment):
    mine = factories.EnrollmentFactory(artist=me)
    for day in range(30):
        factories.ContributionFactory(enrollment=mine, occurred_on=days_ago(day), title=f"Session {day}")
    url = reverse("ledger-enrollment", args=[mine.pk])

    first, second = client.get(url), client.get(url, {"page": 2})

    assert len(first.context["contributions"].page) == 25
    assert "Session 0<" in page_text(first) and "Session 29<" not in page_text(first)
    assert len(second.context["contributions"].page) == 5
    assert "Session 29<" in page_text(second)
    assert "?page=2" in page_text(first)
    assert "Page 2 of 2" in page_text(second)


def test_a_programs_page_takes_a_fixed_number_of_queries(client, me, django_assert_max_num_queries):
    mine = factories.EnrollmentFactory(artist=me)
    for _ in range(30):
        factories.ContributionFactory(enrollment=mine)
        factories.WorkFactory(enrollment=mine)
    contributions = list(mine.contributions.all())
    for i in range(5):
        record_compensation(
            enrollment=mine, kind="cash", amount="10", paid_on=days_ago(1), contributions=contributions[i::5]
        )

    with django_assert_max_num_queries(20):
        response = client.get(reverse("ledger-enrollment", args=[mine.pk]))

    assert response.status_code == 200


# Removing a program from the ledger


def test_removing_a_program_says_what_will_be_deleted_then_deletes_it(client, me, two_programs):
    in_pictures, _ = two_programs
    url = reverse("ledger-enrollment-delete", args=[in_pictures.pk])

    confirm = page_text(client.get(url))

    assert "4 contributions" in confirm
    assert "2 works and 1 decision" in confirm
    assert "4 payments" in confirm
    assert "1 access change" in confirm
    assert Enrollment.objects.filter(pk=in_pictures.pk).exists()

    response = client.post(url, follow=True)

    assert response.redirect_chain == [(reverse("ledger"), 302)]
    assert "Moving Pictures and everything you logged under it were removed" in page_text(response)
    assert not Enrollment.objects.filter(pk=in_pictures.pk).exists()
    assert not Contribution.objects.filter(enrollment_id=in_pictures.pk).exists()
    assert Enrollment.objects.filter(artist=me).count() == 1


# Reporting an access change


def test_reporting_a_suspension_without_a_reason_records_it_in_utc(client, me):
    mine = factories.EnrollmentFactory(artist=me)
    day = days_ago(5)

    response = client.post(
        reverse("ledger-access", args=[mine.pk]),
        {"kind": "suspended", "occurred_at": f"{day.isoformat()}T18:30", "reason": "  ", "notice_days": ""},
        follow=True,
    )

    event = mine.access_events.latest("occurred_at")
    assert event.kind == "suspended"
    assert event.occurred_at == dt.datetime.combine(day, dt.time(18, 30), tzinfo=dt.UTC)
    assert (event.reason, event.notice_days, event.actor, event.recorded_by) == ("", None, "program", me.user)
    mine.refresh_from_db()
    assert mine.status == "suspended"
    assert response.redirect_chain == [(reverse("ledger-enrollment", args=[mine.pk]), 302)]
    text = page_text(response)
    assert "Recorded: access suspended" in text
    assert "No reason was given" in text and "unknown" in text


def test_reporting_a_revocation_with_reason_and_notice(client, me):
    mine = factories.EnrollmentFactory(artist=me)

    client.post(
        reverse("ledger-access", args=[mine.pk]),
        {"kind": "revoked", "occurred_at": f"{days_ago(1)}T09:00", "reason": "Program ended", "notice_days": "0"},
    )

    event = mine.access_events.latest("occurred_at")
    assert (event.kind, event.reason, event.notice_days) == ("revoked", "Program ended", 0)


def test_the_access_form_explains_blank_reasons_utc_and_what_is_possible(client, me):
    mine = factories.EnrollmentFactory(artist=me)

    text = page_text(client.get(reverse("ledger-access", args=[mine.pk])))

    assert "no reason was given" in text
    assert "Times are in UTC." in text
    assert "it can be suspended or revoked" in text


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "reinstated"}, "kind", "that change is not possible"),
        ({"occurred_at": "2999-01-01T10:00"}, "occurred_at", "This cannot be in the future."),
        ({"occurred_at": "yesterday"}, "occurred_at", "Enter a valid date/time."),
        ({"notice_days": "-2"}, "notice_days", "greater than or equal to 0"),
        ({"kind": "granted"}, "kind", "Select a valid choice."),
    ],
)
def test_an_impossible_access_change_is_refused_on_its_field(client, me, data, field, message):
    mine = factories.EnrollmentFactory(artist=me)
    before = access_events_state()
    good = {"kind": "suspended", "occurred_at": f"{days_ago(1)}T10:00", "reason": "", "notice_days": ""}

    response = client.post(reverse("ledger-access", args=[mine.pk]), good | data)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert access_events_state() == before
    mine.refresh_from_db()
    assert mine.status == "active"


def test_an_access_change_before_the_last_one_is_refused(client, me):
    mine = factories.EnrollmentFactory(artist=me)
    revoke_access(enrollment=mine, occurred_at=moment(2))

    response = client.post(
        reverse("ledger-access", args=[mine.pk]), {"kind": "reinstated", "occurred_at": f"{days_ago(3)}T10:00"}
    )

    assert "a new change cannot come before it" in " ".join(response.context["form"].errors["occurred_at"])
    assert mine.access_events.count() == 2


def test_the_ledger_shows_open_findings_about_the_artists_own_records(client, db):
    import datetime as dt

    from django.utils import timezone

    from programs.services import revoke_access
    from tracker.services import run_scan

    mine = factories.EnrollmentFactory()
    theirs = factories.EnrollmentFactory(program=mine.program)
    for enrollment in (mine, theirs):
        revoke_access(enrollment=enrollment, occurred_at=timezone.now() - dt.timedelta(hours=3))
    run_scan(rules=["revoked_without_reason"])
    client.force_login(mine.artist.user)

    response = client.get("/me/")

    assert [flag.artist_id for flag in response.context["flags"]] == [mine.artist_id]
    assert "Revoked without a reason: 1" in response.content.decode()
