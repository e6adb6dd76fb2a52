from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BotpConfig(AppConfig):
    name = "botp"
    verbose_name = _("BOTP core")

    def ready(self):
        from django.urls import register_converter

        from botp import documents, notifications  # noqa: F401  (their outbox kinds register)
        from botp.api import cases, routes
        from botp.api import documents as document_api
        from botp.converters import CaseReferenceConverter

        register_converter(CaseReferenceConverter, "reference")
        routes.register("cases", cases.CaseViewSet, basename="case")
        routes.register("documents", document_api.DocumentViewSet, basename="document")
