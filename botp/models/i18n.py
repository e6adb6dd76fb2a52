from django.db import models
from django.utils.translation import get_language


class TranslatedName(models.Model):
    """Programme data named in the portal's languages, shown in the reader's language (Dutch
    when a name is missing in theirs)."""

    name_nl = models.CharField(max_length=200)
    name_fr = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    # Blank on rows made before German: the reader then gets the Dutch name.
    name_de = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        language = (get_language() or "nl")[:2]
        return getattr(self, f"name_{language}", None) or self.name_nl
