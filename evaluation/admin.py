from django.contrib import admin

from .models import Instrument


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """Read-only: instruments change only through their files and load_instruments."""

    list_display = ["code", "version", "name_en", "loaded_at"]
    list_filter = ["code"]
    readonly_fields = ["code", "version", "name_nl", "name_fr", "name_en", "definition",
                       "sha256", "loaded_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
