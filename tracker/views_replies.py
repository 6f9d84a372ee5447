"""The right of reply's pages: a representative posts a reply on a program page and edits
their own. The replies are shown on the program page (tracker.views.program_dashboard), in
their own section after the figures, never inside the cached figures fragment."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from config.forms import submit_form
from programs.selectors import listed_programs, represents
from tracker import services_replies
from tracker.forms_replies import EditReplyForm, ReplyForm
from tracker.models import Reply
from tracker.selectors_replies import answerable_findings, reply_panel


def _replies_url(program) -> str:
    return reverse("program", args=[program.slug]) + "#replies"


def _representative_program(request, slug):
    program = get_object_or_404(listed_programs(), slug=slug)
    if not represents(request.user, program.organization):
        raise PermissionDenied(services_replies.NOT_A_REPRESENTATIVE)
    return program


@login_required
@never_cache
def reply_new(request, slug):
    program = _representative_program(request, slug)
    findings = list(answerable_findings(program))
    form = ReplyForm(request.POST or None, findings=findings)
    done = submit_form(
        request,
        form,
        lambda finding, body: services_replies.post_reply(
            program=program, author=request.user, body=body, finding_id=finding
        ),
        success=lambda reply: (
            f"Your reply is published on the page of {program.name}, from {program.organization.name}."
        ),
        then=lambda reply: _replies_url(program),
    )
    if done:
        return done
    status = 400 if form.is_bound else 200
    return render(request, "tracker/reply_form.html", {"program": program, "form": form, "reply": None}, status=status)


@login_required
@never_cache
def reply_edit(request, slug, pk):
    program = _representative_program(request, slug)
    reply = get_object_or_404(Reply, program=program, pk=pk, hidden_at__isnull=True)
    if reply.author_id != request.user.pk:
        raise PermissionDenied(services_replies.NOT_THE_AUTHOR)
    form = EditReplyForm(request.POST or None, initial={"body": reply.body})
    done = submit_form(
        request,
        form,
        lambda body: services_replies.edit_reply(reply=reply, editor=request.user, body=body),
        success=lambda reply: "Your reply is updated; the earlier text stays public under “earlier versions”.",
        then=lambda reply: _replies_url(program),
    )
    if done:
        return done
    status = 400 if form.is_bound else 200
    return render(request, "tracker/reply_form.html", {"program": program, "form": form, "reply": reply}, status=status)


def reply_context(request, program) -> dict:
    """What the program page's "Replies from <organization>" section needs: the replies, and
    for a representative of the organization the form to post one."""
    panel = reply_panel(program, request.user)
    context = {"replies": panel}
    if panel.can_reply:
        context["reply_form"] = ReplyForm(findings=answerable_findings(program))
    return context
