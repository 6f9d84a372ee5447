"""Serializers of the programs API: the catalogue, proposals, the artist's enrollments and
their evidence, and the reviewers' view of enrollments under review. They check shape;
programs.services decides."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import RejectUnknownFieldsMixin, SlugRelatedField, service_errors
from config.auth import current_artist
from programs.evidence import MAX_NOTE_CHARS
from programs.models import AccessEvent, Enrollment, EnrollmentEvidence, Organization, Program, VerificationDecision
from programs.selectors import enrollments_of, listed_organizations, programs_open_to

VERIFICATION_HELP = (
    "Whether a reviewer has seen evidence that the artist was a tester: unverified, pending (evidence "
    "waits for a reviewer), verified (counts in public figures) or rejected."
)
REASON_HELP = "The reviewer's reason for the last decision; blank if none."

# The public catalogue and proposals.


class CleanModelSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    # Staff writes to the catalogue: the model's own full_clean (constraints included)
    # decides, so a refused write answers 400 on its field instead of failing in the database.

    def create(self, validated_data):
        return self._clean_and_save(self.Meta.model(**validated_data))

    def update(self, instance, validated_data):
        for field, value in validated_data.items():
            setattr(instance, field, value)
        return self._clean_and_save(instance)

    def _clean_and_save(self, instance):
        with service_errors():
            instance.full_clean()
            instance.save()
        return instance


class OrganizationSerializer(CleanModelSerializer):
    class Meta:
        model = Organization
        fields = ["name", "slug", "valuation_usd", "website"]
        extra_kwargs = {
            "name": {"help_text": "The organization's name."},
            "slug": {"help_text": "Its identifier in URLs and in the API: letters, digits, - and _."},
            "website": {"help_text": "Its website; blank if unknown."},
        }

    def validate_name(self, value):
        # The model's case-insensitive unique constraint would only report itself by name.
        others = Organization.objects.filter(name__iexact=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError("An organization with this name exists.")
        return value


class ProgramSerializer(CleanModelSerializer):
    organization = SlugRelatedField(
        slug_field="slug", queryset=listed_organizations(), help_text="The slug of the organization that runs it."
    )

    class Meta:
        model = Program
        fields = [
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
        ]
        extra_kwargs = {
            "name": {"help_text": "The program's name."},
            "slug": {"help_text": "Its identifier in URLs and in the API: letters, digits, - and _."},
            "status": {"help_text": "announced, active, suspended or closed."},
            "closed_on": {"help_text": "Last day testers had access; null while it runs."},
            "currency": {"help_text": "Three-letter ISO 4217 code of its money figures, such as USD."},
            "responsible_use_definition": {
                "help_text": 'How its terms define "responsible use"; blank if they do not.'
            },
            "confidential_content_definition": {
                "help_text": 'How its terms define "confidential content"; blank if they do not.'
            },
            "promotion_required": {"help_text": "Whether its terms require testers to promote the tool."},
        }


class ProgramProposalSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200, help_text="The program's name.")
    organization = serializers.CharField(
        max_length=200, help_text="The company that runs it: its name, or the slug of a listed organization."
    )
    opened_on = serializers.DateField(required=False, allow_null=True, help_text="First day testers had access.")
    closed_on = serializers.DateField(required=False, allow_null=True, help_text="Last day, if it has closed.")
    announcement_url = serializers.URLField(
        required=False, allow_blank=True, help_text="Where the program was announced."
    )
    description = serializers.CharField(required=False, allow_blank=True, help_text="What the program is about.")


# The artist's own enrollments.


@extend_schema_field(OpenApiTypes.STR)
class OpenProgramField(serializers.SlugRelatedField):
    """A program's slug, among the programs the current artist may join."""

    default_error_messages = {
        "does_not_exist": "No program you can join has the slug {value}.",
        "invalid": "Give a program's slug.",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)

    def get_queryset(self):
        return programs_open_to(current_artist(self.context["request"]))


