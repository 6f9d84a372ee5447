"""Artists propose a program that is missing; staff list it publicly from the admin."""

import datetime as dt

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from programs.models import Organization, Program
from programs.selectors import listed_programs, programs_open_to
from tests import factories


def _named(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


# A proposal sends the artist on to join it; until that page exists, a stand-in takes its name.
urlpatterns = [path("", include("config.urls"))]
if not _named("ledger-join"):
    urlpatterns.append(path("me/programs/join/", lambda request: HttpResponse("join"), name="ledger-join"))
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def artist(db):
    return factories.ArtistFactory(handle="mira_frames")


@pytest.fixture
def artist_client(client, artist):
    client.force_login(artist.user)
    return client


def proposal(**changes) -> dict:
    return {
        "name": "Dream Reel Beta",
        "organization_name": "Lumen Labs",
        "opened_on": (timezone.localdate() - dt.timedelta(days=60)).isoformat(),
        "closed_on": "",
        "announcement_url": "lumen.example/blog/dream-reel",
        "description": "Early access to a video model for 50 artists.",
        **changes,
    }


def test_the_proposal_page_renders(artist_client):
    response = artist_client.get(reverse("propose-program"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Add a program that is not listed" in page
    assert "Where it was announced" in page


def test_a_proposed_program_is_open_to_its_artist_at_once_and_hidden_from_everyone_else(artist_client, artist):
    other = factories.ArtistFactory()

    response = artist_client.post(reverse("propose-program"), proposal())

    program = Program.objects.get(name="Dream Reel Beta")
    assert response.status_code == 302
    assert response["Location"] == f"/me/programs/join/?program={program.pk}"
    assert (program.proposed_by, program.is_listed, program.status) == (artist, False, Program.Status.ACTIVE)
    assert program.announcement_url == "https://lumen.example/blog/dream-reel"
    assert (program.organization.name, program.organization.is_listed) == ("Lumen Labs", False)
    assert program in programs_open_to(artist)
    assert program not in programs_open_to(other)
    assert program not in listed_programs()
    assert "Dream Reel Beta" not in Client().get(reverse("home")).content.decode()


def test_a_proposal_for_a_known_company_uses_it(artist_client):
    company = factories.OrganizationFactory(name="Lumen Labs")

    artist_client.post(reverse("propose-program"), proposal(organization_name="lumen labs"))

    assert Program.objects.get(name="Dream Reel Beta").organization == company
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "This field is required."),
        ({"organization_name": ""}, "organization_name", "This field is required."),
        ({"opened_on": ""}, "opened_on", "This field is required."),
        ({"opened_on": "not a date"}, "opened_on", "Enter a valid date."),
        ({"opened_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}, "opened_on", "future"),
        (
            {"closed_on": (timezone.localdate() - dt.timedelta(days=90)).isoformat()},
            "closed_on",
            "A program cannot close before it opened.",
        ),
        ({"announcement_url": "not a link"}, "announcement_url", "Enter a valid URL."),
        ({"name": "listed preview"}, "name", "is already listed: join it instead."),
    ],
)
def test_a_refused_proposal_shows_the_message_on_its_field_and_writes_nothing(artist_client, changes, field, message):
    factories.ProgramFactory(name="Listed Preview", organization__name="Lumen Labs")
    programs, organizations = Program.objects.count(), Organization.objects.count()

    response = artist_client.post(reverse("propose-program"), proposal(**changes))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors.get(field, [])), errors
    assert (Program.objects.count(), Organization.objects.count()) == (programs, organizations)


def test_the_program_admin_filters_and_shows_proposals(staff_client, artist):
    factories.ProgramFactory(name="Listed Preview")
    factories.ProgramFactory(name="Dream Reel Beta", is_listed=False, proposed_by=artist)
    changelist = reverse("admin:programs_program_changelist")

    waiting = staff_client.get(changelist, {"is_listed__exact": "0"})

    assert [p.name for p in waiting.context["cl"].result_list] == ["Dream Reel Beta"]
    page = waiting.content.decode()
    assert '<td class="field-proposed_by nowrap">mira_frames</td>' in page
    assert "List selected programs publicly" in page


def test_staff_list_selected_proposals_publicly_with_their_companies(staff_client, artist):
    first = factories.ProgramFactory(
        name="Dream Reel Beta", is_listed=False, proposed_by=artist, organization__is_listed=False
    )
    second = factories.ProgramFactory(name="Sound Seed", is_listed=False, proposed_by=artist)
    untouched = factories.ProgramFactory(name="Still Waiting", is_listed=False, proposed_by=artist)

    response = staff_client.post(
        reverse("admin:programs_program_changelist"),
        {"action": "list_publicly", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert "Listed 2 program(s) publicly" in [str(m) for m in response.context["messages"]][0]
    assert set(listed_programs()) == {first, second}
    first.organization.refresh_from_db()
    untouched.organization.refresh_from_db()
    assert first.organization.is_listed is True
    assert untouched.is_listed is False
    assert "Dream Reel Beta" in staff_client.get(reverse("home")).content.decode()


def test_the_organization_admin_shows_whether_it_is_listed(staff_client, db):
    factories.OrganizationFactory(name="Lumen Labs", is_listed=False)

    response = staff_client.get(reverse("admin:programs_organization_changelist"), {"is_listed__exact": "0"})

    assert [o.name for o in response.context["cl"].result_list] == ["Lumen Labs"]
    assert 'class="field-is_listed"' in response.content.decode()


def test_the_program_change_page_shows_listing_read_only(staff_client, artist):
    program = factories.ProgramFactory(is_listed=False, proposed_by=artist, announcement_url="https://x.example")

    response = staff_client.get(reverse("admin:programs_program_change", args=[program.pk]))

    listing = next(fieldset for fieldset in response.context["adminform"] if fieldset.name == "Listing")
    assert {field for line in listing for field in line.fields} == {"is_listed", "proposed_by", "announcement_url"}
    assert "is_listed" not in response.context["adminform"].form.fields
