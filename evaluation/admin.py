from django.contrib import admin

from botp.admin import ReadOnlyAdmin
from botp.instruments import LANGUAGES

from .models import Instrument


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdmin):
    """Read-only: instruments change only through their files and load_instruments."""

    list_display = ["code", "version", "name_en", "loaded_at"]
    list_filter = ["code"]
    # A name in each language the model has a column for (German comes with the programmes').
    readonly_fields = ["code", "version",
                       *[f"name_{language}" for language in LANGUAGES
                         if any(f.name == f"name_{language}" for f in Instrument._meta.fields)],
                       "definition", "sha256", "loaded_at"]
