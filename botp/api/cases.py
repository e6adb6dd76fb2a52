"""/api/v1/cases/: the cases a user may see, as the dashboard and the case page show them."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from botp import policy
from botp.api import errors
from botp.api.viewsets import ScopedViewSet
from botp.converters import CaseReferenceConverter
from botp.models import Case, CaseState, ReferrerStage
from botp.policy import Action

# Either vocabulary can appear in ``stage``; "closed" is in both.
STAGES = list(dict(CaseState.choices)) + [
    value for value in ReferrerStage.values if value not in CaseState.values
]


class CaseSerializer(serializers.ModelSerializer):
    programme = serializers.SlugRelatedField(slug_field="code", read_only=True,
                                             help_text=_("The programme's code."))
    stage = serializers.SerializerMethodField(help_text=_(
        "The case's state for those who may follow its progress; for a referrer, its "
        "administrative stage only (received, approved, not_eligible, in_programme, closed)."
    ))
    stage_label = serializers.SerializerMethodField(
        help_text=_("The stage in the reader's language."))
    participant_name = serializers.SerializerMethodField(
        help_text=_("Only for those who may know who the participant is; otherwise null."))
    btp = serializers.SerializerMethodField(help_text=_(
        "The BTP's name, once one is chosen, for those who may follow the case's progress."))
    programme_version = serializers.IntegerField(
        source="programme_version.number", read_only=True,
        help_text=_("The number of the programme's version the case runs under (the one in "
                    "force when its request was sent)."))

    class Meta:
        model = Case
        fields = ["reference", "programme", "programme_version", "stage", "stage_label",
                  "requested_at", "participant_name", "btp"]

    def _user(self):
        return self.context["request"].user

    @extend_schema_field(serializers.ChoiceField(choices=STAGES))
    def get_stage(self, case):
        if policy.can(self._user(), Action.VIEW_PROGRESS, case):
            return case.state
        return case.referrer_stage.value

    def get_stage_label(self, case) -> str:
        return str(policy.stage_label(self._user(), case))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_participant_name(self, case):
        if policy.can(self._user(), Action.VIEW_IDENTITY, case):
            return str(case.participant)
        return None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_btp(self, case):
        if case.btp_id and policy.can(self._user(), Action.VIEW_PROGRESS, case):
            return str(case.btp)
        return None


class CaseFilter(filters.FilterSet):
    state = filters.ChoiceFilter(
        choices=CaseState.choices, method="filter_state",
        help_text=_("The detailed state; ignored for roles that may not know it."),
    )
    programme = filters.CharFilter(field_name="programme__code",
                                   help_text=_("The programme's code."))
    requested_after = filters.DateFilter(
        field_name="requested_at", lookup_expr="date__gte",
        help_text=_("Requested on or after this date."))
    requested_before = filters.DateFilter(
        field_name="requested_at", lookup_expr="date__lte",
        help_text=_("Requested on or before this date."))

    class Meta:
        model = Case
        fields = ["state", "programme", "requested_after", "requested_before"]

    def filter_state(self, queryset, name, value):
        # Filtering by the detailed state would reveal it to a role that may not see it (the
        # dashboard ignores it the same way).
        if not policy.role_may(self.request.user, Action.VIEW_PROGRESS):
            return queryset
        return queryset.filter(state=value)


@extend_schema_view(
    list=extend_schema(summary="The cases the user may see",
                       responses={200: CaseSerializer(many=True), **errors.LISTED}),
    retrieve=extend_schema(summary="One case, by its reference",
                           responses={200: CaseSerializer, **errors.UNAUTHENTICATED,
                                      **errors.NOT_FOUND}),
)
class CaseViewSet(ScopedViewSet):
    """The cases the user may see: all of them for Fedris staff, their own for the others."""

    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    lookup_field = "reference"
    lookup_value_regex = CaseReferenceConverter.regex
    # The dashboard lists cases without an audit entry; opening one is audited.
    audit_lists = False
    # Newest request first, as the dashboard: read backwards along (requested_at, id).
    cursor_ordering = ("-requested_at", "-pk")

    def scoped(self, user):
        return policy.with_relations(
            policy.visible_cases(user).select_related("programme", "programme_version", "btp__user")
        ).order_by("-requested_at", "-pk")

    def audit_what(self, case):
        return "case (API)"

    def case_of(self, case):
        return case
