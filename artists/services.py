"""Writes for artists and their works: create a profile, submit a work, record a decision."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from artists.models import ApprovalDecision, Artist, Work
from programs.models import Enrollment
from tracker.validation import not_before_opening, not_in_future, require_aware


@transaction.atomic
def create_artist(
    *,
    handle: str,
    user=None,
    public_name: str = "",
    show_public_name: bool = False,
    disciplines: list[str] | tuple[str, ...] = (),
    country: str = "",
) -> Artist:
    artist = Artist(
        user=user,
        handle=(handle or "").strip(),
        public_name=(public_name or "").strip(),
        show_public_name=show_public_name,
        disciplines=[d.strip() for d in disciplines if d and d.strip()],
        country=(country or "").strip().upper(),
    )
    # The model states these two rules as constraints, which full_clean reports under no field.
    errors = {}
    if artist.show_public_name and not artist.public_name:
        errors["public_name"] = "Give a public name before choosing to show it."
    if artist.handle and Artist.objects.filter(handle__iexact=artist.handle).exists():
        errors["handle"] = "This handle is taken."
    if errors:
        raise ValidationError(errors)
    artist.full_clean()
    try:
        with transaction.atomic():
            artist.save()
    except IntegrityError:
        raise ValidationError({"handle": "This handle is taken."}) from None
    return artist


def _check_enrollment_has_access(enrollment: Enrollment, field: str) -> None:
    if enrollment.granted_on is None:
        raise ValidationError({field: "Record when access to this program was granted first."})


@transaction.atomic
def submit_work(
    *,
    enrollment: Enrollment,
    title: str,
    submitted_at: dt.datetime,
    medium: str = Work.Medium.VIDEO,
    description: str = "",
) -> Work:
    """Record a work the artist submitted to the program; it is pending until decided."""
    require_aware(submitted_at, "submitted_at")
    not_in_future(submitted_at, "submitted_at")
    not_before_opening(enrollment.program, submitted_at, "submitted_at")
    _check_enrollment_has_access(enrollment, "enrollment")
    work = Work(
        enrollment=enrollment,
        title=(title or "").strip(),
        medium=medium,
        description=(description or "").strip(),
        submitted_at=submitted_at,
    )
    work.full_clean()
    work.save()
    return work


@transaction.atomic
def record_decision(*, work: Work, outcome: str, decided_at: dt.datetime, reason: str = "") -> ApprovalDecision:
    """Record a decision on a work. The work's status is the outcome of its first decision."""
    require_aware(decided_at, "decided_at")
    not_in_future(decided_at, "decided_at")
    work = Work.objects.select_for_update().get(pk=work.pk)
    if decided_at < work.submitted_at:
        raise ValidationError({"decided_at": "A decision cannot come before the work was submitted."})
    decision = ApprovalDecision(work=work, outcome=outcome, decided_at=decided_at, reason=(reason or "").strip())
    decision.full_clean()
    decision.save()

    first = work.decisions.order_by("decided_at", "id").first()
    Work.objects.filter(pk=work.pk).update(status=first.outcome, first_decided_at=first.decided_at)
    return decision
