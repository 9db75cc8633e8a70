from django.contrib import admin

from debate.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "actor", "debate", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("action", "actor__username")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    # The trail is append-only: the admin may read it, never change it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
