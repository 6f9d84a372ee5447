"""The quick log (/me/log/) through the test client: what it preselects, what it refuses
(nothing stored), who may open it, and what it says after logging."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Contribution
from programs.services import record_access_event
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("quick-log")


@pytest.fixture
def artist():
    return factories.ArtistFactory(user__username="mira")


@pytest.fixture
def two_programs(artist):
    """Two enrollments; the artist last logged to Still Frames, though Moving Pictures sorts first."""
    pictures = factories.EnrollmentFactory(artist=artist, program__name="Moving Pictures Preview")
    frames = factories.EnrollmentFactory(artist=artist, program__name="Still Frames")
    factories.ContributionFactory(enrollment=pictures, occurred_on=timezone.localdate() - dt.timedelta(days=3))
    factories.ContributionFactory(enrollment=frames, occurred_on=timezone.localdate() - dt.timedelta(days=9))
    return pictures, frames


def _post(client, enrollment, **overrides):
    data = {
        "enrollment": enrollment.pk,
        "hours": "1",
        "hours_other": "",
        "occurred_on": timezone.localdate().isoformat(),
        "kind": "bug_report",
        **overrides,
    }
    return client.post(URL, data)


def test_the_last_used_program_today_and_one_hour_are_preselected(client, artist, two_programs):
    pictures, frames = two_programs
    client.force_login(artist.user)

    response = client.get(URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert form["enrollment"].value() == frames.pk
    assert form["occurred_on"].value() == timezone.localdate()
    assert form["hours"].value() == "1"
    html = response.content.decode()
    radio = re.search(rf'<input type="radio" name="enrollment" value="{frames.pk}"[^>]*>', html).group(0)
    assert "checked" in radio
    for label in ("Bug report", "Feedback session", "Promotion", "Other"):
        assert f'name="kind" value="{Contribution.Kind(label.lower().replace(" ", "_")).value}">{label}<' in html


def test_the_page_reads_a_bounded_number_of_queries(client, artist, two_programs, django_assert_max_num_queries):
    for _ in range(5):
        factories.EnrollmentFactory(artist=artist)
    client.force_login(artist.user)

    with django_assert_max_num_queries(10):
        assert client.get(URL).status_code == 200


def test_a_program_ledger_links_to_the_quick_log_on_its_own_program(client, artist, two_programs):
    pictures, frames = two_programs
    client.force_login(artist.user)

    html = client.get(reverse("ledger-enrollment", args=[pictures.pk])).content.decode()
    assert f'href="{URL}?enrollment={pictures.pk}"' in html

    assert client.get(f"{URL}?enrollment={pictures.pk}").context["form"]["enrollment"].value() == pictures.pk


def test_without_a_logged_contribution_the_first_active_program_is_preselected(client, artist):
    revoked = factories.EnrollmentFactory(artist=artist, program__name="A Closed Beta")
    record_access_event(enrollment=revoked, kind="revoked", occurred_at=timezone.now(), reason="Program ended")
    active = factories.EnrollmentFactory(artist=artist, program__name="B Open Beta")
    client.force_login(artist.user)

    form = client.get(URL).context["form"]

    assert form["enrollment"].value() == active.pk


def test_logging_stores_the_contribution_and_says_what_was_logged(client, artist, two_programs):
    pictures, _ = two_programs
    client.force_login(artist.user)

    response = _post(client, pictures, hours="1.5", requested_by_program="on", kind="bug_report", title="")

    contribution = Contribution.objects.latest("id")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?logged={contribution.pk}"
    assert contribution.enrollment == pictures
    assert contribution.kind == "bug_report"
    assert contribution.hours_spent == Decimal("1.5")
    assert contribution.occurred_on == timezone.localdate()
    assert contribution.requested_by_program is True
    assert contribution.title == "Bug report"

    page = client.get(response["Location"])
    text = page.content.decode()
    assert f"Logged 1½ h of bug report for Moving Pictures Preview, {timezone.localdate():%Y-%m-%d}." in text
    assert reverse("ledger-contribution-edit", args=[contribution.pk]) in text
    assert reverse("ledger-contribution-delete", args=[contribution.pk]) in text
    # The program just used is preselected for the next one.
    assert page.context["form"]["enrollment"].value() == pictures.pk


def test_typed_hours_win_over_the_chips_and_a_title_and_note_are_kept(client, artist, two_programs):
    pictures, _ = two_programs
    client.force_login(artist.user)

    _post(client, pictures, hours="1", hours_other="2.75", title="Crash on export", description="Twice.", kind="other")

    contribution = Contribution.objects.latest("id")
    assert (contribution.hours_spent, contribution.title, contribution.description) == (
        Decimal("2.75"),
        "Crash on export",
        "Twice.",
    )


@pytest.mark.parametrize(
    ("hours", "hours_other", "message"),
    [
        ("1", "1.3", "Give the hours in quarter steps (0.25, 0.5, 0.75 …): 1.3 is not one."),
        ("1", "0", "Give more than 0 and at most 24 hours"),
        ("1", "24.25", "Give more than 0 and at most 24 hours"),
        ("1.3", "", "Choose one of the hours shown"),
        ("", "", "Choose the hours it took"),
    ],
)
def test_hours_off_the_quarter_grid_or_out_of_range_are_refused(
    client, artist, two_programs, hours, hours_other, message
):
    pictures, _ = two_programs
    client.force_login(artist.user)
    before = Contribution.objects.count()

    response = _post(client, pictures, hours=hours, hours_other=hours_other)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Nothing was logged." in response.content.decode()
    assert Contribution.objects.count() == before


def test_a_future_date_is_refused_and_nothing_is_stored(client, artist, two_programs):
    pictures, _ = two_programs
    client.force_login(artist.user)
    before = Contribution.objects.count()

    response = _post(client, pictures, occurred_on=(timezone.localdate() + dt.timedelta(days=1)).isoformat())

    assert response.status_code == 200
    assert response.context["form"].errors["occurred_on"] == ["This date cannot be in the future."]
    assert Contribution.objects.count() == before


def test_a_date_before_the_program_opened_is_refused(client, artist, two_programs):
    pictures, _ = two_programs
    client.force_login(artist.user)
    before = Contribution.objects.count()

    response = _post(client, pictures, occurred_on=(pictures.program.opened_on - dt.timedelta(days=1)).isoformat())

    assert "this is before that" in response.context["form"].errors["occurred_on"][0]
    assert Contribution.objects.count() == before


def test_a_program_without_a_grant_date_is_refused_on_its_chip(client, artist):
    invited = factories.EnrollmentFactory(artist=artist, granted_on=None)
    client.force_login(artist.user)

    response = _post(client, invited)

    assert response.context["form"].errors["enrollment"] == ["Record when access to this program was granted first."]
    assert Contribution.objects.count() == 0


def test_without_a_kind_nothing_is_logged(client, artist, two_programs):
    pictures, _ = two_programs
    client.force_login(artist.user)

    response = _post(client, pictures, kind="")

    assert "tap one of the kind buttons" in response.content.decode()
    assert Contribution.objects.count() == 2


def test_an_artist_without_a_program_is_sent_to_add_one(client, artist):
    client.force_login(artist.user)

    response = client.get(URL)

    assert response.status_code == 200
    assert "form" not in response.context
    assert reverse("ledger-join") in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_account_without_an_artist_profile_is_told_the_page_is_for_artists(client):
    client.force_login(factories.UserFactory(username="advocate"))

    response = client.get(URL)
    posted = client.post(URL, {"kind": "bug_report", "hours": "1"})

    assert response.status_code == posted.status_code == 403
    assert "This page is for artists" in response.content.decode()
    assert Contribution.objects.count() == 0


def test_the_quick_log_is_linked_from_the_ledger_and_the_site_nav(client, artist, two_programs):
    client.force_login(artist.user)

    for page in ("ledger", "ledger-contributions"):
        assert f'href="{URL}"' in client.get(reverse(page)).content.decode()
