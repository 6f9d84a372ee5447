"""An artist's own pages under /me/: profile, data export and account deletion."""

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from artists import services
from artists.exports import TABLES
from artists.models import Artist, Work
from feedback.models import CompensationAllocation, Contribution
from programs.models import AccessEvent
from programs.services import revoke_access
from tests import factories

User = get_user_model()
PASSWORD = "correct-horse-battery"
ARTIST_PAGES = ["profile", "export", "export-zip", "export-json", "delete-account", "propose-program"]


@pytest.fixture
def artist(db):
    return factories.ArtistFactory(handle="mira_frames", user__username="mira")


@pytest.fixture
def artist_client(client, artist):
    client.force_login(artist.user)
    return client


def field_errors(response, field) -> list[str]:
    return response.context["form"].errors.get(field, [])


@pytest.mark.parametrize("name", ARTIST_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, db, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse(name)}"


@pytest.mark.parametrize("name", ARTIST_PAGES)
@pytest.mark.parametrize("is_staff", [False, True])
def test_someone_without_an_artist_profile_gets_an_explanation(client, db, name, is_staff):
    client.force_login(factories.UserFactory(username="advocate", is_staff=is_staff))

    response = client.get(reverse(name))

    assert response.status_code == 403
    page = response.content.decode()
    assert "This page is for artists" in page
    assert "signed in as advocate" in page
    assert (reverse("admin:index") in page) is is_staff


@pytest.mark.parametrize("name", ["profile", "export", "delete-account", "propose-program"])
def test_every_page_renders_for_an_artist(artist_client, name):
    response = artist_client.get(reverse(name))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# Profile


def test_the_profile_page_shows_the_profile_and_links_to_the_account_pages(artist_client, artist):
    services.update_profile(artist=artist, handle="mira_frames", disciplines=["animation", "sound"], country="FR")

    response = artist_client.get(reverse("profile"))

    page = response.content.decode()
    form = response.context["form"]
    assert form["disciplines"].value() == "animation, sound"
    assert form["country"].value() == "FR"
    assert "Others see your handle unless you tick this." in page
    assert "Others see you as <strong>mira_frames</strong>" in page
    for name in ["password_change", "export", "delete-account"]:
        assert f'href="{reverse(name)}"' in page


def test_saving_the_profile_tidies_and_stores_it(artist_client, artist):
    response = artist_client.post(
        reverse("profile"),
        {
            "handle": "mira_moves",
            "disciplines": " animation, , sound design ,illustration",
            "country": "ng",
            "public_name": "Mira Okafor",
            "show_public_name": "on",
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("profile"), 302)]
    assert "Your profile is saved." in response.content.decode()
    artist.refresh_from_db()
    assert artist.handle == "mira_moves"
    assert artist.disciplines == ["animation", "sound design", "illustration"]
    assert artist.country == "NG"
    assert (artist.public_name, artist.show_public_name) == ("Mira Okafor", True)


def test_leaving_the_box_unticked_keeps_the_public_name_hidden(artist_client, artist):
    artist_client.post(reverse("profile"), {"handle": "mira_frames", "public_name": "Mira Okafor"})

    artist.refresh_from_db()
    assert (artist.public_name, artist.show_public_name, artist.display_name) == ("Mira Okafor", False, "mira_frames")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"handle": "TAKEN"}, "handle", "This handle is taken."),
        ({"handle": "a b"}, "handle", "A handle is 3 to 40 letters"),
        ({"handle": "erased-7"}, "handle", "kept for erased accounts"),
        ({"handle": ""}, "handle", "This field is required."),
        ({"country": "F1"}, "country", "Use a two-letter ISO 3166 country code"),
        ({"country": "FRA"}, "country", "at most 2 characters"),
        ({"show_public_name": "on"}, "public_name", "Give a public name before choosing to show it."),
        ({"disciplines": "x" * 41}, "disciplines", "at most 40 characters"),
    ],
)
def test_a_refused_profile_shows_the_message_on_its_field_and_changes_nothing(
    artist_client, artist, changes, field, message
):
    factories.ArtistFactory(handle="taken")
    before = Artist.objects.values().get(pk=artist.pk)

    response = artist_client.post(reverse("profile"), {"handle": "mira_frames", "disciplines": "video", **changes})

    assert response.status_code == 200
    assert any(message in error for error in field_errors(response, field)), response.context["form"].errors
    assert Artist.objects.values().get(pk=artist.pk) == before