@extend_schema_field(OpenApiTypes.STR)
class EnrollmentProgramField(serializers.RelatedField):
    """A record's program, by slug. On write it must be the program of one of the current
    artist's enrollments, and it stands for that enrollment."""

    default_error_messages = {
        "does_not_exist": "You are not enrolled in a program with the slug {value}.",
        "invalid": "Give a program's slug.",
    }

    def get_queryset(self):
        return enrollments_of(current_artist(self.context["request"]))

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        # A batch of records names the same few programs again and again: each slug is looked
        # up once per request body (the root serializer's context lives as long as it does).
        known = self.context.setdefault("_enrollments_by_slug", {})
        if data not in known:
            known[data] = self.get_queryset().filter(program__slug=data).first()
        if known[data] is None:
            self.fail("does_not_exist", value=data)
        return known[data]

    def to_representation(self, value):
        return value.program.slug

    def display_value(self, instance):
        return instance.program.name


class EnrollmentSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="The enrollment's id.")
    program = OpenProgramField(help_text="The program's slug: a listed program or one you proposed.")
    granted_on = serializers.DateField(
        required=False, allow_null=True, help_text="The day access was granted; leave out if only invited."
    )
    status = serializers.ChoiceField(
        choices=Enrollment.Status.choices,
        read_only=True,
        help_text="Current access, from the latest access event: invited, active, suspended or revoked.",
    )
    verification = serializers.ChoiceField(
        choices=Enrollment.Verification.choices, read_only=True, help_text=VERIFICATION_HELP
    )
    verification_reason = serializers.CharField(read_only=True, help_text=REASON_HELP)


class AccessEventSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            (kind.value, kind.label)
            for kind in (AccessEvent.Kind.SUSPENDED, AccessEvent.Kind.REINSTATED, AccessEvent.Kind.REVOKED)
        ],
        help_text="What the program did: suspended, reinstated or revoked.",
    )
    occurred_at = serializers.DateTimeField(
        help_text="When (ISO 8601 with a time zone): not in the future, not before the program opened."
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The reason the program stated; blank if none."
    )
    notice_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Days of notice given; leave out if unknown."
    )


# Verification: the artist's evidence and the reviewers' decisions.


class EvidenceSerializer(serializers.ModelSerializer):
    filename = serializers.CharField(
        source="original_filename", read_only=True, help_text="The file's name as uploaded; blank without a file."
    )
    download_url = serializers.SerializerMethodField(
        help_text="Where the artist or a reviewer downloads the file (signed in); null without a file."
    )

    class Meta:
        model = EnrollmentEvidence
        fields = ["id", "note", "filename", "content_type", "size", "uploaded_at", "download_url"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The evidence's id."},
            "note": {"help_text": "What the evidence shows, in the artist's words."},
            "content_type": {"help_text": "The file's type, judged from its content; blank without a file."},
            "size": {"help_text": "The file's size in bytes; 0 without a file."},
            "uploaded_at": {"help_text": "When it was given."},
        }

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, evidence) -> str | None:
        if not evidence.file:
            return None
        path = reverse("api-evidence-file", args=[evidence.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class EvidenceUploadSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    note = serializers.CharField(
        max_length=MAX_NOTE_CHARS, help_text="What the evidence shows, for example “The invitation email of 12 March”."
    )
    file = serializers.FileField(
        required=False,
        help_text="Optional: a PDF, PNG, JPEG, plain text or .eml file of at most 5 MB, judged by its content.",
    )


class ReviewEnrollmentSerializer(serializers.ModelSerializer):
    program = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="The program's slug.")
    artist = serializers.SlugRelatedField(
        slug_field="handle", read_only=True, help_text="The artist's pseudonymous handle."
    )
    evidence = EvidenceSerializer(many=True, read_only=True, help_text="The artist's evidence, oldest first.")

    class Meta:
        model = Enrollment
        fields = ["id", "program", "artist", "verification", "verification_reason", "evidence", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The enrollment's id."},
            "verification": {"help_text": VERIFICATION_HELP},
            "verification_reason": {"help_text": REASON_HELP},
            "created_at": {"help_text": "When the artist added the program to their ledger."},
        }


class VerificationDecisionSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    decision = serializers.ChoiceField(choices=VerificationDecision.Decision.choices, help_text="verified or rejected.")
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why; needed for a rejection, which the artist sees."
    )
