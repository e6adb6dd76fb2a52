from django.db import models
from django.utils.translation import get_language


class TranslatedName(models.Model):
    """Programme data named in the portal's three languages, shown in the reader's language."""

    name_nl = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        language = (get_language() or "nl")[:2]
        return getattr(self, f"name_{language}", None) or self.name_nl