def test_every_problem_with_the_profile_is_shown_at_once(artist_client, artist):
    factories.ArtistFactory(handle="taken")

    response = artist_client.post(
        reverse("profile"), {"handle": "taken", "country": "F1", "show_public_name": "on", "public_name": ""}
    )

    assert set(response.context["form"].errors) == {"handle", "country", "public_name"}


# Export


def ledger_of(artist, *, title: str):
    """One program's worth of records for `artist`: a contribution, a paid allocation, a
    decided work and a revocation."""
    enrollment = factories.EnrollmentFactory(artist=artist)
    contribution = factories.ContributionFactory(enrollment=enrollment, title=title, hours_spent=Decimal("3.5"))
    factories.ContributionFactory(enrollment=enrollment, title=f"{title} again", hours_spent=Decimal("1.25"))
    payment = factories.CompensationFactory(enrollment=enrollment, amount=Decimal("50.00"), note=f"{title} note")
    CompensationAllocation.objects.create(compensation=payment, contribution=contribution, amount=Decimal("50.00"))
    work = factories.WorkFactory(enrollment=enrollment, title=f"{title} piece")
    services.record_decision(work=work, outcome="rejected", decided_at=timezone.now(), reason="Off brand")
    revoke_access(enrollment=enrollment, occurred_at=timezone.now(), reason="Program paused", notice_days=0)
    return enrollment


def csv_tables(content: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))
            for name in archive.namelist()
        }


def test_the_export_page_explains_and_links_both_downloads(artist_client):
    page = artist_client.get(reverse("export")).content.decode()

    assert "What is included" in page
    assert f'href="{reverse("export-zip")}"' in page
    assert f'href="{reverse("export-json")}"' in page


