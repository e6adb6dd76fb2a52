from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BotpConfig(AppConfig):
    name = "botp"
    verbose_name = _("BOTP core")
