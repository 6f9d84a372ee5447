"""Reads for the organizations' replies (right of reply): what a program page and the
replies API show, and which findings a representative may answer."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from programs.models import Program
from programs.selectors import represents
from tracker.models import Flag, Reply, ReplyRevision
from tracker.selectors import public_flags


def answerable_findings(program: Program) -> QuerySet[Flag]:
    """The findings a representative may reply to: the program's open program-level findings,
    the ones the public sees one by one (tracker.selectors.public_flags)."""
    return public_flags().filter(program=program, resolved_at__isnull=True).order_by("-raised_at", "-id")


def program_replies(program: Program) -> QuerySet[Reply]:
    """Every reply about the program, hidden ones included (shown as a stub with the reason),
    oldest first, each with its earlier texts (newest first) and the finding it answers."""
    return (
        Reply.objects.filter(program=program)
        .select_related("finding")
        .prefetch_related(Prefetch("revisions", queryset=ReplyRevision.objects.order_by("-written_at", "-id")))
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class ReplyPanel:
    """The "Replies from <organization>" section of a program page, apart from the figures."""

    organization_name: str
    replies: list[Reply]
    # Whether the visitor may post and edit here: a representative of the organization.
    can_reply: bool


def reply_panel(program: Program, user) -> ReplyPanel:
    can_reply = represents(user, program.organization)
    return ReplyPanel(
        organization_name=program.organization.name,
        replies=list(program_replies(program)),
        can_reply=can_reply,
    )
