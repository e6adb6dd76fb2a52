from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosisConfig(AppConfig):
    name = "diagnosis"
    verbose_name = _("Stage 2: diagnosis and treatment request")

    def ready(self):
        from diagnosis import api, case_sections, documents, notifications  # noqa: F401  (the sections register on import)

        documents.register()
        api.register()
        notifications.register()
