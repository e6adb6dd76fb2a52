"""The API's URLs: /api/v1/ (the router), /api/schema/ (OpenAPI 3) and /api/docs/.

Each stage registers its endpoints on the router below; a new endpoint (e.g. documents) is one
more ``router.register`` line.
"""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from botp.api.cases import CaseViewSet
from botp.api.documents import DocumentViewSet
from diagnosis.api import DiagnosisReportViewSet
from evaluation.api import SurveyWaveViewSet
from intake.api import ScreeningRequestViewSet
from treatment.api import FinalReportViewSet, SessionViewSet

app_name = "api"

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")
router.register("screening-requests", ScreeningRequestViewSet, basename="screening-request")
router.register("diagnosis-reports", DiagnosisReportViewSet, basename="diagnosis-report")
router.register("sessions", SessionViewSet, basename="session")
router.register("final-reports", FinalReportViewSet, basename="final-report")
router.register("survey-waves", SurveyWaveViewSet, basename="survey-wave")
router.register("documents", DocumentViewSet, basename="document")


def not_found(request, rest=""):
    """Any other address under /api/: JSON, like every API answer."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # A page for people: the login page first, then back here.
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api:schema")),
         name="docs"),
    re_path(r"^(?P<rest>.*)$", not_found),
]
