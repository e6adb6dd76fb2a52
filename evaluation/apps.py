from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation: survey waves")

    def ready(self):
        from botp import prefill
        from botp import signals as botp_signals
        from evaluation import (  # noqa: F401  (they register)
            api,
            case_sections,
            exports,
            invitations,
            signals,
            tallies,
        )
        from evaluation.campaigns import delivery as campaign_delivery  # noqa: F401
        from evaluation.monitor import delivery, offer  # noqa: F401  (they register)
        from evaluation.prefill import pretest_scores

        prefill.register("pretest_scores", pretest_scores)
        botp_signals.bulk_loaded.connect(tallies.rebuilt_after_load,
                                         dispatch_uid="evaluation-tallies")
        api.register()
