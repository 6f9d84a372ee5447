"""REST API for artists: sign-up and API tokens, submitted works and the decisions on
them, the artist's enrollments with what each program owes them, and the download of
everything the tracker holds about the artist."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from artists import services, twofactor
from artists.exports import artist_records
from artists.models import ApprovalDecision, Work
from config.api import ArtistRecordsViewSet, IsArtist, RejectUnknownFieldsMixin, service_errors
from config.auth import current_artist
from config.lockout import lockout_json
from config.throttling import ReportingThrottle
from feedback.owed import RATE_DEFAULT, RATE_FROM_PROGRAM, with_owed
from programs.api import EnrollmentProgramField, EnrollmentViewSet
from programs.serializers import EnrollmentSerializer

# Sign-up and tokens.


class AuthRateThrottle(ReportingThrottle):
    """Sign-ups and token requests per client address, to slow down password guessing.
    The rate lives here rather than in settings: these two endpoints are all it is for."""

    scope = "auth"
    rate = "10/minute"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AuthView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AuthRateThrottle]


class SignUpSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    username = serializers.CharField(max_length=150, help_text="Your login name: letters, digits and @ . + - _")
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional; only used for password resets. Without one, the answer carries recovery codes: "
        "no password reset by email, no reminder emails, and if you lose both password and codes nobody can "
        "recover the account.",
    )
    password = serializers.CharField(
        write_only=True,
        style={"input_type": "password"},
        help_text="At least 8 characters, not a common password, not all digits, not like your username.",
    )
    handle = serializers.CharField(max_length=40, help_text="Your public pseudonym: 3 to 40 letters, digits, . - _")


class SignedUpSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="Your login name.")
    handle = serializers.CharField(help_text="Your public pseudonym.")
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    recovery_codes = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Only when no email was given: 10 one-time codes, each signs in once in place of the password "
        "(or of the second factor). Shown only in this answer: save them.",
    )


class SignUpView(AuthView):
    """Create a login with its artist profile, and an API token for it. The email is
    optional; an address already on another account is accepted like a fresh one."""

    @extend_schema(request=SignUpSerializer, responses={201: SignedUpSerializer})
    def post(self, request):
        signup = SignUpSerializer(data=request.data)
        signup.is_valid(raise_exception=True)
        with transaction.atomic(), service_errors():
            signed_up = twofactor.sign_up(**signup.validated_data)
            token = Token.objects.create(user=signed_up.artist.user)
        answer = {"username": signed_up.artist.user.get_username(), "handle": signed_up.artist.handle}
        answer["token"] = token.key
        if signed_up.recovery_codes:
            answer["recovery_codes"] = signed_up.recovery_codes
        # A token and perhaps recovery codes: no cache may keep this answer.
        return Response(answer, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})


class TokenRequestSerializer(RejectUnknownFieldsMixin, AuthTokenSerializer):
    username = serializers.CharField(write_only=True, help_text="Your login name.")
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, style={"input_type": "password"}, help_text="Your password."
    )
    otp = serializers.CharField(
        write_only=True,
        required=False,
        max_length=40,
        help_text="Only for accounts with two-factor sign-in: the 6-digit code your authenticator app shows now, "
        "or one of your recovery codes (each works once).",
    )
    token = serializers.CharField(read_only=True, help_text="Not sent: the answer carries the token.")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


class TokenView(AuthView):
    """Exchange a username and password for the account's API token. After
    LOGIN_FAILURE_LIMIT wrong passwords for an account from one address, that account's
    sign-in from that address answers 429 until the cool-off ends or staff unlock it.
    An account with two-factor sign-in also sends `otp`; without it, or with a wrong one,
    the answer is 400 with a message under `otp`, and wrong codes make the account wait."""

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer})
    def post(self, request):
        credentials = TokenRequestSerializer(data=request.data, context={"request": request})
        if not credentials.is_valid():
            # django-axes flags the request when this attempt is refused for a lockout.
            if getattr(request, "axes_locked_out", False):
                return lockout_json()
            raise ValidationError(credentials.errors)
        user = credentials.validated_data["user"]
        if twofactor.has_two_factor(user):
            otp = credentials.validated_data.get("otp", "")
            if not otp:
                raise ValidationError({"otp": [twofactor.NEEDS_SECOND_FACTOR]})
            try:
                twofactor.check_second_factor(user=user, code=otp)
            except DjangoValidationError as error:
                raise ValidationError({"otp": [*error.messages, twofactor.NEEDS_SECOND_FACTOR]}) from None
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


# Works and decisions.


class WorkSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="The work's id.")
    program = EnrollmentProgramField(source="enrollment", help_text="The slug of a program you are enrolled in.")
    title = serializers.CharField(max_length=200, help_text="The work's title.")
    medium = serializers.ChoiceField(
        choices=Work.Medium.choices, default=Work.Medium.VIDEO, help_text="What kind of work it is."
    )
    description = serializers.CharField(allow_blank=True, default="", help_text="Details; may be blank.")
    submitted_at = serializers.DateTimeField(
        help_text="When it went to the program for approval: not in the future, not before the program opened."
    )
    status = serializers.ChoiceField(
        choices=Work.Status.choices, read_only=True, help_text="pending until the first decision, then its outcome."
    )


class DecisionSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ApprovalDecision.Outcome.choices, help_text="What the program decided.")
    decided_at = serializers.DateTimeField(help_text="When: after the work was submitted, not in the future.")
    reason = serializers.CharField(allow_blank=True, default="", help_text="The reason given; blank if none.")


class WorkFilter(filters.FilterSet):
    program = filters.CharFilter(field_name="enrollment__program__slug", help_text="A program's slug.")
    status = filters.ChoiceFilter(choices=Work.Status.choices)
    since = filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte", help_text="Submitted on or after.")
    until = filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte", help_text="Submitted on or before.")

    class Meta:
        model = Work
        fields = ["program", "status", "since", "until"]


class WorkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ArtistRecordsViewSet):
    """Creations the artist submitted to a program for approval."""

    serializer_class = WorkSerializer
    filterset_class = WorkFilter
    ordering_fields = ["submitted_at", "id"]

    def get_queryset(self):
        return Work.objects.filter(enrollment__artist=self.artist).select_related("enrollment__program")

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors({"enrollment": "program"}):
            work = services.submit_work(**serializer.validated_data)
        return Response(self.get_serializer(work).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={201: DecisionSerializer})
    @action(detail=True, methods=["post"], serializer_class=DecisionSerializer)
    def decisions(self, request, pk=None):
        """Record the program's decision on this work."""
        work = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            decision = services.record_decision(work=work, **serializer.validated_data)
        return Response(self.get_serializer(decision).data, status=status.HTTP_201_CREATED)


