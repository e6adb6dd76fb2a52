from django.contrib import admin

from botp.admin import ReadOnlyAdmin

from .models import Instrument


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdmin):
    """Read-only: instruments change only through their files and load_instruments."""

    list_display = ["code", "version", "name_en", "loaded_at"]
    list_filter = ["code"]
    readonly_fields = ["code", "version", "name_nl", "name_fr", "name_en", "definition",
                       "sha256", "loaded_at"]
