from django.contrib import admin

from etalage.search.models import GlossaryEntry


@admin.register(GlossaryEntry)
class GlossaryEntryAdmin(admin.ModelAdmin):
    """The marketplace's words: edited here, used by every search within a minute."""

    list_display = ["terms", "note", "updated_at"]
    search_fields = ["terms", "note"]
