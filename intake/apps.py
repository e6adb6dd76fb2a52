from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Stage 1: screening request and eligibility")

    def ready(self):
        from intake import activation, api, case_sections, documents  # noqa: F401  (they register on import)

        documents.register()
        api.register()
