"""/api/v1/survey-waves/: which survey waves each case was invited to and what became of them,
for those who follow the evaluation. Never the link's token hash or nonce, never answers."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from botp import policy
from botp.api import errors, routes
from botp.api.filters import ByCase
from botp.api.viewsets import ScopedViewSet
from botp.models import Wave
from botp.policy import Action
from evaluation.models import InvitationStatus, SurveyInvitation


class SurveyWaveSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True)
    status = serializers.ChoiceField(choices=InvitationStatus.choices, read_only=True)

    class Meta:
        model = SurveyInvitation
        fields = ["id", "case", "wave", "status", "due_on", "closes_at", "sent_at",
                  "reminders_sent", "opened_at", "completed_at"]


class SurveyWaveFilter(ByCase):
    wave = filters.ChoiceFilter(choices=Wave.choices)

    class Meta:
        model = SurveyInvitation
        fields = ["case", "wave"]


@extend_schema_view(
    list=extend_schema(summary="The survey waves of the cases the user may follow",
                       responses={200: SurveyWaveSerializer(many=True), **errors.LISTED}),
    retrieve=extend_schema(summary="One survey wave of a case",
                           responses={200: SurveyWaveSerializer, **errors.UNAUTHENTICATED,
                                      **errors.NOT_FOUND}),
)
class SurveyWaveViewSet(ScopedViewSet):
    """Survey waves of each case: when they were due, sent, opened and completed."""

    serializer_class = SurveyWaveSerializer
    filterset_class = SurveyWaveFilter

    def scoped(self, user):
        return (
            policy.scope_by_case(user, SurveyInvitation.objects.all(),
                                 Action.VIEW_SURVEY_STATUS)
            .select_related("case")
        )

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # The status reads each wave's e-mail from the outbox: one query for the page.
        return SurveyInvitation.with_deliveries(page) if page is not None else page

    def audit_what(self, invitation):
        return "survey status (API)"


def register():
    routes.register("survey-waves", SurveyWaveViewSet, basename="survey-wave")
