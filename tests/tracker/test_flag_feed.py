import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from programs.services import revoke_access, revoke_many
from tests import factories
from tracker.models import Flag, Follow
from tracker.services import run_scan


@pytest.fixture
def revoked_world(db, settings):
    """A program of 5 artists, two revoked without a reason; one of them opted in to a public name."""
    settings.MIN_GROUP_SIZE = 5
    program = factories.ProgramFactory(name="Moving Pictures Preview", slug="moving-pictures")
    enrollments = [factories.EnrollmentFactory(program=program) for _ in range(5)]
    named = enrollments[0].artist
    named.public_name, named.show_public_name = "Ada Lovelace", True
    named.save()
    quiet = enrollments[1].artist
    quiet.public_name = "Secret Person"
    quiet.save()
    when = timezone.now() - dt.timedelta(days=2)
    for enrollment in enrollments[:2]:
        revoke_access(enrollment=enrollment, occurred_at=when)
    run_scan(rules=["revoked_without_reason"], trigger="command")
    return program, named, quiet, enrollments


def revoke_all(enrollments, when):
    for enrollment in enrollments:
        revoke_access(enrollment=enrollment, occurred_at=when)
    run_scan(rules=["revoked_without_reason"])


def test_feed_shows_findings_about_artists_as_a_monthly_count_and_never_names_them(client, revoked_world):
    program, named, quiet, enrollments = revoked_world
    revoke_all(enrollments[2:], timezone.now() - dt.timedelta(days=2))

    response = client.get("/flags/")

    page = response.content.decode()
    (finding,) = response.context["findings"]
    month = f"{timezone.now() - dt.timedelta(days=2):%Y-%m}"
    assert (finding.kind, finding.month_label, finding.artists, finding.findings) == (
        "revoked_without_reason",
        month,
        5,
        5,
    )
    assert "5 artists: 5 revocations" in page and month in page
    for flag in Flag.objects.all():
        assert flag.message not in page and flag.subject_key not in page
    assert "Ada Lovelace" not in page and "Secret Person" not in page
    assert quiet.handle not in page and named.handle not in page
    assert "a tester (not named)" not in page
    assert "Last scan" in page


def test_feed_withholds_a_month_with_fewer_verified_artists_than_the_floor(client, revoked_world):
    response = client.get("/flags/")

    page = response.content.decode()
    (finding,) = response.context["findings"]
    assert finding.withheld and finding.artists is None and finding.findings is None
    assert "Withheld: Fewer than 5 verified artists are behind this finding" in page
    assert "2 artists" not in page and "2 revocations" not in page


def test_feed_shows_program_level_findings_as_they_are(client, revoked_world):
    other = factories.ProgramFactory(name="Other Program", responsible_use_definition="")
    run_scan(rules=["undefined_terms"])
    flag = Flag.objects.get(kind="undefined_terms", program=other)

    page = client.get("/flags/", {"kind": "undefined_terms"}).content.decode()

    assert flag.message.replace('"', "&quot;") in page
    assert f"seen by a scan on {flag.raised_at:%Y-%m-%d}" in page
    assert "happened on" not in page  # undefined terms is a state, not an event


def test_feed_filters_by_program_kind_month_and_state(client, revoked_world):
    program, *_ = revoked_world
    other = factories.ProgramFactory(name="Other Program", responsible_use_definition="")
    run_scan(rules=["undefined_terms"])
    month = f"{timezone.now() - dt.timedelta(days=2):%Y-%m}"

    def shown(query):
        response = client.get("/flags/", query)
        assert response.status_code == 200
        return [(f.program_slug, f.kind) for f in response.context["findings"]]

    assert {slug for slug, _ in shown({"program": program.slug})} == {program.slug}
    assert (program.slug, "revoked_without_reason") in shown({"program": program.slug})
    assert (other.slug, "undefined_terms") in shown({"kind": "undefined_terms"})
    assert {kind for _, kind in shown({"kind": "undefined_terms"})} == {"undefined_terms"}
    assert (program.slug, "revoked_without_reason") in shown({"month": month})
    assert shown({"month": "2001-01"}) == []
    assert shown({"state": "resolved"}) == []
    assert "No resolved findings match these filters" in client.get("/flags/", {"state": "resolved"}).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"month": "yesterday"},
        {"month": "2026-13"},
        {"kind": "bogus"},
        {"program": "no-such-program"},
        {"state": "maybe"},
    ],
)
def test_bad_filters_answer_400_with_a_message(client, revoked_world, query):
    response = client.get("/flags/", query)

    assert response.status_code == 400
    assert "These filters are not valid" in response.content.decode()


