from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FasConfig(AppConfig):
    # An app of its own so that django-allauth finds its provider (``botp.fas.provider``).
    name = "botp.fas"
    label = "botp_fas"
    verbose_name = _("Federal Authentication Service")
