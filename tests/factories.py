"""Factories for tests. Enrollments are built through the services so their access history
and status are consistent, as they are in production."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from artists.models import Artist, Work
from feedback.models import Compensation, Contribution
from programs.models import Enrollment, Organization, Program
from programs.services import enrol_artist


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    website = "https://example.org"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    organization = factory.SubFactory(OrganizationFactory)
    status = Program.Status.ACTIVE
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365))
    currency = "USD"
    payment_terms_days = 30
    approval_sla_days = 14


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artist

    user = factory.SubFactory(UserFactory)
    handle = factory.Sequence(lambda n: f"artist_{n}")


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    program = factory.SubFactory(ProgramFactory)
    artist = factory.SubFactory(ArtistFactory)
    granted_on = factory.LazyAttribute(lambda e: e.program.opened_on or timezone.localdate())
    # Test worlds count in public figures unless a test says otherwise.
    verification = Enrollment.Verification.VERIFIED

    @classmethod
    def _create(cls, model_class, *, program, artist, granted_on, verification, **kwargs):
        return set_verification(enrol_artist(program=program, artist=artist, granted_on=granted_on), verification)


def set_verification(enrollment: Enrollment, verification: str = Enrollment.Verification.VERIFIED) -> Enrollment:
    """Put an enrollment in a verification state directly, as a reviewer's decision would."""
    Enrollment.objects.filter(pk=enrollment.pk).update(verification=verification)
    enrollment.verification = verification
    return enrollment


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    enrollment = factory.SubFactory(EnrollmentFactory)
    kind = Contribution.Kind.FEEDBACK_SESSION
    title = factory.Sequence(lambda n: f"Feedback session {n}")
    hours_spent = Decimal("2.00")
    occurred_on = factory.LazyAttribute(lambda c: c.enrollment.granted_on)


class CompensationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Compensation

    enrollment = factory.SubFactory(EnrollmentFactory)
    kind = Compensation.Kind.CASH
    amount = Decimal("100.00")
    paid_on = factory.LazyFunction(timezone.localdate)


class WorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Work

    enrollment = factory.SubFactory(EnrollmentFactory)
    title = factory.Sequence(lambda n: f"Work {n}")
    medium = Work.Medium.VIDEO
    submitted_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
