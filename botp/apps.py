from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BotpConfig(AppConfig):
    name = "botp"
    verbose_name = _("BOTP core")

    def ready(self):
        # Importing them registers their outbox kinds.
        from botp import account_audit, documents, invitations, notifications  # noqa: F401

        account_audit.connect()
