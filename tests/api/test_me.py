"""Proposals, export, and who may use the artist's endpoints."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from feedback.services import record_compensation
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


# What each program owes the artist, on their enrollments (feedback.owed).

OWED_FIELDS = (
    "owed",
    "owed_currency",
    "owed_rate",
    "owed_rate_source",
    "hours_due_unpaid",
    "due_unpaid_contributions",
    "unpaid_hours_not_yet_due",
)


def days_ago(days: int):
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def owing_world(artist, settings):
    """Worked by hand.

    Halcyon (USD, publishes 60.00/h, pays within 14 days), for the artist:
      3 h 30 days ago, unpaid -> owed; 2 h 40 days ago, paid 120 cash -> paid;
      1.5 h 20 days ago, paid only with credits -> owed; 0.5 h 15 days ago -> owed (due yesterday);
      1 h 14 days ago -> not yet due (due today).
      Owed: (3 + 1.5 + 0.5) h × 60.00 = 5 h × 60.00 = 300.00 USD; 1 h not yet due.
    Brightwater (EUR, no rate: the default 45.50/h, pays within 30 days): 2 h 40 days ago,
      unpaid -> 2 × 45.50 = 91.00 EUR.
    Another artist in Halcyon: 9 h 60 days ago, unpaid -> 540.00 USD, theirs only.
    """
    settings.FAIR_HOURLY_RATE = Decimal("45.50")
    halcyon = factories.ProgramFactory(
        slug="halcyon", currency="USD", reference_hourly_rate=Decimal("60.00"), payment_terms_days=14
    )
    brightwater = factories.ProgramFactory(slug="brightwater", currency="EUR", payment_terms_days=30)
    in_halcyon = factories.EnrollmentFactory(artist=artist, program=halcyon, granted_on=days_ago(100))
    in_brightwater = factories.EnrollmentFactory(artist=artist, program=brightwater, granted_on=days_ago(100))

    def log(enrollment, hours, ago):
        return factories.ContributionFactory(
            enrollment=enrollment, hours_spent=Decimal(hours), occurred_on=days_ago(ago)
        )

    log(in_halcyon, "3", 30)
    paid, credits_only = log(in_halcyon, "2", 40), log(in_halcyon, "1.5", 20)
    log(in_halcyon, "0.5", 15)
    log(in_halcyon, "1", 14)
    record_compensation(enrollment=in_halcyon, kind="cash", amount="120", paid_on=days_ago(1), contributions=[paid])
    record_compensation(
        enrollment=in_halcyon, kind="credits", amount="500", paid_on=days_ago(1), contributions=[credits_only]
    )
    log(in_brightwater, "2", 40)
    theirs = factories.EnrollmentFactory(program=halcyon, granted_on=days_ago(100))
    log(theirs, "9", 60)
    return in_halcyon, in_brightwater, theirs


def owed_part(item: dict) -> dict:
    return {name: item[name] for name in OWED_FIELDS}


def test_my_enrollments_say_what_each_program_owes(artist_api, owing_world):
    in_halcyon, in_brightwater, _ = owing_world

    response = artist_api.get("/api/v1/me/enrollments/", {"ordering": "id"})

    assert response.status_code == 200
    items = response.json()["results"]
    assert [item["id"] for item in items] == [in_halcyon.pk, in_brightwater.pk]
    assert owed_part(items[0]) == {
        "owed": "300.00",
        "owed_currency": "USD",
        "owed_rate": "60.00",
        "owed_rate_source": "program",
        "hours_due_unpaid": "5.00",
        "due_unpaid_contributions": 3,
        "unpaid_hours_not_yet_due": "1.00",
    }
    assert owed_part(items[1]) == {
        "owed": "91.00",
        "owed_currency": "EUR",
        "owed_rate": "45.50",
        "owed_rate_source": "default",
        "hours_due_unpaid": "2.00",
        "due_unpaid_contributions": 1,
        "unpaid_hours_not_yet_due": "0.00",
    }


def test_one_enrollment_says_what_its_program_owes(artist_api, owing_world):
    in_halcyon, _, _ = owing_world

    response = artist_api.get(f"/api/v1/me/enrollments/{in_halcyon.pk}/")

    assert response.status_code == 200
    assert (response.json()["owed"], response.json()["owed_currency"]) == ("300.00", "USD")


def test_another_artist_sees_only_what_is_owed_to_them(owing_world):
    in_halcyon, _, theirs = owing_world
    client = APIClient()
    client.force_authenticate(theirs.artist.user)

    listed = client.get("/api/v1/me/enrollments/").json()["results"]

    assert [item["id"] for item in listed] == [theirs.pk]
    assert owed_part(listed[0])["owed"] == "540.00"
    assert owed_part(listed[0])["hours_due_unpaid"] == "9.00"
    assert client.get(f"/api/v1/me/enrollments/{in_halcyon.pk}/").status_code == 404


def test_anonymous_clients_get_no_owed_figures(api, owing_world):
    in_halcyon, _, _ = owing_world

    assert api.get("/api/v1/me/enrollments/").status_code == 401
    assert api.get(f"/api/v1/me/enrollments/{in_halcyon.pk}/").status_code == 401


def test_the_owed_figures_cost_no_query_per_enrollment(artist_api, artist, django_assert_max_num_queries):
    for _ in range(5):
        enrollment = factories.EnrollmentFactory(artist=artist, granted_on=days_ago(100))
        factories.ContributionFactory(enrollment=enrollment, occurred_on=days_ago(60))

    # Session-less token auth: the user, the artist, the count and the page.
    with django_assert_max_num_queries(4):
        response = artist_api.get("/api/v1/me/enrollments/")

    assert [item["owed"] for item in response.json()["results"]] == ["100.00"] * 5


def test_the_schema_documents_the_owed_fields_as_read_only(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()

    enrollment = schema["components"]["schemas"]["Enrollment"]["properties"]
    assert all(enrollment[name].get("readOnly") for name in OWED_FIELDS)
    assert enrollment["owed_rate_source"]["allOf"] == [{"$ref": "#/components/schemas/OwedRateSourceEnum"}]
    assert schema["components"]["schemas"]["OwedRateSourceEnum"]["enum"] == ["program", "default"]
