"""Writes for programs and access: enrol, grant, suspend, reinstate, revoke (one or many);
and verification: attach evidence, decide on it, remove it with the enrollment or the artist.

AccessEvent and VerificationDecision rows are append-only and written only here; each write
moves the enrollment's stored status (or verification) to what its latest row says, in the
same transaction.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from programs import evidence as evidence_files
from programs.models import AccessEvent, Enrollment, EnrollmentEvidence, Organization, Program, VerificationDecision
from programs.validation import not_before_opening, not_in_future, require_aware

Kind = AccessEvent.Kind
Status = Enrollment.Status

# Which events may follow an enrollment's current status.
ALLOWED_EVENTS: dict[str, set[str]] = {
    Status.INVITED: {Kind.GRANTED, Kind.REVOKED},
    Status.ACTIVE: {Kind.SUSPENDED, Kind.REVOKED},
    Status.SUSPENDED: {Kind.REINSTATED, Kind.REVOKED},
    Status.REVOKED: {Kind.REINSTATED},
}
# An artist who logs a program they tested often knows only the day access was granted.
FIRST_EVENTS = {Kind.INVITED, Kind.GRANTED}


def _start_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _check_notice(notice_days: int | None) -> None:
    if notice_days is None:
        return
    if isinstance(notice_days, bool) or not isinstance(notice_days, int) or notice_days < 0:
        raise ValidationError({"notice_days": "Notice is a whole number of days, 0 or more."})


@transaction.atomic
def enrol_artist(
    *,
    program: Program,
    artist,
    granted_on: dt.date | None = None,
    invited_at: dt.datetime | None = None,
    recorded_by=None,
) -> Enrollment:
    """Enrol an artist in a program. With `granted_on`, access is granted on that day too."""
    if invited_at is not None:
        not_in_future(invited_at, "invited_at")
        not_before_opening(program, invited_at, "invited_at")
    if granted_on is not None:
        not_in_future(granted_on, "granted_on")
        not_before_opening(program, granted_on, "granted_on")
    if Enrollment.objects.filter(program=program, artist=artist).exists():
        raise ValidationError({"program": f"{artist} is already enrolled in {program}."})
    enrollment = Enrollment(program=program, artist=artist)
    enrollment.full_clean(exclude=["status", "granted_on"], validate_unique=False)
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError:
        # Another request enrolled the same artist between the check and the insert.
        raise ValidationError({"program": f"{artist} is already enrolled in {program}."}) from None

    if invited_at is None and granted_on is None:
        invited_at = timezone.now()
    if invited_at is not None:
        record_access_event(enrollment=enrollment, kind=Kind.INVITED, occurred_at=invited_at, recorded_by=recorded_by)
    if granted_on is not None:
        grant_access(enrollment=enrollment, granted_on=granted_on, recorded_by=recorded_by)
    enrollment.refresh_from_db()
    return enrollment


def grant_access(*, enrollment: Enrollment, granted_on: dt.date, recorded_by=None) -> AccessEvent:
    """Grant tester access on a day; the enrollment becomes active."""
    not_in_future(granted_on, "granted_on")
    not_before_opening(enrollment.program, granted_on, "granted_on")
    occurred_at = _start_of_day(granted_on)
    latest = enrollment.access_events.order_by("-occurred_at", "-id").first()
    if latest is not None and latest.occurred_at > occurred_at:
        if latest.occurred_at.astimezone(dt.UTC).date() != granted_on:
            raise ValidationError(
                {
                    "granted_on": (
                        f"The last recorded change was on {latest.occurred_at:%Y-%m-%d}; "
                        "access cannot be granted before it."
                    )
                }
            )
        # An invitation logged with a time later on the same day still precedes the grant.
        occurred_at = latest.occurred_at
    return record_access_event(
        enrollment=enrollment, kind=Kind.GRANTED, occurred_at=occurred_at, recorded_by=recorded_by
    )


@transaction.atomic
def record_access_event(
    *,
    enrollment: Enrollment,
    kind: str,
    occurred_at: dt.datetime,
    reason: str = "",
    notice_days: int | None = None,
    actor: str = AccessEvent.Actor.PROGRAM,
    recorded_by=None,
) -> AccessEvent:
    """Append one access event and move the enrollment to the status it leads to."""
    if kind not in Kind.values:
        raise ValidationError({"kind": f"Unknown kind of access change {kind!r}; use one of {', '.join(Kind.values)}."})
    require_aware(occurred_at, "occurred_at")
    not_in_future(occurred_at, "occurred_at")
    not_before_opening(enrollment.program, occurred_at, "occurred_at")
    _check_notice(notice_days)

    given = enrollment
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    latest = enrollment.access_events.order_by("-occurred_at", "-id").first()
    if latest is None:
        if kind not in FIRST_EVENTS:
            raise ValidationError({"kind": "Access starts with an invitation or a grant."})
    else:
        if kind not in ALLOWED_EVENTS[enrollment.status]:
            raise ValidationError(
                {"kind": f"Access that is {enrollment.status} cannot be {kind}: that change is not possible."}
            )
        if occurred_at < latest.occurred_at:
            raise ValidationError(
                {
                    "occurred_at": (
                        f"The last recorded change was on {latest.occurred_at:%Y-%m-%d %H:%M} UTC; "
                        "a new change cannot come before it."
                    )
                }
            )

    event = AccessEvent(
        enrollment=enrollment,
        kind=kind,
        occurred_at=occurred_at,
        reason=(reason or "").strip(),
        notice_days=notice_days,
        actor=actor,
        recorded_by=recorded_by,
    )
    event.full_clean()
    event.save()

    enrollment.status = AccessEvent.RESULTING_STATUS[kind]
    update_fields = ["status"]
    if kind in (Kind.GRANTED, Kind.REINSTATED) and enrollment.granted_on is None:
        enrollment.granted_on = occurred_at.astimezone(dt.UTC).date()
        update_fields.append("granted_on")
    enrollment.save(update_fields=update_fields)
    # The caller's instance shows the new state too.
    given.status, given.granted_on = enrollment.status, enrollment.granted_on
    return event


def suspend_access(*, enrollment: Enrollment, occurred_at: dt.datetime, reason: str = "", notice_days=None, **kw):
    return record_access_event(
        enrollment=enrollment,
        kind=Kind.SUSPENDED,
        occurred_at=occurred_at,
        reason=reason,
        notice_days=notice_days,
        **kw,
    )


def reinstate_access(*, enrollment: Enrollment, occurred_at: dt.datetime, reason: str = "", **kw):
    return record_access_event(
        enrollment=enrollment, kind=Kind.REINSTATED, occurred_at=occurred_at, reason=reason, **kw
    )


def revoke_access(*, enrollment: Enrollment, occurred_at: dt.datetime, reason: str = "", notice_days=None, **kw):
    """Revoke one enrollment. A blank reason is allowed: that is itself a finding."""
    return record_access_event(
        enrollment=enrollment, kind=Kind.REVOKED, occurred_at=occurred_at, reason=reason, notice_days=notice_days, **kw
    )


@transaction.atomic
def revoke_many(
    *,
    enrollments: Iterable[Enrollment],
    occurred_at: dt.datetime,
    reason: str = "",
    notice_days: int | None = None,
    actor: str = AccessEvent.Actor.PROGRAM,
    recorded_by=None,
) -> int:
    """Revoke many enrollments at one time, all or nothing. Returns how many were revoked.

    Set-based: one locking read, one bulk insert of events and one status update, so a
    program-wide revocation of hundreds of testers is three statements.
    """
    require_aware(occurred_at, "occurred_at")
    not_in_future(occurred_at, "occurred_at")
    _check_notice(notice_days)
    if actor not in AccessEvent.Actor.values:
        raise ValidationError({"actor": f"Value {actor!r} is not a valid choice."})
    ids = sorted({e.pk for e in enrollments})
    if not ids:
        raise ValidationError({"enrollments": "Choose at least one enrollment to revoke."})
    locked = list(
        Enrollment.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("program", "artist")
    )
    if len(locked) != len(ids):
        raise ValidationError({"enrollments": "Some of these enrollments no longer exist."})
    problems = []
    for enrollment in locked:
        if Kind.REVOKED not in ALLOWED_EVENTS[enrollment.status]:
            problems.append(f"{enrollment} is already {enrollment.status}")
        elif enrollment.program.opened_on and occurred_at.astimezone(dt.UTC).date() < enrollment.program.opened_on:
            problems.append(f"{enrollment.program} had not opened yet")
    later = (
        AccessEvent.objects.filter(enrollment_id__in=ids, occurred_at__gt=occurred_at)
        .select_related("enrollment__artist", "enrollment__program")
        .first()
    )
    if later is not None:
        problems.append(f"{later.enrollment} has a later change on {later.occurred_at:%Y-%m-%d}")
    if problems:
        raise ValidationError({"enrollments": [f"Nothing was revoked: {p}." for p in problems]})

    reason = (reason or "").strip()
    AccessEvent.objects.bulk_create(
        AccessEvent(
            enrollment_id=pk,
            kind=Kind.REVOKED,
            occurred_at=occurred_at,
            reason=reason,
            notice_days=notice_days,
            actor=actor,
            recorded_by=recorded_by,
        )
        for pk in ids
    )
    return Enrollment.objects.filter(pk__in=ids).update(status=Status.REVOKED)


def _unique_slug(model, text: str, max_length: int = 80) -> str:
    base = slugify(text)[: max_length - 6].strip("-") or "program"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def propose_program(
    *,
    artist,
    name: str,
    organization_name: str,
    opened_on: dt.date | None = None,
    closed_on: dt.date | None = None,
    announcement_url: str = "",
    description: str = "",
) -> Program:
    """An artist adds a program that is not listed yet. They can use it at once; it is
    shown publicly after staff approve it (with its organization, if that is new too)."""
    name, organization_name = (name or "").strip(), (organization_name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the program's name."
    if not organization_name:
        errors["organization_name"] = "Give the company that runs it."
    if errors:
        raise ValidationError(errors)
    if opened_on is not None:
        not_in_future(opened_on, "opened_on")
    if closed_on is not None:
        not_in_future(closed_on, "closed_on")
        if opened_on is not None and closed_on < opened_on:
            raise ValidationError({"closed_on": "A program cannot close before it opened."})
    same = Program.objects.filter(name__iexact=name, organization__name__iexact=organization_name)
    if same.filter(is_listed=True).exists():
        raise ValidationError({"name": f"{name} by {organization_name} is already listed: join it instead."})
    if same.filter(proposed_by=artist).exists():
        raise ValidationError({"name": f"You already proposed {name} by {organization_name}."})

    organization = Organization.objects.filter(name__iexact=organization_name).first()
    if organization is None:
        organization = Organization(
            name=organization_name, slug=_unique_slug(Organization, organization_name), is_listed=False
        )
        organization.full_clean()
        organization.save()
    if closed_on is not None:
        status = Program.Status.CLOSED
    elif opened_on is not None:
        status = Program.Status.ACTIVE
    else:
        status = Program.Status.ANNOUNCED
    program = Program(
        name=name,
        slug=_unique_slug(Program, f"{organization_name} {name}"),
        organization=organization,
        status=status,
        opened_on=opened_on,
        closed_on=closed_on,
        announcement_url=(announcement_url or "").strip(),
        description=(description or "").strip(),
        is_listed=False,
        proposed_by=artist,
    )
    program.full_clean()
    program.save()
    return program


@transaction.atomic
def approve_programs(*, programs: Iterable[Program]) -> int:
    """Staff list proposed programs publicly, with their organizations."""
    ids = [p.pk for p in programs]
    Organization.objects.filter(programs__pk__in=ids, is_listed=False).update(is_listed=True)
    return Program.objects.filter(pk__in=ids, is_listed=False).update(is_listed=True)


@transaction.atomic
def delete_enrollment(*, enrollment: Enrollment) -> None:
    """An artist removes a program from their ledger, with everything logged under it,
    their evidence files included (once the deletion is committed)."""
    pk = enrollment.pk
    enrollment.delete()
    evidence_files.remove_after_commit(enrollment_ids=[pk])


# Verification: evidence that the artist was a tester, and reviewers' decisions on it.

Verification = Enrollment.Verification
# Evidence sent for an enrollment in these states asks a reviewer to look (again).
AWAITING_EVIDENCE = {Verification.UNVERIFIED, Verification.REJECTED}


@transaction.atomic
def attach_evidence(*, enrollment: Enrollment, note: str, file=None, uploaded_by) -> EnrollmentEvidence:
    """The artist adds evidence that they were a tester: a note and perhaps a file. An
    unverified or rejected enrollment then waits for a reviewer (pending)."""
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if not note:
        errors["note"] = "Say what this evidence shows, for example “The invitation email of 12 March”."
    elif len(note) > evidence_files.MAX_NOTE_CHARS:
        errors["note"] = f"Keep the note under {evidence_files.MAX_NOTE_CHARS:,} characters."
    elif "\x00" in note:
        errors["note"] = "The note holds a character that cannot be stored (NUL)."
    content_type = ""
    if file is not None:
        try:
            content_type = evidence_files.check_evidence_file(file)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    locked = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if locked.evidence.count() >= evidence_files.MAX_PER_ENROLLMENT:
        raise ValidationError(
            {"note": f"This program already has {evidence_files.MAX_PER_ENROLLMENT} pieces of evidence, the most."}
        )
    evidence = EnrollmentEvidence(enrollment=locked, note=note, uploaded_by=uploaded_by, uploaded_at=timezone.now())
    if file is not None:
        evidence.original_filename = evidence_files.clean_filename(file.name)
        evidence.content_type, evidence.size = content_type, file.size
        evidence.file.save(evidence.original_filename, file, save=False)
    try:
        evidence.full_clean()
        with transaction.atomic():
            evidence.save()
    except Exception:
        # Nothing half-written: a file whose row was refused does not stay on disk.
        if evidence.file:
            evidence_files.remove_files([evidence.file.name])
        raise
    if locked.verification in AWAITING_EVIDENCE:
        locked.verification = Verification.PENDING
        locked.save(update_fields=["verification"])
    enrollment.verification = locked.verification
    return evidence


@transaction.atomic
def decide_verification(*, enrollment: Enrollment, decision: str, reason: str = "", reviewer) -> VerificationDecision:
    """A reviewer verifies an enrollment (it counts in public figures) or rejects it (with
    a reason the artist sees). Staff and accounts with programs.verify_enrollment review."""
    if not evidence_files.is_reviewer(reviewer):
        raise PermissionDenied("Only staff or reviewers given the verify_enrollment permission decide on evidence.")
    reason = (reason or "").strip()
    if decision not in VerificationDecision.Decision.values:
        raise ValidationError({"decision": "Decide verified or rejected."})
    if decision == VerificationDecision.Decision.REJECTED and not reason:
        raise ValidationError({"reason": "Give the reason for a rejection: the artist sees it and can send more."})
    locked = Enrollment.objects.select_for_update().select_related("artist").get(pk=enrollment.pk)
    if locked.artist.user_id is not None and locked.artist.user_id == reviewer.pk:
        raise ValidationError({"decision": "You cannot review your own enrollment."})
    if not locked.evidence.exists():
        raise ValidationError({"decision": "There is no evidence to review yet."})
    if locked.verification == decision:
        raise ValidationError({"decision": f"This enrollment is already {decision}."})

    record = VerificationDecision(
        enrollment=locked, decision=decision, reason=reason, reviewer=reviewer, decided_at=timezone.now()
    )
    record.full_clean()
    record.save()
    locked.verification, locked.verification_reason = decision, reason
    locked.verified_by, locked.verification_decided_at = reviewer, record.decided_at
    locked.save(update_fields=["verification", "verification_reason", "verified_by", "verification_decided_at"])
    for name in ("verification", "verification_reason", "verified_by", "verification_decided_at"):
        setattr(enrollment, name, getattr(locked, name))
    return record


@transaction.atomic
def erase_evidence(*, artist, erased_text: str) -> None:
    """For an artist's erasure: their evidence (notes and files) goes; the verification
    state stays, so the figures do not change, and reviewers' reasons become `erased_text`."""
    enrollment_ids = list(Enrollment.objects.filter(artist=artist).values_list("pk", flat=True))
    EnrollmentEvidence.objects.filter(enrollment_id__in=enrollment_ids).delete()
    Enrollment.objects.filter(pk__in=enrollment_ids).exclude(verification_reason="").update(
        verification_reason=erased_text
    )
    VerificationDecision.objects.filter(enrollment_id__in=enrollment_ids).exclude(reason="").update(reason=erased_text)
    evidence_files.remove_after_commit(enrollment_ids=enrollment_ids)
