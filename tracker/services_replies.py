"""Writes of the right of reply: a representative of the organization that runs a program
posts and edits public replies to its figures and program-level findings; staff hide an
abusive one with a reason. A reply touches no figure, flag or artist's record: it lives in its
own tables, which no figure, cache key or program version reads (docs/privacy.md)."""

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from programs.models import Program
from programs.selectors import listed_programs, represents
from tracker.models import REPLY_MAX_LENGTH, Flag, Reply, ReplyRevision
from tracker.selectors_replies import answerable_findings

NOT_A_REPRESENTATIVE = "Only a representative of the organization that runs this program may reply here."
NOT_THE_AUTHOR = (
    "Only the representative who posted this reply may edit it, while they still represent the organization."
)


def clean_body(body) -> str:
    text = (body or "").strip()
    if not text:
        raise ValidationError({"body": "Write the reply."})
    if len(text) > REPLY_MAX_LENGTH:
        raise ValidationError(
            {"body": f"A reply has at most {REPLY_MAX_LENGTH:,} characters; this one has {len(text):,}."}
        )
    return text


def _finding(program: Program, finding_id: int | None) -> Flag | None:
    if finding_id is None:
        return None
    finding = answerable_findings(program).filter(pk=finding_id).first()
    if finding is None:
        raise ValidationError(
            {"finding": "No open finding about this program as a whole has this id: reply to one shown on its page."}
        )
    return finding


@transaction.atomic
def post_reply(*, program: Program, author, body: str, finding_id: int | None = None) -> Reply:
    """A representative's reply to the program's figures, or to one of its open program-level
    findings. PermissionDenied for anyone else."""
    if not listed_programs().filter(pk=program.pk).exists():
        raise ValidationError("This program is not listed.")
    if not represents(author, program.organization):
        raise PermissionDenied(NOT_A_REPRESENTATIVE)
    text = clean_body(body)
    finding = _finding(program, finding_id)
    now = timezone.now()
    return Reply.objects.create(
        program=program, finding=finding, author=author, body=text, created_at=now, updated_at=now
    )


@transaction.atomic
def edit_reply(*, reply: Reply, editor, body: str) -> Reply:
    """Its author, while still a representative, replaces a reply's text; the text it replaces
    is kept with its dates (ReplyRevision), shown publicly as its history. A hidden reply stays
    as staff left it."""
    reply = Reply.objects.select_for_update().select_related("program__organization").get(pk=reply.pk)
    if reply.author_id is None or reply.author_id != getattr(editor, "pk", None):
        raise PermissionDenied(NOT_THE_AUTHOR)
    if not represents(editor, reply.program.organization):
        raise PermissionDenied(NOT_THE_AUTHOR)
    if reply.is_hidden:
        raise ValidationError("Staff hid this reply: it cannot be edited. Post a new one instead.")
    text = clean_body(body)
    if text == reply.body:
        return reply
    now = timezone.now()
    ReplyRevision.objects.create(reply=reply, body=reply.body, written_at=reply.updated_at, replaced_at=now)
    reply.body, reply.updated_at = text, now
    reply.save(update_fields=["body", "updated_at"])
    return reply


@transaction.atomic
def hide_reply(*, reply: Reply, staff, reason: str) -> Reply:
    """Staff hide an abusive reply: its text and history leave the public pages and API, and
    "hidden by staff" with the reason is shown in its place. The audit trail keeps who did it."""
    if not getattr(staff, "is_staff", False) or not staff.is_active:
        raise PermissionDenied("Only staff may hide a reply.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"hidden_reason": "Give the reason the reply is hidden: it is shown in its place."})
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    if reply.is_hidden:
        raise ValidationError(f"Reply {reply.pk} is already hidden.")
    reply.hidden_at, reply.hidden_by, reply.hidden_reason = timezone.now(), staff, reason
    with pghistory.context(action="hide reply", reason=reason):
        reply.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    return reply
