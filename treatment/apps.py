from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatmentConfig(AppConfig):
    name = "treatment"
    verbose_name = _("Stages 3 and 4: treatment and final report")

    def ready(self):
        from treatment import api, case_sections, documents, notifications  # noqa: F401  (they register on import)

        documents.register()
        api.register()
