"""/api/v1/screening-requests/: submitted screening requests, as the request page shows them.

The national register number only masked; the referral signals only to those who may read
them (they are health data).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from botp import nationalnumber, policy
from botp.api import errors, routes
from botp.api.filters import ByCase
from botp.api.viewsets import ScopedViewSet
from botp.policy import Action
from intake.models import ScreeningRequest, Signal


class ScreeningRequestSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="reference", read_only=True,
                                        help_text=_("The reference of the case it opened."))
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True)
    sector = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True,
        help_text=_("The sector's code; null for a sector outside the programme's list "
                    "(see sector_other)."))
    national_number = serializers.SerializerMethodField(
        help_text=_("Masked: only the birth-date part is shown."))
    signals = serializers.SerializerMethodField(
        help_text=_("The signals that led to the referral; null for those who may not read "
                    "them."))
    signals_other = serializers.SerializerMethodField(
        help_text=_("The referrer's other observations; null for those who may not read "
                    "them."))

    class Meta:
        model = ScreeningRequest
        fields = [
            "id", "case", "programme", "submitted_at",
            "first_name", "last_name", "national_number", "birth_date", "sex", "email",
            "phone", "language",
            "employer_name", "enterprise_number", "sector", "sector_other", "job_title",
            "work_status", "sick_leave_since",
            "signals", "signals_other", "consent_version", "consent_given_at",
        ]

    def _shows_signals(self, screening):
        return policy.can(self.context["request"].user, Action.VIEW_REFERRAL_SIGNALS,
                          screening.case)

    def get_national_number(self, screening) -> str:
        return nationalnumber.format_masked(screening.niss)

    @extend_schema_field(serializers.ListField(
        child=serializers.ChoiceField(choices=Signal.choices), allow_null=True))
    def get_signals(self, screening):
        return list(screening.signals) if self._shows_signals(screening) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_signals_other(self, screening):
        return screening.signals_other if self._shows_signals(screening) else None


class ScreeningRequestFilter(ByCase):
    class Meta:
        model = ScreeningRequest
        fields = ["case"]


@extend_schema_view(
    list=extend_schema(summary="The submitted screening requests the user may see",
                       responses={200: ScreeningRequestSerializer(many=True),
                                  **errors.LISTED}),
    retrieve=extend_schema(summary="One submitted screening request",
                           responses={200: ScreeningRequestSerializer,
                                      **errors.UNAUTHENTICATED, **errors.NOT_FOUND}),
)
class ScreeningRequestViewSet(ScopedViewSet):
    """Submitted screening requests; the national register number masked, the referral
    signals only to those who may read them."""

    serializer_class = ScreeningRequestSerializer
    filterset_class = ScreeningRequestFilter

    # The newest first, as before the lists were read by cursor.
    cursor_ordering = ("-submitted_at", "-pk")

    def scoped(self, user):
        # Drafts have no case: only their author sees them, on the referrer's own pages.
        submitted = ScreeningRequest.objects.filter(submitted_at__isnull=False)
        return policy.with_relations(
            policy.scope_by_case(user, submitted, Action.VIEW_SCREENING_REQUEST)
            .select_related("case__programme_version", "programme", "sector"),
            prefix="case__",
        ).order_by("-submitted_at", "-pk")

    def audit_what(self, screening):
        return "screening request (API)"


def register():
    routes.register("screening-requests", ScreeningRequestViewSet, basename="screening-request")
