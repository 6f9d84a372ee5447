"""The right of reply in the API: `GET/POST /api/v1/programs/{slug}/replies/` and
`PATCH /api/v1/programs/{slug}/replies/{id}/`.

Anyone reads a listed program's replies (a hidden one as a stub with the reason staff gave);
only a representative of the organization that runs the program posts one (401 without a
login, 403 for anyone else), and only its author edits it. The serializers check the shape;
tracker.services_replies decides. A reply is signed by the organization: no person's name,
account or id is ever shown."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.api import RejectUnknownFieldsMixin, service_errors
from config.csp import BrowsableAPIRenderer
from config.renderers import StrictPagination
from programs.selectors import listed_programs, represents
from tracker import services_replies
from tracker.models import REPLY_MAX_LENGTH, Flag, Reply
from tracker.selectors_replies import program_replies

MAX_ID = 2**63 - 1


class ReplyRevisionSerializer(serializers.Serializer):
    body = serializers.CharField(read_only=True, help_text="The text before the edit.")
    written_at = serializers.DateTimeField(read_only=True, help_text="When this text was written.")
    replaced_at = serializers.DateTimeField(read_only=True, help_text="When an edit replaced it.")


class ReplySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    program = serializers.CharField(read_only=True, help_text="The program's slug.")
    organization = serializers.CharField(read_only=True, help_text="The organization that replies (never a person).")
    finding = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The program-level finding answered (its id in /flags/); null for the figures.",
    )
    finding_kind = serializers.ChoiceField(
        choices=Flag.Kind.choices, read_only=True, allow_null=True, help_text="The kind of the finding answered."
    )
    visibility = serializers.ChoiceField(
        choices=[("visible", "Visible"), ("hidden", "Hidden by staff")], read_only=True
    )
    body = serializers.CharField(read_only=True, allow_null=True, help_text="The current text; null when hidden.")
    created_at = serializers.DateTimeField(read_only=True, help_text="When the reply was posted.")
    updated_at = serializers.DateTimeField(read_only=True, help_text="When its current text was written.")
    edited = serializers.BooleanField(read_only=True)
    hidden_at = serializers.DateTimeField(read_only=True, allow_null=True)
    hidden_reason = serializers.CharField(
        read_only=True, allow_null=True, help_text="Why staff hid the reply; null while it is visible."
    )
    revisions = ReplyRevisionSerializer(
        many=True, read_only=True, help_text="Its earlier texts, newest first; empty when hidden."
    )

    def to_representation(self, reply: Reply) -> dict:
        hidden = reply.is_hidden
        return {
            "id": reply.pk,
            "program": reply.program.slug,
            "organization": reply.program.organization.name,
            "finding": reply.finding_id,
            "finding_kind": reply.finding.kind if reply.finding_id else None,
            "visibility": "hidden" if hidden else "visible",
            "body": None if hidden else reply.body,
            "created_at": serializers.DateTimeField().to_representation(reply.created_at),
            "updated_at": serializers.DateTimeField().to_representation(reply.updated_at),
            "edited": reply.edited,
            "hidden_at": serializers.DateTimeField().to_representation(reply.hidden_at) if hidden else None,
            "hidden_reason": reply.hidden_reason if hidden else None,
            "revisions": [] if hidden else ReplyRevisionSerializer(reply.revisions.all(), many=True).data,
        }


class ReplyCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    body = serializers.CharField(max_length=REPLY_MAX_LENGTH, help_text="The reply, shown publicly.")
    finding = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="An open program-level finding of this program to answer; leave out to reply to the figures.",
    )


class ReplyEditSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    body = serializers.CharField(max_length=REPLY_MAX_LENGTH, help_text="The new text; the old one is kept.")


SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The program's slug.")
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The reply's id.")


@extend_schema_view(
    list=extend_schema(
        parameters=[SLUG], description="A listed program's replies from its organization, oldest first."
    ),
    create=extend_schema(
        parameters=[SLUG],
        request=ReplyCreateSerializer,
        responses={201: ReplySerializer},
        description="A representative of the organization that runs the program replies to its figures or "
        "to one of its open program-level findings. 403 for anyone else.",
    ),
    partial_update=extend_schema(
        parameters=[SLUG, ID],
        request=ReplyEditSerializer,
        responses={200: ReplySerializer},
        description="The reply's author, while still a representative, replaces its text; the text it "
        "replaces stays public in `revisions`.",
    ),
)
class ReplyViewSet(viewsets.GenericViewSet):
    serializer_class = ReplySerializer
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = StrictPagination
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]
    filter_backends = []
    queryset = Reply.objects.none()

    def program(self):
        return get_object_or_404(listed_programs(), slug=self.kwargs["slug"])

    def list(self, request, slug):
        program = self.program()
        replies = program_replies(program).select_related("program__organization")
        page = self.paginate_queryset(replies)
        return self.get_paginated_response(ReplySerializer(page, many=True).data)

    def create(self, request, slug):
        program = self.program()
        if not represents(request.user, program.organization):
            raise PermissionDenied(services_replies.NOT_A_REPRESENTATIVE)
        body = ReplyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            reply = services_replies.post_reply(
                program=program,
                author=request.user,
                body=body.validated_data["body"],
                finding_id=body.validated_data.get("finding"),
            )
        return Response(ReplySerializer(self._fresh(reply)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, slug, id):
        program = self.program()
        if int(id) > MAX_ID:  # beyond any id the database holds (its lookup would fail there)
            raise NotFound()
        reply = get_object_or_404(Reply, program=program, pk=id)
        if reply.author_id != request.user.pk or not represents(request.user, program.organization):
            raise PermissionDenied(services_replies.NOT_THE_AUTHOR)
        body = ReplyEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            reply = services_replies.edit_reply(reply=reply, editor=request.user, body=body.validated_data["body"])
        return Response(ReplySerializer(self._fresh(reply)).data)

    def _fresh(self, reply: Reply) -> Reply:
        return program_replies(reply.program).select_related("program__organization").get(pk=reply.pk)
