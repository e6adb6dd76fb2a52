"""/api/v1/sessions/ and /api/v1/final-reports/.

Sessions span stages 2 to 4; they live here because recording a treatment session goes through
treatment.services (diagnosis and debrief sessions straight through botp.sessions, as the
diagnosis pages do), so the API keeps the same state machine, caps and plan rules as the pages.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from botp import policy, sessions
from botp.api import errors, routes
from botp.api.filters import ByCase
from botp.api.viewsets import ScopedViewSet
from botp.models import Approach, Session, SessionFormat, SessionPhase, SessionStatus
from treatment import selectors, services
from treatment.models import FinalReport

# --- Sessions -----------------------------------------------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    session_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    session_type_name = serializers.CharField(source="session_type.name", read_only=True)
    phase = serializers.ChoiceField(source="session_type.phase", choices=SessionPhase.choices,
                                    read_only=True)
    provider = serializers.StringRelatedField(help_text=gettext_lazy("Who gave the session."))

    class Meta:
        model = Session
        fields = ["id", "case", "session_type", "session_type_name", "phase", "approach",
                  "date", "starts_at", "place", "duration_minutes", "format", "status",
                  "provider", "recorded_at"]


class SessionRecordSerializer(serializers.Serializer):
    """A session the user gave, to record on a case."""

    case = serializers.CharField(max_length=32, help_text=gettext_lazy("The case's reference."))
    session_type = serializers.SlugField(
        max_length=50, help_text=gettext_lazy("The code of one of the programme's session types "
                                              "(e.g. diagnosis, debrief, starter_kit)."))
    approach = serializers.ChoiceField(
        choices=Approach.choices, required=False, default="", allow_blank=True,
        help_text=gettext_lazy("For session types given in several approaches."))
    date = serializers.DateField()
    duration_minutes = serializers.IntegerField(
        help_text=gettext_lazy("Minutes, within the shortest and longest session the portal "
                               "records; a 400 outside them names the bounds."))
    status = serializers.ChoiceField(choices=SessionStatus.choices)
    format = serializers.ChoiceField(choices=SessionFormat.choices, required=False,
                                     default=SessionFormat.INDIVIDUAL)
    starts_at = serializers.TimeField(
        required=False, allow_null=True, default=None,
        help_text=gettext_lazy("When a planned session starts (required when planned)."))
    place = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300,
        help_text=gettext_lazy("Where a planned session takes place (required when planned)."))

    def validate_duration_minutes(self, value):
        # Read when the request comes, not when this class is made: one setting holds them.
        if problem := sessions.duration_problem(value):
            raise serializers.ValidationError(problem)
        return value


def record(case, user, data):
    """Record the session through the service of its phase."""
    session_type = case.programme.session_types.filter(code=data["session_type"]).first()
    if session_type is None:
        raise ValidationError({"session_type": _("This programme has no such session type.")})
    if session_type.phase in (SessionPhase.DIAGNOSIS, SessionPhase.DEBRIEF):
        problems = {}
        if data["approach"]:
            problems["approach"] = _("Only treatment sessions have an approach.")
        if data["format"] != SessionFormat.INDIVIDUAL:
            problems["format"] = _("Diagnosis and debrief sessions are individual.")
        if problems:
            raise ValidationError(problems)
        return sessions.record(case, user, type_code=session_type.code, date=data["date"],
                               duration_minutes=data["duration_minutes"], status=data["status"])
    return services.record_session(case, user, type_code=session_type.code,
                                   approach=data["approach"], date=data["date"],
                                   duration_minutes=data["duration_minutes"],
                                   status=data["status"], session_format=data["format"],
                                   starts_at=data["starts_at"], place=data["place"])


class SessionFilter(ByCase):
    class Meta:
        model = Session
        fields = ["case"]


@extend_schema_view(
    list=extend_schema(summary="The sessions the user may see",
                       responses={200: SessionSerializer(many=True), **errors.LISTED}),
    retrieve=extend_schema(summary="One session",
                           responses={200: SessionSerializer, **errors.UNAUTHENTICATED,
                                      **errors.NOT_FOUND}),
    create=extend_schema(
        summary="Record a session the user gave",
        description="Diagnosis sessions while the case is in diagnosis, the debrief after a "
                    "diagnosis that was not confirmed, treatment sessions under the treatment "
                    "plan: within the programme's caps, by the provider who gave them.",
        request=SessionRecordSerializer,
        responses={201: SessionSerializer, **errors.BAD_REQUEST, **errors.UNAUTHENTICATED,
                   **errors.NOT_FOUND, **errors.CONFLICT},
    ),
)
class SessionViewSet(ScopedViewSet):
    """All of a case's sessions for those who may see them; an ISP only those it gives."""

    serializer_class = SessionSerializer
    filterset_class = SessionFilter

    def scoped(self, user):
        return (
            policy.sessions_visible_to(user)
            .select_related("case", "session_type", "provider__user")
        )

    def audit_what(self, session):
        return "sessions (API)"

    def create(self, request, *args, **kwargs):
        incoming = SessionRecordSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        case = policy.get_case_or_404(request.user, incoming.validated_data["case"])
        session = record(case, request.user, incoming.validated_data)
        shown = SessionSerializer(session, context=self.get_serializer_context())
        return Response(shown.data, status=status.HTTP_201_CREATED)


# --- Final reports ------------------------------------------------------------------------------


class FinalReportSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    author = serializers.StringRelatedField()
    sessions_delivered = serializers.DictField(
        child=serializers.IntegerField(), read_only=True,
        help_text=gettext_lazy("Sessions held by session type code, counted when the report "
                               "was sent."))

    class Meta:
        model = FinalReport
        fields = ["id", "case", "author", "created_at", "updated_at", "submitted_at",
                  "sessions_delivered", "work_status", "work_status_other", "adaptations",
                  "outcome", "conclusion", "further_care", "referral", "referral_note"]


class FinalReportFilter(ByCase):
    class Meta:
        model = FinalReport
        fields = ["case"]


@extend_schema_view(
    list=extend_schema(summary="The final reports the user may read",
                       responses={200: FinalReportSerializer(many=True), **errors.LISTED}),
    retrieve=extend_schema(summary="One final report",
                           responses={200: FinalReportSerializer, **errors.UNAUTHENTICATED,
                                      **errors.NOT_FOUND}),
)
class FinalReportViewSet(ScopedViewSet):
    """Final reports, for the Fedris psychologists and the case's BTP."""

    serializer_class = FinalReportSerializer
    filterset_class = FinalReportFilter

    def scoped(self, user):
        return (
            selectors.final_reports_readable_by(user)
            .select_related("case", "author")
        )

    def audit_what(self, report):
        return "final report (API)"


def register():
    routes.register("sessions", SessionViewSet, basename="session")
    routes.register("final-reports", FinalReportViewSet, basename="final-report")
