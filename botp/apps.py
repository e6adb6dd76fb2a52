from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BotpConfig(AppConfig):
    name = "botp"
    verbose_name = _("BOTP core")

    def ready(self):
        from django.urls import register_converter

        # Importing them registers their outbox kinds.
        from botp import (  # noqa: F401
            account_audit,
            accounts,
            documents,
            invitations,
            notifications,
        )
        from botp.api import cases, routes
        from botp.api import documents as document_api
        from botp.converters import CaseReferenceConverter
        from botp.payments import notices, pdf, worklist  # noqa: F401  (outbox kinds, to-dos)

        register_converter(CaseReferenceConverter, "reference")
        account_audit.connect()
        routes.register("cases", cases.CaseViewSet, basename="case")
        routes.register("documents", document_api.DocumentViewSet, basename="document")
