from django.contrib import admin

from debate.admin_base import ReadOnlyAdmin
from debate.sources.models import Evidence, Source


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ("title", "debate", "publication", "revision", "text_sha256")
    list_filter = ("debate",)
    search_fields = ("title", "publication")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("id", "source", "paragraph", "start", "end", "status", "is_hidden")
    list_filter = ("status", "is_hidden", "debate")
    search_fields = ("quote",)