def test_there_is_no_state_that_adds_open_and_resolved_together(client, revoked_world):
    """A total over both states minus the open cells would give the resolved ones."""
    response = client.get("/flags/", {"state": ""})

    assert response.status_code == 200
    assert {f.state for f in response.context["findings"]} == {"open"}
    assert client.get("/flags/", {"state": "all"}).status_code == 400


def test_following_a_program_needs_a_login_and_a_post(client, revoked_world):
    program, *_ = revoked_world

    assert client.get(f"/programs/{program.slug}/follow/").status_code in (302, 405)
    response = client.post(f"/programs/{program.slug}/follow/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Follow.objects.exists()


def test_an_advocate_follows_and_unfollows_a_program(client, revoked_world):
    program, *_ = revoked_world
    advocate = factories.UserFactory(username="advocate")
    client.force_login(advocate)

    client.post(f"/programs/{program.slug}/follow/")
    assert Follow.objects.filter(user=advocate, program=program).exists()
    assert "Stop following" in client.get("/flags/", {"program": program.slug}).content.decode()

    client.post(f"/programs/{program.slug}/follow/", {"action": "unfollow"})
    assert not Follow.objects.filter(user=advocate).exists()


def test_an_unlisted_program_cannot_be_followed(client, db):
    hidden = factories.ProgramFactory(is_listed=False)
    client.force_login(factories.UserFactory())

    assert client.post(f"/programs/{hidden.slug}/follow/").status_code == 404


def test_an_empty_feed_says_so(client, db):
    page = client.get("/flags/").content.decode()

    assert "No open findings." in page and "The checks have not run yet." in page


def test_feed_pages_through_many_findings_in_few_queries(client, db, django_assert_max_num_queries, settings):
    settings.MIN_GROUP_SIZE = 1
    for _ in range(60):
        factories.ContributionFactory(
            enrollment=factories.EnrollmentFactory(program=factories.ProgramFactory()),
            kind="promotion",
            requested_by_program=True,
        )
    run_scan(rules=["uncompensated_promotion"])

    with django_assert_max_num_queries(10):
        first = client.get("/flags/")
    assert len(first.context["findings"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/flags/", {"page": 2})
    assert len(second.context["findings"]) == 10


# When a finding happened or came due, apart from when a scan saw it ------------------------


def test_a_mass_revocation_shows_the_day_it_started_not_the_day_a_scan_saw_it(client, db, settings):
    """Ten of twelve testers revoked on a day 24 days ago; the scan runs today: the feed and
    the program page say it happened that day and was seen by a scan today, and the finding
    is in the month it happened."""
    settings.MIN_GROUP_SIZE = 5
    program = factories.ProgramFactory(name="Wave Preview", slug="wave")
    testers = [factories.EnrollmentFactory(program=program) for _ in range(12)]
    started = (timezone.now() - dt.timedelta(days=24)).replace(hour=9, minute=0)
    revoke_many(enrollments=testers[:10], occurred_at=started, reason="Cuts.")
    run_scan(rules=["mass_revocation"])
    flag = Flag.objects.get(kind="mass_revocation")
    assert (flag.occurred_on, flag.due_on) == (started.date(), None)

    response = client.get("/flags/", {"kind": "mass_revocation"})

    (finding,) = response.context["findings"]
    assert (finding.month_label, finding.occurred_on) == (f"{started:%Y-%m}", started.date())
    page = response.content.decode()
    assert f"happened on {started:%Y-%m-%d}; seen by a scan on {timezone.now():%Y-%m-%d}" in page
    program_page = client.get("/programs/wave/").content.decode()
    assert f"happened on {started:%-d %b %Y}; seen by a scan on {timezone.now():%-d %b %Y}" in program_page


def test_the_feed_lists_the_most_severe_first_then_newest_by_the_day_it_happened(client, db, settings):
    """Hand-made flags as the rules write them: high before medium whatever the days; within
    a severity the later day first, whenever a scan raised them."""
    settings.MIN_GROUP_SIZE = 5
    a = factories.ProgramFactory(name="A Program", slug="a-program")
    b = factories.ProgramFactory(name="B Program", slug="b-program")
    today = timezone.now()

    def finding(program, kind, severity, occurred_on, raised_days_ago, subject):
        return Flag.objects.create(
            program=program,
            kind=kind,
            severity=severity,
            subject_key=subject,
            message=f"{kind} {subject}",
            occurred_on=occurred_on,
            raised_at=today - dt.timedelta(days=raised_days_ago),
        )

    old_wave = finding(a, "mass_revocation", "high", dt.date(2026, 2, 3), 1, "revocations:1:2026-02-03")
    new_wave = finding(b, "mass_revocation", "high", dt.date(2026, 3, 9), 20, "revocations:2:2026-03-09")
    terms = finding(a, "undefined_terms", "medium", None, 2, "program:1")

    response = client.get("/flags/")

    assert [f.flag_id for f in response.context["findings"]] == [new_wave.pk, old_wave.pk, terms.pk]
    # The API lists them in the same order.
    assert [row["id"] for row in client.get("/api/v1/flags/").json()["results"]] == [new_wave.pk, old_wave.pk, terms.pk]


# One count per contribution ----------------------------------------------------------------


@pytest.fixture
def promoted_world(db, settings):
    """Five verified testers, each asked for a promotion 45 days ago (3.00 h) and not paid;
    the terms are 30 days, so it came due 15 days ago: both rules find each promotion."""
    settings.MIN_GROUP_SIZE = 5
    program = factories.ProgramFactory(name="Promo Preview", slug="promo", payment_terms_days=30)
    asked_on = timezone.localdate() - dt.timedelta(days=45)
    testers = [factories.EnrollmentFactory(program=program) for _ in range(5)]
    for enrollment in testers:
        factories.ContributionFactory(
            enrollment=enrollment,
            kind="promotion",
            requested_by_program=True,
            occurred_on=asked_on,
            hours_spent=Decimal("3.00"),
        )
    run_scan(rules=["unpaid_feedback", "uncompensated_promotion"])
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 10
    return program, testers, asked_on


def test_a_requested_unpaid_promotion_is_counted_once_in_the_unpaid_work(client, promoted_world):
    """Each kind keeps its own count (5 contributions each); the unpaid work counts the five
    contributions once, not ten, and says why."""
    program, _, asked_on = promoted_world
    due_month = f"{asked_on + dt.timedelta(days=30):%Y-%m}"

    response = client.get("/flags/")

    page = response.content.decode()
    per_kind = {(f.kind, f.contributions, f.hours) for f in response.context["findings"]}
    assert per_kind == {("unpaid_feedback", 5, Decimal("15.00")), ("uncompensated_promotion", 5, Decimal("15.00"))}
    (cell,) = response.context["unpaid_work"]
    assert (cell.month_label, cell.artists, cell.contributions, cell.hours) == (due_month, 5, 5, Decimal("15.00"))
    assert page.count("5 artists: 5 contributions, 15.00 h") == 3  # two kinds, and the work once
    assert "10 contributions" not in page and "30.00" not in page
    assert "A requested promotion left unpaid raises both findings; it is counted once here." in page

    api = client.get("/api/v1/flags/unpaid-work/").json()
    assert api["count"] == 1
    assert api["results"][0] == {
        "program": "promo",
        "month": due_month,
        "state": "open",
        "withheld": False,
        "withheld_reason": "",
        "artists": 5,
        "contributions": 5,
        "hours": "15.00",
        "note": "A requested promotion left unpaid raises both findings; it is counted once here.",
    }
    program_page = client.get("/programs/promo/").content.decode()
    assert f"{due_month}: 5 contributions, 15.00 h, 5 artists" in program_page
    assert client.get("/api/v1/flags/unpaid-work/", {"kind": "unpaid_feedback"}).status_code == 400


def test_unpaid_work_below_the_floor_is_withheld(client, promoted_world, settings):
    settings.MIN_GROUP_SIZE = 6

    response = client.get("/flags/")

    (cell,) = response.context["unpaid_work"]
    assert cell.withheld and (cell.artists, cell.contributions, cell.hours) == (None, None, None)
    assert "15.00" not in response.content.decode()
    (row,) = client.get("/api/v1/flags/unpaid-work/").json()["results"]
    assert row["withheld"] and row["contributions"] is None


def test_a_promotion_with_only_its_own_finding_does_not_isolate_a_few_artists(client, promoted_world):
    """Were two testers' promotions found only by the promotion rule (as between the two
    rules' scans), the unpaid work minus the unpaid-feedback count would isolate those two:
    the figure is withheld."""
    _, testers, _ = promoted_world
    for enrollment in testers[:2]:
        Flag.objects.filter(kind="unpaid_feedback", artist=enrollment.artist).delete()

    (cell,) = client.get("/flags/").context["unpaid_work"]

    assert cell.withheld


def test_an_artist_sees_their_own_days_past_due_and_their_unpaid_work_once(client, promoted_world):
    _, testers, asked_on = promoted_world
    client.force_login(testers[0].artist.user)
    due_on = asked_on + dt.timedelta(days=30)

    page = client.get("/me/").content.decode()

    assert f"Happened on {asked_on:%Y-%m-%d}; due on {due_on:%Y-%m-%d}; unpaid 15 days past due" in page
    assert "Unpaid work past due: 1 contribution, 3.00 h." in page
    assert "it is counted once here." in page
    flags = client.get("/api/v1/me/flags/").json()["results"]
    assert {(row["occurred_on"], row["due_on"], row["days_past_due"]) for row in flags} == {
        (f"{asked_on:%Y-%m-%d}", f"{due_on:%Y-%m-%d}", 15)
    }
