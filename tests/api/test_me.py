"""Proposals, export, and who may use the artist's endpoints."""

import pytest
from rest_framework.test import APIClient

from programs.models import Organization, Program
from tests import factories

pytestmark = pytest.mark.django_db

ME_ENDPOINTS = [
    ("get", "/api/v1/me/enrollments/"),
    ("post", "/api/v1/me/enrollments/"),
    ("get", "/api/v1/me/enrollments/1/"),
    ("post", "/api/v1/me/enrollments/1/access-events/"),
    ("get", "/api/v1/me/contributions/"),
    ("post", "/api/v1/me/contributions/"),
    ("get", "/api/v1/me/contributions/1/"),
    ("patch", "/api/v1/me/contributions/1/"),
    ("delete", "/api/v1/me/contributions/1/"),
    ("get", "/api/v1/me/works/"),
    ("post", "/api/v1/me/works/"),
    ("get", "/api/v1/me/works/1/"),
    ("post", "/api/v1/me/works/1/decisions/"),
    ("get", "/api/v1/me/compensations/"),
    ("post", "/api/v1/me/compensations/"),
    ("get", "/api/v1/me/compensations/1/"),
    ("get", "/api/v1/me/export/"),
    ("post", "/api/v1/me/programs/propose/"),
]
PUBLIC_READS = ["/api/v1/programs/", "/api/v1/programs/{program}/", "/api/v1/organizations/"]


@pytest.mark.parametrize(("method", "url"), ME_ENDPOINTS)
def test_anonymous_clients_cannot_use_the_ledger(api, method, url):
    assert getattr(api, method)(url, {}, format="json").status_code in (401, 403)


@pytest.mark.parametrize(("method", "url"), ME_ENDPOINTS)
def test_a_login_without_an_artist_profile_is_refused_with_a_reason(method, url):
    client = APIClient()
    client.force_authenticate(factories.UserFactory())

    response = getattr(client, method)(url, {}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "This endpoint is for artists: your account has no artist profile."}


@pytest.mark.parametrize("url", PUBLIC_READS + ["/api/v1/organizations/{organization}/", "/api/v1/"])
def test_anyone_reads_the_catalogue(api, program, url):
    response = api.get(url.format(program=program.slug, organization=program.organization.slug))

    assert response.status_code == 200


def test_session_login_works_too(client, artist, my_enrollment):
    client.force_login(artist.user)

    response = client.get("/api/v1/me/enrollments/")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_export_holds_the_artists_records_and_no_one_elses(artist_api, artist, my_enrollment, other_enrollment):
    mine = factories.ContributionFactory(enrollment=my_enrollment)
    factories.ContributionFactory(enrollment=other_enrollment)
    factories.CompensationFactory(enrollment=my_enrollment)

    response = artist_api.get("/api/v1/me/export/")

    assert response.status_code == 200
    data = response.json()
    assert data["profile"][0]["handle"] == artist.handle
    assert [row["id"] for row in data["contributions"]] == [mine.pk]
    assert data["contributions"][0]["hours_spent"] == "2.00"
    assert data["compensations"][0]["amount"] == "100.00"
    assert [row["id"] for row in data["enrollments"]] == [my_enrollment.pk]


def test_a_proposed_program_is_unlisted_but_usable_by_its_proposer(api, artist_api, artist):
    response = artist_api.post(
        "/api/v1/me/programs/propose/",
        {
            "name": "Quiet Beta",
            "organization": "Newco Labs",
            "opened_on": "2025-06-01",
            "announcement_url": "https://newco.example/beta",
            "description": "Invite-only voice model.",
        },
        format="json",
    )

    assert response.status_code == 201
    slug = response.json()["slug"]
    assert response.json()["organization"] == "newco-labs"
    assert response.json()["status"] == "active"
    program = Program.objects.get(slug=slug)
    assert (program.is_listed, program.proposed_by) == (False, artist)
    assert api.get("/api/v1/programs/").json()["count"] == 0
    assert api.get(f"/api/v1/programs/{slug}/").status_code == 404

    enrolled = artist_api.post("/api/v1/me/enrollments/", {"program": slug, "granted_on": "2025-06-02"}, format="json")
    assert enrolled.status_code == 201
    logged = artist_api.post(
        "/api/v1/me/contributions/",
        {
            "program": slug,
            "kind": "survey",
            "title": "Onboarding survey",
            "hours_spent": "0.5",
            "occurred_on": "2025-06-03",
        },
        format="json",
    )
    assert logged.status_code == 201
    assert artist_api.get("/api/v1/me/contributions/", {"program": slug}).json()["count"] == 1


def test_a_proposal_can_name_a_listed_organization_by_slug(artist_api, program):
    organization = program.organization

    response = artist_api.post(
        "/api/v1/me/programs/propose/", {"name": "Second Beta", "organization": organization.slug}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["organization"] == organization.slug
    assert Organization.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"organization": "   "}, "organization"),
        ({"opened_on": "2999-01-01"}, "opened_on"),
        ({"opened_on": "2025-06-01", "closed_on": "2025-05-01"}, "closed_on"),
        ({"announcement_url": "not a url"}, "announcement_url"),
        ({"is_listed": True}, "is_listed"),
    ],
)
def test_bad_proposals_answer_400_and_write_nothing(artist_api, body, field):
    response = artist_api.post(
        "/api/v1/me/programs/propose/", {"name": "Beta", "organization": "Newco", **body}, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Program.objects.exists()
    assert not Organization.objects.exists()


def test_proposing_a_program_that_exists_is_refused(artist_api, program):
    response = artist_api.post(
        "/api/v1/me/programs/propose/", {"name": program.name, "organization": program.organization.name}, format="json"
    )

    assert response.status_code == 400
    assert "already listed" in response.json()["name"][0]
    assert Program.objects.count() == 1
