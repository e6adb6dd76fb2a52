from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("Stage 1: screening request and eligibility")

    def ready(self):
        # They register on import.
        from intake import (  # noqa: F401
            activation,
            api,
            case_sections,
            documents,
            refusal,
            signature,
        )

        documents.register()
        api.register()
