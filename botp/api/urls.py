"""The API's URLs: /api/v1/ (the router), /api/schema/ (OpenAPI 3) and /api/docs/.

Every app registers its endpoints on the router (botp.api.routes) when it is ready: a new
endpoint is one more ``routes.register`` call in its app's api module.
"""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from botp.api import routes

app_name = "api"


def not_found(request, rest=""):
    """Any other address under /api/: JSON, like every API answer."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


urlpatterns = [
    path("v1/", include(routes.router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # A page for people: the login page first, then back here.
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="api:schema")),
         name="docs"),
    re_path(r"^(?P<rest>.*)$", not_found),
]
