"""The database itself refuses bad organizations, programs, enrollments and access events.

Each write bypasses the services on purpose; where Django can check the same rule in
Python, full_clean() is shown to report it too.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from programs.models import AccessEvent, Enrollment, Organization, Program
from tests import factories
from tests.refusals import full_clean_errors, refused_by_database

pytestmark = pytest.mark.django_db

OPENED = dt.date(2024, 3, 1)


# Organization


def test_negative_organization_valuation_is_refused():
    with refused_by_database("organization_valuation_not_negative"):
        Organization.objects.create(name="Acme", slug="acme", valuation_usd=Decimal("-0.01"))

    assert not Organization.objects.exists()
    errors = full_clean_errors(Organization(name="Acme", slug="acme", valuation_usd=Decimal("-0.01")))
    assert errors["valuation_usd"] == ["Ensure this value is greater than or equal to 0."]


def test_zero_or_unknown_organization_valuation_is_accepted():
    Organization.objects.create(name="Acme", slug="acme", valuation_usd=Decimal("0"))
    Organization.objects.create(name="Globex", slug="globex", valuation_usd=None)

    assert Organization.objects.count() == 2


def test_raising_an_existing_organization_valuation_below_zero_is_refused():
    organization = factories.OrganizationFactory(valuation_usd=Decimal("150000000000.00"))

    with refused_by_database("organization_valuation_not_negative"):
        Organization.objects.filter(pk=organization.pk).update(valuation_usd=Decimal("-1"))

    organization.refresh_from_db()
    assert organization.valuation_usd == Decimal("150000000000.00")


def test_organization_names_are_unique_whatever_their_case():
    Organization.objects.create(name="Acme Labs", slug="acme")

    with refused_by_database("organization_name_unique_ci"):
        Organization.objects.create(name="ACME labs", slug="acme-2")

    assert list(Organization.objects.values_list("name", flat=True)) == ["Acme Labs"]
    errors = full_clean_errors(Organization(name="acme LABS", slug="acme-3"))
    assert errors["__all__"] == ["Constraint “organization_name_unique_ci” is violated."]


def test_renaming_an_organization_to_another_name_in_other_case_is_refused():
    Organization.objects.create(name="Acme Labs", slug="acme")
    globex = Organization.objects.create(name="Globex", slug="globex")

    with refused_by_database("organization_name_unique_ci"):
        Organization.objects.filter(pk=globex.pk).update(name="acme labs")

    globex.refresh_from_db()
    assert globex.name == "Globex"


# Program


def test_negative_program_reference_rate_is_refused():
    organization = factories.OrganizationFactory()

    with refused_by_database("program_reference_rate_not_negative"):
        Program.objects.create(name="P", slug="p", organization=organization, reference_hourly_rate=Decimal("-5"))

    assert not Program.objects.exists()
    errors = full_clean_errors(
        Program(name="P", slug="p", organization=organization, reference_hourly_rate=Decimal("-5"))
    )
    assert errors["reference_hourly_rate"] == ["Ensure this value is greater than or equal to 0."]


def test_zero_program_reference_rate_is_accepted():
    program = factories.ProgramFactory(reference_hourly_rate=Decimal("0"))

    program.refresh_from_db()
    assert program.reference_hourly_rate == Decimal("0.00")


def test_a_program_cannot_close_before_it_opened():
    organization = factories.OrganizationFactory()

    with refused_by_database("program_closes_after_opening"):
        Program.objects.create(
            name="P", slug="p", organization=organization, opened_on=OPENED, closed_on=OPENED - dt.timedelta(days=1)
        )

    assert not Program.objects.exists()
    errors = full_clean_errors(
        Program(name="P", slug="p", organization=organization, opened_on=OPENED, closed_on=dt.date(2024, 2, 29))
    )
    assert errors["__all__"] == ["A program cannot close before it opened."]


def test_a_program_may_close_on_the_day_it_opened():
    program = factories.ProgramFactory(opened_on=OPENED, closed_on=OPENED)

    program.full_clean()
    assert Program.objects.filter(pk=program.pk, closed_on=OPENED).exists()


def test_moving_a_program_opening_after_its_closing_is_refused():
    program = factories.ProgramFactory(opened_on=OPENED, closed_on=dt.date(2024, 6, 1))

    with refused_by_database("program_closes_after_opening"):
        Program.objects.filter(pk=program.pk).update(opened_on=dt.date(2024, 6, 2))

    program.refresh_from_db()
    assert program.opened_on == OPENED


@pytest.mark.parametrize("currency", ["usd", "US", "U$D", "12A"])
def test_program_currency_must_be_a_three_letter_iso_code(currency):
    organization = factories.OrganizationFactory()

    with refused_by_database("program_currency_iso_code"):
        Program.objects.create(name="P", slug="p", organization=organization, currency=currency)

    assert not Program.objects.exists()
    errors = full_clean_errors(Program(name="P", slug="p", organization=organization, currency=currency))
    assert "Use a three-letter ISO 4217 code such as USD." in errors["currency"]


def test_program_currency_in_iso_format_is_accepted():
    program = factories.ProgramFactory(currency="EUR")

    program.full_clean()
    assert Program.objects.get(pk=program.pk).currency == "EUR"


def test_unknown_program_status_is_refused():
    program = factories.ProgramFactory(status=Program.Status.ACTIVE)

    with refused_by_database("program_status_valid"):
        Program.objects.filter(pk=program.pk).update(status="paused")

    program.refresh_from_db()
    assert program.status == "active"
    program.status = "paused"
    assert full_clean_errors(program)["status"] == ["Value 'paused' is not a valid choice."]


# Enrollment


def test_an_artist_is_enrolled_at_most_once_per_program(enrollment):
    with refused_by_database("enrollment_one_per_program_artist"):
        Enrollment.objects.create(program=enrollment.program, artist=enrollment.artist)

    assert Enrollment.objects.count() == 1
    errors = full_clean_errors(Enrollment(program=enrollment.program, artist=enrollment.artist))
    assert errors["__all__"] == ["This artist is already enrolled in this program."]


def test_the_same_artist_may_enrol_in_another_program(enrollment):
    other_program = factories.ProgramFactory()

    Enrollment.objects.create(program=other_program, artist=enrollment.artist)

    assert Enrollment.objects.filter(artist=enrollment.artist).count() == 2


def test_duplicate_enrollments_in_one_bulk_insert_are_refused(program):
    artist = factories.ArtistFactory()

    with refused_by_database("enrollment_one_per_program_artist"):
        Enrollment.objects.bulk_create([Enrollment(program=program, artist=artist) for _ in range(2)])

    assert not Enrollment.objects.exists()


def test_unknown_enrollment_status_is_refused(enrollment):
    with refused_by_database("enrollment_status_valid"):
        Enrollment.objects.filter(pk=enrollment.pk).update(status="paused")

    enrollment.refresh_from_db()
    assert enrollment.status == "active"
    # status is not editable, so full_clean checks it only through the constraint.
    enrollment.status = "paused"
    assert full_clean_errors(enrollment)["__all__"] == ["Constraint “enrollment_status_valid” is violated."]


@pytest.mark.parametrize("status", ["active", "suspended"])
def test_an_enrollment_with_access_needs_its_granted_date(program, status):
    artist = factories.ArtistFactory()

    with refused_by_database("enrollment_granted_has_date"):
        Enrollment.objects.create(program=program, artist=artist, status=status, granted_on=None)

    assert not Enrollment.objects.exists()
    errors = full_clean_errors(Enrollment(program=program, artist=artist, status=status, granted_on=None))
    assert errors["__all__"] == ["An enrollment with access needs the date access was granted."]


@pytest.mark.parametrize("status", ["invited", "revoked"])
def test_an_enrollment_without_access_may_have_no_granted_date(program, status):
    Enrollment.objects.create(program=program, artist=factories.ArtistFactory(), status=status, granted_on=None)

    assert Enrollment.objects.filter(status=status, granted_on__isnull=True).count() == 1


def test_clearing_the_granted_date_of_an_active_enrollment_is_refused(enrollment):
    with refused_by_database("enrollment_granted_has_date"):
        Enrollment.objects.filter(pk=enrollment.pk).update(granted_on=None)

    enrollment.refresh_from_db()
    assert enrollment.granted_on == enrollment.program.opened_on


# AccessEvent


def test_unknown_access_event_kind_is_refused(enrollment):
    events_before = AccessEvent.objects.count()

    with refused_by_database("access_event_kind_valid"):
        AccessEvent.objects.create(enrollment=enrollment, kind="paused", occurred_at=timezone.now())

    assert AccessEvent.objects.count() == events_before
    errors = full_clean_errors(AccessEvent(enrollment=enrollment, kind="paused", occurred_at=timezone.now()))
    assert errors["kind"] == ["Value 'paused' is not a valid choice."]


def test_negative_notice_is_refused(enrollment):
    events_before = AccessEvent.objects.count()

    with refused_by_database("notice_days"):
        AccessEvent.objects.bulk_create(
            [AccessEvent(enrollment=enrollment, kind="revoked", occurred_at=timezone.now(), notice_days=-1)]
        )

    assert AccessEvent.objects.count() == events_before
    errors = full_clean_errors(
        AccessEvent(enrollment=enrollment, kind="revoked", occurred_at=timezone.now(), notice_days=-1)
    )
    assert errors["notice_days"] == ["Ensure this value is greater than or equal to 0."]


@pytest.mark.parametrize("notice_days", [0, 30, None])
def test_zero_positive_or_unknown_notice_is_accepted(enrollment, notice_days):
    event = AccessEvent.objects.create(
        enrollment=enrollment, kind="revoked", occurred_at=timezone.now(), notice_days=notice_days
    )

    event.full_clean()
    assert AccessEvent.objects.get(pk=event.pk).notice_days == notice_days
