from django.contrib import admin

from debate.admin_base import ReadOnlyAdmin
from debate.arguments.models import Citation, Claim, Vote


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ("id", "debate", "position", "parent", "stance", "team", "author", "is_hidden")
    list_filter = ("debate", "stance", "is_hidden", "is_withdrawn")
    search_fields = ("text",)


@admin.register(Citation)
class CitationAdmin(ReadOnlyAdmin):
    list_display = ("id", "claim", "evidence", "relation", "is_hidden")
    list_filter = ("relation",)


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "claim", "value", "is_withdrawn", "updated_at")
    list_filter = ("value", "is_withdrawn")
