from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp.models.i18n import TranslatedName


class Instrument(TranslatedName):
    """One version of a questionnaire as it was loaded from evaluation/instruments/.

    A version is never changed once loaded: answers are scored against the exact definition
    they were given with, so a changed file must come with a new version.
    """

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_instrument_version")
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"
