from django.contrib import admin

from debate.admin_base import ReadOnlyAdmin
from debate.debates.models import Debate, Membership, PollResponse, Position, Team


@admin.register(Debate)
class DebateAdmin(ReadOnlyAdmin):
    list_display = ("title", "slug", "phase", "is_public", "created_at")
    list_filter = ("phase", "is_public")
    search_fields = ("title", "slug", "motion")


@admin.register(Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ("title", "key", "debate", "order")
    list_filter = ("debate",)


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ("name", "debate", "position")
    list_filter = ("debate",)


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "debate", "role", "team", "joined_at", "ended_at")
    list_filter = ("debate", "role")
    search_fields = ("user__username",)

    def get_queryset(self, request):
        return Membership.all_objects.all()  # ended memberships are history worth seeing


@admin.register(PollResponse)
class PollResponseAdmin(ReadOnlyAdmin):
    list_display = ("debate", "user", "poll", "position", "updated_at")
    list_filter = ("debate", "poll")
