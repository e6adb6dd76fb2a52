from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BotpConfig(AppConfig):
    name = "botp"
    verbose_name = _("BOTP core")

    def ready(self):
        from botp import documents, notifications  # noqa: F401  (their outbox kinds register)
