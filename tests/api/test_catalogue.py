"""The public catalogue: listed programs and organizations, read by anyone, written by staff."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from programs.models import Organization, Program
from programs.services import propose_program
from tests import factories

pytestmark = pytest.mark.django_db

PROGRAM_FIELDS = {
    "name",
    "slug",
    "organization",
    "status",
    "opened_on",
    "closed_on",
    "currency",
    "reference_hourly_rate",
    "payment_terms_days",
    "approval_sla_days",
    "responsible_use_definition",
    "confidential_content_definition",
    "promotion_required",
}


@pytest.fixture
def staff_api(db):
    client = APIClient()
    client.force_authenticate(factories.UserFactory(is_staff=True))
    return client


def test_anyone_reads_listed_programs_with_the_design_field_names(api):
    organization = factories.OrganizationFactory(slug="halcyon", valuation_usd=Decimal("150000000000"))
    factories.ProgramFactory(
        slug="motion-preview",
        organization=organization,
        reference_hourly_rate=Decimal("45"),
        opened_on=dt.date(2025, 3, 1),
    )

    response = api.get("/api/v1/programs/")

    assert response.status_code == 200
    [program] = response.json()["results"]
    assert set(program) == PROGRAM_FIELDS
    assert program["slug"] == "motion-preview"
    assert program["organization"] == "halcyon"
    assert program["reference_hourly_rate"] == "45.00"
    assert program["opened_on"] == "2025-03-01"

    assert api.get("/api/v1/programs/motion%00preview/").status_code == 404
    detail = api.get("/api/v1/programs/motion-preview/")
    assert detail.status_code == 200
    assert detail.json() == program

    org = api.get("/api/v1/organizations/halcyon/").json()
    assert org == {
        "name": organization.name,
        "slug": "halcyon",
        "valuation_usd": "150000000000.00",
        "website": "https://example.org",
    }


def test_proposed_programs_and_organizations_are_not_listed(api, artist):
    proposal = propose_program(artist=artist, name="Secret Beta", organization_name="Newco")

    assert api.get("/api/v1/programs/").json()["count"] == 0
    assert api.get(f"/api/v1/programs/{proposal.slug}/").status_code == 404
    assert api.get("/api/v1/organizations/").json()["count"] == 0
    assert api.get(f"/api/v1/organizations/{proposal.organization.slug}/").status_code == 404


def test_programs_filter_by_organization_and_status_and_order(api):
    org = factories.OrganizationFactory(slug="acme")
    factories.ProgramFactory(name="B active", organization=org, status=Program.Status.ACTIVE)
    factories.ProgramFactory(name="A suspended", organization=org, status=Program.Status.SUSPENDED)
    factories.ProgramFactory(name="C elsewhere", status=Program.Status.ACTIVE)

    by_org = api.get("/api/v1/programs/", {"organization": "acme", "ordering": "-name"}).json()
    assert [p["name"] for p in by_org["results"]] == ["B active", "A suspended"]
    active = api.get("/api/v1/programs/", {"status": "active"}).json()
    assert {p["name"] for p in active["results"]} == {"B active", "C elsewhere"}

    bad = api.get("/api/v1/programs/", {"status": "sleeping"})
    assert bad.status_code == 400
    assert "status" in bad.json()


def test_program_list_runs_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    factories.ProgramFactory.create_batch(8)

    with django_assert_max_num_queries(2):
        response = api.get("/api/v1/programs/")

    assert response.json()["count"] == 8


def test_organization_list_is_paginated(api, django_assert_max_num_queries):
    factories.OrganizationFactory.create_batch(51)

    with django_assert_max_num_queries(2):
        body = api.get("/api/v1/organizations/").json()

    assert body["count"] == 51
    assert len(body["results"]) == 50
    assert body["next"].endswith("page=2")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/programs/"),
        ("patch", "/api/v1/programs/{program}/"),
        ("delete", "/api/v1/programs/{program}/"),
        ("post", "/api/v1/organizations/"),
        ("patch", "/api/v1/organizations/{organization}/"),
        ("delete", "/api/v1/organizations/{organization}/"),
    ],
)
def test_only_staff_change_the_catalogue(api, artist_api, program, method, url):
    url = url.format(program=program.slug, organization=program.organization.slug)
    body = {"name": "Renamed"}

    assert getattr(api, method)(url, body, format="json").status_code in (401, 403)
    assert getattr(artist_api, method)(url, body, format="json").status_code == 403
    program.refresh_from_db()
    assert program.name != "Renamed"
    assert Program.objects.count() == 1


def test_staff_create_change_and_delete_programs(staff_api):
    factories.OrganizationFactory(slug="acme")

    created = staff_api.post(
        "/api/v1/programs/",
        {
            "name": "Acme Video Beta",
            "slug": "acme-video-beta",
            "organization": "acme",
            "status": "active",
            "opened_on": "2025-01-10",
            "reference_hourly_rate": "60.00",
            "promotion_required": True,
        },
        format="json",
    )

    assert created.status_code == 201, created.json()
    assert created.json()["reference_hourly_rate"] == "60.00"
    program = Program.objects.get(slug="acme-video-beta")
    assert program.organization.slug == "acme"
    assert program.is_listed

    changed = staff_api.patch("/api/v1/programs/acme-video-beta/", {"status": "closed"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["status"] == "closed"
    program.refresh_from_db()
    assert program.status == "closed"
    assert program.name == "Acme Video Beta"

    assert staff_api.delete("/api/v1/programs/acme-video-beta/").status_code == 204
    assert not Program.objects.filter(slug="acme-video-beta").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closed_on": "2024-01-01"}, "non_field_errors"),
        ({"organization": "nobody"}, "organization"),
        ({"currency": "dollars"}, "currency"),
        ({"reference_hourly_rate": "-5"}, "reference_hourly_rate"),
        ({"payment_terms_days": "soon"}, "payment_terms_days"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_staff_program_writes_with_bad_input_answer_400(staff_api, changes, field):
    factories.OrganizationFactory(slug="acme")
    body = {"name": "Beta", "slug": "beta", "organization": "acme", "opened_on": "2025-01-10", **changes}

    response = staff_api.post("/api/v1/programs/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Program.objects.exists()


def test_deleting_a_program_with_enrollments_answers_409_and_keeps_it(staff_api, enrollment):
    program = enrollment.program

    response = staff_api.delete(f"/api/v1/programs/{program.slug}/")

    assert response.status_code == 409
    assert "enrollments" in response.json()["detail"]
    assert Program.objects.filter(pk=program.pk).exists()


def test_staff_manage_organizations(staff_api, program):
    created = staff_api.post(
        "/api/v1/organizations/",
        {"name": "Brightwater", "slug": "brightwater", "valuation_usd": "1200000000", "website": "https://b.example"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["valuation_usd"] == "1200000000.00"

    duplicate = staff_api.post("/api/v1/organizations/", {"name": "BRIGHTWATER", "slug": "bw"}, format="json")
    assert duplicate.status_code == 400
    assert duplicate.json() == {"name": ["An organization with this name exists."]}
    assert Organization.objects.filter(name__iexact="brightwater").count() == 1

    in_use = staff_api.delete(f"/api/v1/organizations/{program.organization.slug}/")
    assert in_use.status_code == 409
    assert Organization.objects.filter(pk=program.organization_id).exists()

    assert staff_api.delete("/api/v1/organizations/brightwater/").status_code == 204