# Enrollments, with what each program owes.


def _money(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, help_text=help_text)


# The enrollment of programs.serializers with the owed figures of feedback.owed, under the
# same schema name: /api/v1/me/enrollments/ is served by LedgerEnrollmentViewSet below.
@extend_schema_serializer(component_name="Enrollment")
class LedgerEnrollmentSerializer(EnrollmentSerializer):
    owed = _money(
        "What the program owes you today: hours_due_unpaid × owed_rate, rounded to cents, in owed_currency. "
        "0.00 when nothing is owed."
    )
    owed_currency = serializers.CharField(read_only=True, help_text="The program's currency (ISO 4217).")
    owed_rate = _money("The hourly rate owed is counted at, in owed_currency.")
    owed_rate_source = serializers.ChoiceField(
        choices=[(RATE_FROM_PROGRAM, "The program's own rate"), (RATE_DEFAULT, "The tracker's default rate")],
        read_only=True,
        help_text="Where owed_rate comes from: program (the reference hourly rate the program published) or "
        "default (the tracker's FAIR_HOURLY_RATE, as the program published none).",
    )
    hours_due_unpaid = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        help_text="Hours of your work that is due (the payment terms passed since it occurred) with no cash "
        "or stipend allocated to it. Credits, free access and gifts are not pay.",
    )
    due_unpaid_contributions = serializers.IntegerField(
        read_only=True, help_text="How many contributions those hours are."
    )
    unpaid_hours_not_yet_due = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        read_only=True,
        help_text="Hours of unpaid work still within the program's payment terms: not owed yet.",
    )


class LedgerEnrollmentViewSet(EnrollmentViewSet):
    """The programs the artist tested, with their access and what each owes them today for
    due, unpaid work at its reference hourly rate."""

    serializer_class = LedgerEnrollmentSerializer

    def get_queryset(self):
        return with_owed(super().get_queryset())


# Export.


class ExportView(APIView):
    """Everything the tracker holds about the artist, one list of rows per table."""

    permission_classes = [IsAuthenticated, IsArtist]

    @extend_schema(
        responses=OpenApiResponse(
            response=OpenApiTypes.OBJECT,
            description=(
                "Tables profile, enrollments, access_events, contributions, works, decisions, compensations "
                "and allocations, each a list of rows named as in the API; decimals as strings."
            ),
        )
    )
    def get(self, request):
        return Response(artist_records(current_artist(request)))
