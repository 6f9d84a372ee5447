"""Writes for artists and their works: sign up, edit or erase a profile, submit, edit or
delete a work, record a decision."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from artists.models import ApprovalDecision, Artist, ReminderSent, Work
from programs.models import Enrollment
from programs.validation import not_before_opening, not_in_future, require_access_granted, require_aware

ERASED_HANDLE_PREFIX = "erased-"


def _clean_profile(artist: Artist) -> None:
    """Validate a new or edited profile, with each message on its field."""
    # The model states these two rules as constraints, which full_clean reports under no field.
    errors = {}
    if artist.show_public_name and not artist.public_name:
        errors["public_name"] = "Give a public name before choosing to show it."
    if artist.handle and Artist.objects.filter(handle__iexact=artist.handle).exclude(pk=artist.pk).exists():
        errors["handle"] = "This handle is taken."
    elif artist.handle.lower().startswith(ERASED_HANDLE_PREFIX):
        # erase_artist renames to erased-<id>; a live handle there would block that erasure.
        errors["handle"] = f"Handles starting with {ERASED_HANDLE_PREFIX} are kept for erased accounts."
    if errors:
        # Report the other fields' problems too, so a form shows every message at once.
        try:
            artist.clean_fields()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, messages)
        raise ValidationError(errors)
    artist.full_clean()


def _save_profile(artist: Artist) -> None:
    try:
        with transaction.atomic():
            artist.save()
    except IntegrityError:
        # Another request took the handle between the check and the write.
        raise ValidationError({"handle": "This handle is taken."}) from None


def _profile_fields(handle, public_name, show_public_name, disciplines, country) -> dict:
    return {
        "handle": (handle or "").strip(),
        "public_name": (public_name or "").strip(),
        "show_public_name": bool(show_public_name),
        "disciplines": [d.strip() for d in disciplines if d and d.strip()],
        "country": (country or "").strip().upper(),
    }


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
    artist = Artist(user=user, **_profile_fields(handle, public_name, show_public_name, disciplines, country))
    _clean_profile(artist)
    _save_profile(artist)
    return artist


@transaction.atomic
def sign_up_artist(
    *,
    username: str,
    password: str,
    handle: str,
    email: str = "",
    disciplines: list[str] | tuple[str, ...] = (),
    country: str = "",
) -> Artist:
    """Create a login and its artist profile together, or neither. The email is optional,
    and an address already on another account is accepted like any other: refusing it
    would tell anyone who tries an address whether its owner has an account here."""
    User = get_user_model()
    username, email = (username or "").strip(), (email or "").strip()
    user = User(username=username, email=email)
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    artist = Artist(**_profile_fields(handle, "", False, disciplines, country))
    try:
        _clean_profile(artist)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    artist.user = user
    _save_profile(artist)
    return artist


@transaction.atomic
def update_profile(
    *,
    artist: Artist,
    handle: str,
    public_name: str = "",
    show_public_name: bool = False,
    disciplines: list[str] | tuple[str, ...] = (),
    country: str = "",
) -> Artist:
    if artist.erased_at is not None:
        raise ValidationError({"handle": "This account was erased."})
    for field, value in _profile_fields(handle, public_name, show_public_name, disciplines, country).items():
        setattr(artist, field, value)
    _clean_profile(artist)
    _save_profile(artist)
    return artist


ERASED_TEXT = "(erased)"


@transaction.atomic
def erase_artist(*, artist: Artist) -> None:
    """Delete an artist's account and personal data, keeping anonymous counts consistent.

    Removed: the login (and its sessions and API tokens), handle, public name, disciplines,
    country, and every free text they wrote (titles, descriptions, notes). Kept, with no
    link to a person: dates, hours, kinds, amounts, access changes and decisions, because
    the programs' figures and flags are drawn from them. A reason the program stated is
    replaced by a marker, so "revoked without a reason" still counts the same. The evidence
    they gave reviewers (notes and files) is deleted; whether they were verified is kept.
    """
    from feedback.models import Compensation, Contribution
    from programs.models import AccessEvent
    from programs.services import erase_evidence

    artist = Artist.objects.select_for_update().get(pk=artist.pk)
    if artist.erased_at is not None:
        return
    user = artist.user
    Contribution.objects.filter(enrollment__artist=artist).update(title=ERASED_TEXT, description="")
    Work.objects.filter(enrollment__artist=artist).update(title=ERASED_TEXT, description="")
    Compensation.objects.filter(enrollment__artist=artist).update(note="")
    AccessEvent.objects.filter(enrollment__artist=artist).exclude(reason="").update(reason=ERASED_TEXT)
    AccessEvent.objects.filter(enrollment__artist=artist).update(recorded_by=None)
    ApprovalDecision.objects.filter(work__enrollment__artist=artist).exclude(reason="").update(reason=ERASED_TEXT)
    erase_evidence(artist=artist, erased_text=ERASED_TEXT)
    # When they were reminded says when they were active; no figure needs it.
    ReminderSent.objects.filter(artist=artist).delete()
    Artist.objects.filter(pk=artist.pk).update(
        user=None,
        handle=f"{ERASED_HANDLE_PREFIX}{artist.pk}",
        public_name="",
        show_public_name=False,
        disciplines=[],
        country="",
        reminders=Artist.Reminders.NONE,
        erased_at=timezone.now(),
    )
    if user is not None:
        user.delete()


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
    require_access_granted(enrollment)
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


@transaction.atomic
def update_work(
    *, work: Work, title: str, submitted_at: dt.datetime, medium: str = Work.Medium.VIDEO, description: str = ""
) -> Work:
    require_aware(submitted_at, "submitted_at")
    not_in_future(submitted_at, "submitted_at")
    not_before_opening(work.enrollment.program, submitted_at, "submitted_at")
    work = Work.objects.select_for_update().get(pk=work.pk)
    if work.first_decided_at is not None and submitted_at > work.first_decided_at:
        raise ValidationError(
            {
                "submitted_at": f"The first decision came on {work.first_decided_at:%Y-%m-%d %H:%M} UTC; "
                "the submission cannot be after it."
            }
        )
    work.title, work.medium = (title or "").strip(), medium
    work.description, work.submitted_at = (description or "").strip(), submitted_at
    work.full_clean()
    work.save()
    return work


@transaction.atomic
def delete_work(*, work: Work) -> None:
    """Delete a work and the decisions recorded on it."""
    work.delete()
