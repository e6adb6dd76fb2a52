"""/api/v1/diagnosis-reports/: the diagnosis reports and their treatment requests, to those who
may read clinical content; drafts to the case's BTP only (diagnosis.selectors)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from botp.api import errors, routes
from botp.api.filters import ByCase
from botp.api.viewsets import ScopedViewSet
from botp.models import TreatmentRequestLine
from diagnosis import selectors
from diagnosis.models import DiagnosisReport, Differential


class TreatmentRequestLineSerializer(serializers.ModelSerializer):
    session_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    session_type_name = serializers.CharField(source="session_type.name", read_only=True)
    provider = serializers.SerializerMethodField(
        help_text=_("The proposed ISP; null when the BTP gives these sessions."))

    class Meta:
        model = TreatmentRequestLine
        fields = ["session_type", "session_type_name", "approach", "provider",
                  "planned_sessions"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_provider(self, line):
        return str(line.provider) if line.provider_id else None


class DiagnosisReportSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    author = serializers.StringRelatedField()
    differential_diagnoses = serializers.ListField(
        child=serializers.ChoiceField(choices=Differential.choices), read_only=True)
    request_lines = TreatmentRequestLineSerializer(many=True, read_only=True)
    question = serializers.SerializerMethodField(
        help_text=_("The psychologist's request for more information this version answers; "
                    "null when it answers none."))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_question(self, report):
        return report.question.payload.get("reason", "") if report.question_id else None

    class Meta:
        model = DiagnosisReport
        fields = [
            "id", "case", "version", "author", "created_at", "updated_at", "submitted_at",
            *selectors.SCORE_FIELDS, "scores_source",
            "anamnesis", "work_factors", "buffering_factors", "aggravating_factors",
            "psychiatric_antecedents", "physical_symptoms", "cognitive_symptoms",
            "affective_symptoms", "behavioural_symptoms", "treatments_and_evolution",
            "additional_examinations", "burnout_present", "burnout_stage",
            "differential_diagnoses", "differential_notes", "conclusion",
            "suicidal_ideation", "urgent_referral", "treatment_goals", "request_lines",
            "question", "answer",
        ]


class DiagnosisReportFilter(ByCase):
    class Meta:
        model = DiagnosisReport
        fields = ["case"]


@extend_schema_view(
    list=extend_schema(summary="The diagnosis reports the user may read",
                       responses={200: DiagnosisReportSerializer(many=True),
                                  **errors.LISTED}),
    retrieve=extend_schema(summary="One version of a diagnosis report",
                           responses={200: DiagnosisReportSerializer,
                                      **errors.UNAUTHENTICATED, **errors.NOT_FOUND}),
)
class DiagnosisReportViewSet(ScopedViewSet):
    """Diagnosis reports with their treatment requests, for the Fedris psychologists and the
    case's BTP; a version not sent yet only for the BTP."""

    serializer_class = DiagnosisReportSerializer
    filterset_class = DiagnosisReportFilter

    def scoped(self, user):
        lines = TreatmentRequestLine.objects.select_related("session_type", "provider__user")
        return (
            selectors.reports_readable_by(user)
            .select_related("case", "author", "request", "question")
            .prefetch_related(Prefetch("request__lines", queryset=lines))
        )

    def audit_what(self, report):
        return f"diagnosis report v{report.version} (API)"


def register():
    routes.register("diagnosis-reports", DiagnosisReportViewSet, basename="diagnosis-report")
