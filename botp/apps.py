from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BotpConfig(AppConfig):
    name = "botp"
    verbose_name = _("BOTP core")

    def ready(self):
        from django.urls import register_converter

        from botp import documents, notifications  # noqa: F401  (their outbox kinds register)
        from botp.converters import CaseReferenceConverter

        register_converter(CaseReferenceConverter, "reference")