def test_the_zip_holds_my_records_and_no_one_elses(artist_client, artist, django_assert_max_num_queries):
    mine = ledger_of(artist, title="My storyboard test")
    ledger_of(factories.ArtistFactory(handle="someone_else"), title="Their secret test")

    with django_assert_max_num_queries(15):
        response = artist_client.get(reverse("export-zip"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (f'attachment; filename="early-access-tracker-mira_frames-{today}.zip"')
    tables = csv_tables(response.content)
    assert set(tables) == set(TABLES)
    assert b"Their secret test" not in response.content and b"someone_else" not in response.content
    assert [row["handle"] for row in tables["profile"]] == ["mira_frames"]
    assert [row["id"] for row in tables["enrollments"]] == [str(mine.pk)]
    assert sorted(row["title"] for row in tables["contributions"]) == ["My storyboard test", "My storyboard test again"]
    assert sorted(row["hours_spent"] for row in tables["contributions"]) == ["1.25", "3.50"]
    assert [row["title"] for row in tables["works"]] == ["My storyboard test piece"]
    assert [(row["outcome"], row["reason"]) for row in tables["decisions"]] == [("rejected", "Off brand")]
    assert [row["kind"] for row in tables["access_events"]] == ["granted", "revoked"]
    assert [(row["amount"], row["note"]) for row in tables["compensations"]] == [("50.00", "My storyboard test note")]
    assert len(tables["allocations"]) == 1


def test_the_json_export_parses_and_has_the_same_records_as_the_zip(artist_client, artist):
    ledger_of(artist, title="My storyboard test")
    ledger_of(factories.ArtistFactory(handle="someone_else"), title="Their secret test")

    response = artist_client.get(reverse("export-json"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="early-access-tracker-mira_frames-')
    assert response["Content-Disposition"].endswith('.json"')
    data = json.loads(response.content)
    tables = csv_tables(artist_client.get(reverse("export-zip")).content)
    assert {table: len(data[table]) for table in TABLES} == {table: len(rows) for table, rows in tables.items()}
    assert {table: len(data[table]) for table in ["contributions", "works", "decisions", "access_events"]} == {
        "contributions": 2,
        "works": 1,
        "decisions": 1,
        "access_events": 2,
    }
    assert "Their secret test" not in response.content.decode()


@pytest.mark.parametrize("name", ["export-zip", "export-json"])
def test_downloads_answer_only_get(artist_client, name):
    assert artist_client.post(reverse(name)).status_code == 405


# Deletion


def program_figures(program) -> dict:
    return {
        **Contribution.objects.filter(enrollment__program=program).aggregate(
            contributions=Count("id"), hours=Sum("hours_spent")
        ),
        "days": sorted(Contribution.objects.filter(enrollment__program=program).values_list("occurred_on", flat=True)),
        "works": Work.objects.filter(enrollment__program=program).count(),
        "revocations": AccessEvent.objects.filter(enrollment__program=program, kind="revoked").count(),
        "revocations_with_reason": AccessEvent.objects.filter(enrollment__program=program, kind="revoked")
        .exclude(reason="")
        .count(),
    }


def test_the_delete_page_says_what_is_removed_and_what_is_kept(artist_client):
    page = artist_client.get(reverse("delete-account")).content.decode()

    assert "Removed" in page and "Kept, linked to no one" in page
    for words in ["username, email and password", "mira_frames", "titles and descriptions", "Dates, hours and kinds"]:
        assert words in page
    assert "figures and flags are drawn from these counts" in page
    assert 'type="password"' in page


def test_a_wrong_password_deletes_nothing(artist_client, artist):
    ledger_of(artist, title="My storyboard test")

    response = artist_client.post(reverse("delete-account"), {"password": "not-my-password"})

    assert response.status_code == 200
    assert field_errors(response, "password") == ["This is not your password. Nothing was deleted."]
    artist.refresh_from_db()
    assert artist.erased_at is None and artist.user is not None
    assert Contribution.objects.filter(title="My storyboard test").exists()


def test_deleting_the_account_erases_the_person_and_keeps_the_program_figures(client, artist):
    enrollment = ledger_of(artist, title="My storyboard test")
    program = enrollment.program
    ledger_of_other = factories.EnrollmentFactory(program=program)
    factories.ContributionFactory(enrollment=ledger_of_other, title="Another tester's notes", hours_spent="2")
    before = program_figures(program)
    client.post(reverse("login"), {"username": "mira", "password": PASSWORD})

    response = client.post(reverse("delete-account"), {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Your account is deleted." in response.content.decode()
    assert not response.context["user"].is_authenticated
    assert not User.objects.filter(username="mira").exists()
    assert not client.login(request=HttpRequest(), username="mira", password=PASSWORD)
    assert client.post(reverse("login"), {"username": "mira", "password": PASSWORD}).status_code == 200

    artist.refresh_from_db()
    assert artist.erased_at is not None and artist.user is None
    assert artist.handle != "mira_frames" and not Artist.objects.filter(handle="mira_frames").exists()
    assert program_figures(program) == before
    assert before["contributions"] == 3 and before["hours"] == Decimal("6.75")
    mine = Contribution.objects.filter(enrollment=enrollment)
    assert set(mine.values_list("title", flat=True)) == {services.ERASED_TEXT}
    assert not Contribution.objects.filter(title__startswith="My storyboard").exists()
    assert not Work.objects.filter(title__startswith="My storyboard").exists()
    assert Contribution.objects.filter(title="Another tester's notes").exists()


def test_an_erased_artist_session_elsewhere_no_longer_reaches_the_pages(client, artist):
    client.force_login(artist.user)
    services.erase_artist(artist=artist)

    response = client.get(reverse("profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_for_artists_page_leads_a_signed_in_advocate_to_sign_up(client, db):
    from tests import factories as f

    client.force_login(f.UserFactory(username="an-advocate"))
    page = client.get("/me/profile/").content.decode()
    assert 'name="next" value="/accounts/signup/"' in page

    response = client.post("/accounts/logout/", {"next": "/accounts/signup/"})

    assert response.status_code == 302 and response["Location"] == "/accounts/signup/"
    assert client.get("/accounts/signup/").status_code == 200
